// A pipe on a program's stdin, on node:wasi and on libc-shim: node:wasi (uvwasi) reports a host
// FIFO as SOCKET_STREAM, which wasi-libc's fstat turns into S_ISFIFO; libc-shim reports a posix
// pipe the same way (preview1 has no FIFO type), so the same program sees the same stdin.
import { readFileSync } from 'node:fs';
import { F_DUPFD } from '@runikraft/posix';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { wasiProcess } from '../src/wasi/kernel';
import { onNodeWasi, program, testKernel } from './helpers';

const INPUT = 'x'.repeat(1000);

describe('a pipe as stdin: libc-shim = node:wasi', () => {
  it('fstat says S_ISFIFO (preview1 SOCKET_STREAM), and the data reads to EOF', async () => {
    const wasm = program('fifo.c');
    // node:wasi, whose stdin is a host pipe.
    const node = onNodeWasi(wasm, INPUT);
    expect(node.stderr).toBe('');
    expect(node.status).toBe(0);
    expect(node.stdout).toBe(
      `stdin S_ISFIFO 1 S_ISREG 0 S_ISCHR 0 isatty 0\nread ${INPUT.length} bytes, then 0\n`,
    );

    const { k, out } = await testKernel();
    const sched = createSched(createSimPlat(), createRrPolicy());
    const kernel = { ...k, sched, sleepNs: (ns: number) => sched.sleep(ns) };
    let status = -1;
    await sched.runMain(async () => {
      const px = wasiProcess(kernel, ['fifo'], []);
      const [r, w] = px.pipe() as [number, number];
      expect(r).toBe(0); // stdin; 1 and 2 come from the kernel at start
      const wr = px.fcntl(w, F_DUPFD, 10);
      await px.close(w);
      const writer = sched.spawn('writer', async () => {
        await px.write(wr, new TextEncoder().encode(INPUT));
        await px.close(wr);
      });
      status = (await runWasi(kernel, readFileSync(wasm), { args: ['fifo'], process: px })).status;
      await sched.join(writer);
      return 0;
    });
    expect(status).toBe(0);
    expect(await out()).toBe(node.stdout);
  }, 300_000);
});
