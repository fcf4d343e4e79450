// poll_oneoff's fd subscriptions over posix readiness: a C program polls its stdin — a pipe another
// thread writes to, or the console someone types on — on a scheduler with a virtual clock (the
// program parks in poll); and the same on the console with epoll (WASIX's epoll_wait).
import { readFileSync } from 'node:fs';
import { createDevfsType } from '@runikraft/devfs';
import { F_DUPFD } from '@runikraft/posix';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { O_RDWR } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { wasiProcess } from '../src/wasi/kernel';
import { program, testKernel } from './helpers';

describe('poll_oneoff on a pipe', () => {
  it('parks until the pipe has data, times out on the clock, reports hang-up', async () => {
    const { k, out } = await testKernel();
    const plat = createSimPlat();
    const sched = createSched(plat, createRrPolicy());
    const kernel = { ...k, sched, sleepNs: (ns: number) => sched.sleep(ns) };
    const wasm = readFileSync(program('pollin.c'));
    let status = -1;
    await sched.runMain(async () => {
      const px = wasiProcess(kernel, ['pollin'], []);
      // The read end becomes the program's stdin (fd 0: the table is empty); the write end moves
      // out of the way (fd 10), kept by the writer thread; 1 and 2 come from the kernel at start.
      const [r, w] = px.pipe() as [number, number];
      expect(r).toBe(0);
      const wr = px.fcntl(w, F_DUPFD, 10);
      await px.close(w);
      const writer = sched.spawn('writer', async () => {
        await sched.sleep(20_000_000); // inside the first 50 ms poll
        await px.write(wr, new TextEncoder().encode('hello'));
        await sched.sleep(100_000_000); // the second poll times out
        await px.close(wr); // the third sees the hang-up (EOF)
      });
      status = (await runWasi(kernel, wasm, { args: ['pollin'], process: px })).status;
      await sched.join(writer);
      return 0;
    });
    expect(status).toBe(0);
    // At EOF the fd_read event carries EPIPE, which wasi-libc's poll turns into POLLHUP alone, as
    // Linux reports a drained pipe with no writer.
    expect(await out()).toBe(
      'round 0: ready 1 revents IN, read 5: hello\nround 1: timeout\nround 2: ready 1 revents +HUP, read 0: \n',
    );
  }, 300_000);

  it('on the console: parks until a line is typed (not just a key), times out, sees Ctrl-D', async () => {
    const { echo, out } = await onConsole('pollin.c');
    expect(echo).toBe('hello\r\n');
    expect(out).toBe(
      'round 0: ready 1 revents IN, read 6: hello\n\nround 1: timeout\nround 2: ready 1 revents IN, read 0: \n',
    );
  }, 300_000);

  it('epoll on the console (the WASIX extension): the same waits, the data handed back', async () => {
    const { echo, out } = await onConsole('epollin.c');
    expect(echo).toBe('hello\r\n');
    expect(out).toBe(
      'round 0: ready 1 data c0de IN, read 6: hello\n\nround 1: timeout\nround 2: ready 1 data c0de IN, read 0: \n',
    );
  }, 300_000);
});

/** Runs `file` with the console (devfs) as stdin while a typist types 'hel', 'lo', Enter, then Ctrl-D. */
async function onConsole(file: string): Promise<{ echo: string; out: string }> {
  const { k, vfs, out } = await testKernel();
  const plat = createSimPlat();
  const sched = createSched(plat, createRrPolicy());
  const kernel = { ...k, sched, sleepNs: (ns: number) => sched.sleep(ns) };
  // A console port as devfs's library makes one: typed bytes queue up, input tells the listeners.
  const typed: number[] = [];
  let echo = '';
  const listeners = new Set<() => void>();
  const inputWq = sched.waitQueue();
  listeners.add(() => inputWq.wakeAll());
  vfs.registerFsType(
    createDevfsType({
      consoleCanonical: true,
      console: {
        out: (b) => {
          echo += new TextDecoder().decode(b);
          return b.length;
        },
        in: (b) => {
          const n = Math.min(b.length, typed.length);
          b.set(typed.splice(0, n));
          return n;
        },
        waitInput: () => inputWq.wait(),
        onInput: (l) => {
          listeners.add(l);
          return () => void listeners.delete(l);
        },
      },
    }),
  );
  expect(await vfs.mkdir('/dev', 0o755)).toBe(0);
  expect(await vfs.mount('devfs', '/dev', 'devfs')).toBe(0);
  const type = (text: string) => {
    typed.push(...new TextEncoder().encode(text));
    for (const l of [...listeners]) l();
  };
  const wasm = readFileSync(program(file));
  let status = -1;
  await sched.runMain(async () => {
    const px = wasiProcess(kernel, [file], []);
    expect(await px.open('/dev/console', O_RDWR)).toBe(0);
    const typist = sched.spawn('typist', async () => {
      await sched.sleep(10_000_000);
      type('hel'); // a key is no line yet: poll stays parked
      await sched.sleep(10_000_000);
      type('lo\r'); // inside the first 50 ms poll
      await sched.sleep(100_000_000); // the second poll times out
      type('\x04'); // the third sees end of file
    });
    status = (await runWasi(kernel, wasm, { args: [file], process: px })).status;
    await sched.join(typist);
    return 0;
  });
  expect(status).toBe(0);
  return { echo, out: await out() };
}
