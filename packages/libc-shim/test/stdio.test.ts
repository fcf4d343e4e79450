// Per-program stdio between programs (src/stdio.ts, LibcPrograms.spawn/main): real C programs run
// concurrently on a simulated scheduler, one's stdout a posix pipe into the other's stdin. The
// reader's blocking reads park it (asyncify and JSPI) while the writer, sleeping between lines,
// keeps running; EOF when the writer exits, EPIPE when the reader has; streams read from TypeScript;
// libc.start's `a | b`; the errors of misused streams.
import { readFileSync } from 'node:fs';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { O_RDONLY } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { hasJspi, LibcPrograms, type RunWasiOptions, runWasi } from '../src/index';
import { wasiProcess } from '../src/wasi/kernel';
import { program, testKernel } from './helpers';

async function setup(suspend: 'asyncify' | 'jspi', start = '') {
  const { k, vfs, out } = await testKernel();
  const sched = createSched(createSimPlat(), createRrPolicy());
  const kernel = { ...k, sched, sleepNs: (ns: number) => sched.sleep(ns) };
  const printed: string[] = [];
  const p = new LibcPrograms({
    run: (prog, opts: RunWasiOptions) => runWasi(kernel, prog as Uint8Array, { ...opts, suspend }),
    sched,
    print: (t) => printed.push(t),
    env: [],
    start,
    process: (args, env) => wasiProcess(kernel, args, env),
  });
  p.define('seq', readFileSync(program('seq.c')));
  p.define('sum', readFileSync(program('sum.c')));
  const stderr = async () => {
    const fd = await vfs.open('/.stderr', O_RDONLY);
    const b = new Uint8Array(4096);
    const n = await vfs.read(fd, b);
    await vfs.close(fd);
    return new TextDecoder().decode(b.subarray(0, n));
  };
  const inMain = async <T>(f: () => Promise<T>): Promise<T> => {
    let r: T | undefined;
    await sched.runMain(async () => {
      r = await f();
      return 0;
    });
    return r as T;
  };
  return { p, out, stderr, printed, inMain, sched, vfs };
}

for (const suspend of ['asyncify', 'jspi'] as const)
  describe.skipIf(suspend === 'jspi' && !hasJspi())(`stdio between programs (${suspend})`, () => {
    it("spawn: seq's stdout into sum's stdin; sum parks in read while seq sleeps; EOF at seq's exit", async () => {
      const { p, out, inMain } = await setup(suspend);
      const [a, b] = await inMain(async () => {
        const seq = p.spawn('seq', { args: ['seq', '20', '5'], stdout: 'pipe' });
        const sum = p.spawn('sum', { stdin: seq.stdout! });
        expect(seq.stdout!.end).toBe('read');
        // Given to sum: the caller's reference is closed.
        expect(await seq.stdout!.read(new Uint8Array(1))).toBe(-9); // -EBADF
        return [await seq.wait(), await sum.wait()];
      });
      expect([a, b]).toEqual([0, 0]);
      expect(await out()).toBe('sum: 20 lines, total 210\n');
    }, 300_000);

    it('EPIPE: the reader exits after two lines; the writer is told at its next write', async () => {
      const { p, out, stderr, inMain } = await setup(suspend);
      const { a, b, err } = await inMain(async () => {
        const seq = p.spawn('seq', { args: ['seq', '1000', '10'], stdout: 'pipe' });
        const head = p.spawn('sum', { args: ['sum', '2'], stdin: seq.stdout! });
        const [a, b] = [await seq.wait(), await head.wait()];
        // Again with seq's stderr piped to TypeScript instead of the console.
        const seq2 = p.spawn('seq', { args: ['seq', '9', '10'], stdout: 'pipe', stderr: 'pipe' });
        const head2 = p.spawn('sum', { args: ['sum', '1'], stdin: seq2.stdout! });
        const buf = new Uint8Array(128);
        const n = await seq2.stderr!.read(buf); // parks until seq writes its message
        await head2.wait();
        expect(await seq2.wait()).toBe(3);
        expect(await seq2.stderr!.read(buf.subarray(n))).toBe(0); // EOF: seq exited
        return { a, b, err: new TextDecoder().decode(buf.subarray(0, n)) };
      });
      expect(await out()).toBe('sum: 2 lines, total 3\nsum: 1 lines, total 1\n');
      expect(await stderr()).toBe('seq: write: EPIPE after 2 lines\n'); // the second went to TS
      expect(err).toBe('seq: write: EPIPE after 1 lines\n');
      expect([a, b]).toEqual([3, 0]);
    }, 300_000);

    it('TypeScript reads a program’s stdout and writes another’s stdin', async () => {
      const { p, out, inMain } = await setup(suspend);
      const { text, status } = await inMain(async () => {
        const seq = p.spawn('seq', { args: ['seq', '5'], stdout: 'pipe' });
        let text = '';
        const buf = new Uint8Array(64);
        for (;;) {
          const n = await seq.stdout!.read(buf);
          if (n <= 0) break;
          text += new TextDecoder().decode(buf.subarray(0, n));
        }
        await seq.wait();
        const sum = p.spawn('sum', { stdin: 'pipe' });
        expect(await sum.stdin!.write(new TextEncoder().encode('40\n2\n'))).toBe(5);
        await sum.stdin!.close(); // EOF
        return { text, status: await sum.wait() };
      });
      expect(text).toBe('1\n2\n3\n4\n5\n');
      expect(status).toBe(0);
      expect(await out()).toBe('sum: 2 lines, total 42\n');
    }, 300_000);

    it("libc.start's pipeline: seq 100 | sum ; its status is the last command's", async () => {
      const { p, out, inMain } = await setup(suspend, 'seq 100 1 | sum ; seq 3 | sum 9 | sum');
      const status = await inMain(() => p.main(['img']));
      // The second pipeline: sum reads 3 lines, prints its line into the last sum (not a number:
      // total 0, one line).
      expect(await out()).toBe('sum: 100 lines, total 5050\nsum: 1 lines, total 0\n');
      expect(status).toBe(0);
    }, 300_000);

    it("libc.start's redirections: > truncates, >> appends, < reads, 2>&1 and >&2 copy; a bad file is status 1", async () => {
      const { p, out, stderr, printed, inMain, vfs } = await setup(
        suspend,
        'seq 5 > /tmp/n ; sum < /tmp/n ; seq 3 >> /tmp/n ; sum < /tmp/n > /tmp/t 2>&1 ; ' +
          'seq 2 > /tmp/n ; sum </tmp/n >&2 ; sum < /missing > /tmp/never ; seq 1 | sum > /tmp/t',
      );
      const status = await inMain(() => p.main(['img']));
      const file = async (path: string) => {
        const fd = await vfs.open(path, O_RDONLY);
        if (fd < 0) return `(${fd})`;
        const b = new Uint8Array(4096);
        const n = await vfs.read(fd, b);
        await vfs.close(fd);
        return new TextDecoder().decode(b.subarray(0, n));
      };
      // Only the first sum wrote to the console; the others went where they were sent.
      expect(await out()).toBe('sum: 5 lines, total 15\n');
      expect(await file('/tmp/n')).toBe('1\n2\n');
      // seq 1 | sum > /tmp/t truncated what the earlier sum (8 lines: 1..5 then 1..3) left.
      expect(await file('/tmp/t')).toBe('sum: 1 lines, total 1\n');
      expect(await stderr()).toBe('sum: 2 lines, total 3\n');
      // The missing input stops the command before it runs; the file after it is never made.
      expect(printed).toEqual(['libc-shim: sum: /missing: ENOENT\n']);
      expect(await file('/tmp/never')).toBe('(-2)');
      expect(status).toBe(0);
    }, 300_000);

    it('spawn redirects: >> keeps what the file had; an unopened descriptor to copy is EBADF, status 1', async () => {
      const { p, printed, inMain, vfs } = await setup(suspend);
      const [a, b, c] = await inMain(async () => {
        const a = await p
          .spawn('seq', { args: ['seq', '2'], redirects: [{ fd: 1, op: '>', path: '/tmp/x' }] })
          .wait();
        const b = await p
          .spawn('seq', { args: ['seq', '1'], redirects: [{ fd: 1, op: '>>', path: '/tmp/x' }] })
          .wait();
        const c = await p
          .spawn('seq', { args: ['seq', '1'], redirects: [{ fd: 1, op: '>&', to: 7 }] })
          .wait();
        return [a, b, c];
      });
      const fd = await vfs.open('/tmp/x', O_RDONLY);
      const buf = new Uint8Array(64);
      const n = await vfs.read(fd, buf);
      expect(new TextDecoder().decode(buf.subarray(0, n))).toBe('1\n2\n1\n');
      expect([a, b, c]).toEqual([0, 0, 1]);
      expect(printed).toEqual(['libc-shim: seq: 7: EBADF\n']);
    }, 300_000);
  });

describe('spawn: misused streams are precise errors, and nothing starts', () => {
  it('a stream given twice, the wrong end, a closed one', async () => {
    const { p, inMain } = await setup('asyncify');
    await inMain(async () => {
      const seq = p.spawn('seq', { args: ['seq', '1'], stdout: 'pipe' });
      expect(() => p.spawn('sum', { stdout: seq.stdout! })).toThrow(
        /stdout needs a write end, got a read end/,
      );
      const sum = p.spawn('sum', { stdin: seq.stdout! });
      expect(() => p.spawn('sum', { stdin: seq.stdout! })).toThrow(
        /stream given as stdin was already given to a program or closed/,
      );
      const other = p.spawn('seq', { args: ['seq', '1'], stdout: 'pipe' });
      await other.stdout!.close();
      expect(await other.stdout!.close()).toBe(-9);
      expect(() => p.spawn('sum', { stdin: other.stdout! })).toThrow(/already given .* or closed/);
      expect(() => p.spawn('sum', { stdin: { end: 'read' } as never })).toThrow(
        /stdin is not a stream of this libc/,
      );
      // The writer whose reader was closed before it started: EPIPE, status 3.
      expect(await other.wait()).toBe(3);
      await seq.wait();
      await sum.wait();
    });
  }, 300_000);

  it('a program that cannot start still closes its pipe ends: the reader sees EOF', async () => {
    const { p, out, printed, inMain } = await setup('asyncify');
    p.define('bad', new TextEncoder().encode('not wasm'));
    const [a, b] = await inMain(async () => {
      const bad = p.spawn('bad', { stdout: 'pipe' });
      const sum = p.spawn('sum', { stdin: bad.stdout! });
      return [await bad.wait(), await sum.wait()];
    });
    expect(a).toBe(127);
    expect(printed.join('')).toMatch(/^libc-shim: bad: not a WebAssembly module: bad magic/);
    expect(b).toBe(1); // no lines
    expect(await out()).toBe('sum: 0 lines, total 0\n');
  }, 300_000);
});
