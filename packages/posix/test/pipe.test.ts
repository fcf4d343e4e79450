import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { AT_FDCWD, O_CREAT, O_NONBLOCK, O_RDWR, PIPE_BUF, PIPE_SIZE } from '../src/index';
import { bytes, setup, text, withFs } from './helpers';

describe('pipe', () => {
  it('carries a stream between threads, blocking on full and empty, in order', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const total = 3 * PIPE_SIZE + 12345;
      const src = Uint8Array.from({ length: total }, (_, i) => (i * 7 + (i >> 9)) & 0xff);
      const writer = sched.spawn('writer', async () => {
        for (let at = 0; at < total; ) {
          const n = await px.write(w, src.subarray(at, at + 10_000));
          expect(n).toBeGreaterThan(0);
          at += n;
        }
        await px.close(w);
      });
      const got = new Uint8Array(total);
      let at = 0;
      for (;;) {
        const n = await px.read(r, got.subarray(at, Math.min(total, at + 3000)));
        if (n === 0) break;
        expect(n).toBeGreaterThan(0);
        at += n;
        if (at === total) expect(await px.read(r, new Uint8Array(1))).toBe(0); // EOF after close
        if (at === total) break;
      }
      expect(at).toBe(total);
      expect(got).toEqual(src);
      await sched.join(writer);
    });
  });

  it('writes of at most PIPE_BUF bytes are never interleaved; larger ones may be', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      // Sizes that do not divide the ring, so atomic writes also straddle its wrap.
      const size = (tag: number) => (tag === 3 ? 3 * PIPE_BUF : PIPE_BUF - tag * 100);
      const ws = [1, 2, 3].map((tag) =>
        sched.spawn(`w${tag}`, async () => {
          for (let i = 0; i < 20; i++) {
            expect(await px.write(w, new Uint8Array(size(tag)).fill(tag))).toBe(size(tag));
            await sched.yield();
          }
        }),
      );
      const runs: [number, number][] = [];
      const want = 20 * (size(1) + size(2) + size(3));
      // Reads freeing more than PIPE_BUF at once let a waiting atomic writer in mid-way through
      // writer 3's large write.
      const b = new Uint8Array(6000);
      for (let got = 0; got < want; ) {
        const n = await px.read(r, b);
        for (let i = 0; i < n; i++) {
          const last = runs[runs.length - 1];
          if (last && last[0] === b[i]) last[1]++;
          else runs.push([b[i]!, 1]);
        }
        got += n;
        await sched.yield();
      }
      for (const t of ws) await sched.join(t);
      // A run of writer 1's or 2's bytes is a whole number of its writes; writer 3's (3 x
      // PIPE_BUF, not atomic) were split by the others.
      for (const [tag, len] of runs) if (tag !== 3) expect(len % size(tag)).toBe(0);
      expect(runs.filter(([t]) => t === 3).some(([, len]) => len % size(3) !== 0)).toBe(true);
      expect(runs.length).toBeGreaterThan(10);
    });
  });

  it('calls that need not wait return their result directly (no Promise: no suspension for a wasm caller)', async () => {
    const { px, vfs, run } = await withFs();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      expect(px.write(w, bytes('abc'))).toBe(3);
      expect(px.read(r, new Uint8Array(8))).toBe(3);
      expect(px.read(r, new Uint8Array(8))).toBeInstanceOf(Promise); // empty: it parks
      await px.write(w, bytes('x'));
      const fd = await px.open('/f', O_CREAT | O_RDWR);
      expect(px.write(fd, bytes('hello'))).toBe(5);
      expect(px.pread(fd, new Uint8Array(8), 0)).toBe(5);
      expect(typeof (px.fstat(fd) as { size: number }).size).toBe('number');
      expect(typeof (px.fstatat(AT_FDCWD, '/f', 0) as { size: number }).size).toBe('number');
      void vfs;
    });
  });

  it('EPIPE without a reader, EOF without a writer, a parked writer gets EPIPE when the reader goes', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      expect(await px.write(w, bytes('abc'))).toBe(3);
      expect(await px.close(w)).toBe(0);
      const b = new Uint8Array(10);
      expect(await px.read(r, b)).toBe(3);
      expect(text(b.subarray(0, 3))).toBe('abc');
      expect(await px.read(r, b)).toBe(0);
      expect(await px.write(r, b)).toBe(-Errno.EBADF);
      expect(await px.close(r)).toBe(0);

      const [r2, w2] = px.pipe() as [number, number];
      expect(await px.read(w2, b)).toBe(-Errno.EBADF);
      expect(await px.write(w2, new Uint8Array(PIPE_SIZE))).toBe(PIPE_SIZE);
      const t = sched.spawn('closer', async () => {
        await sched.sleep(1_000_000);
        await px.close(r2);
      });
      // Full: the writer parks; the reader's close wakes it with EPIPE (nothing of it was written).
      expect(await px.write(w2, bytes('more'))).toBe(-Errno.EPIPE);
      await sched.join(t);
    });
  });

  it('O_NONBLOCK: EAGAIN on empty and on full; a big write is partial; an atomic one all or nothing', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe(O_NONBLOCK) as [number, number];
      expect(await px.read(r, new Uint8Array(1))).toBe(-Errno.EAGAIN);
      expect(await px.write(w, new Uint8Array(PIPE_SIZE - 100))).toBe(PIPE_SIZE - 100);
      expect(await px.write(w, new Uint8Array(200))).toBe(-Errno.EAGAIN); // atomic: no room for all
      expect(await px.write(w, new Uint8Array(PIPE_BUF + 1))).toBe(100); // non-atomic: what fits
      expect(await px.write(w, new Uint8Array(PIPE_BUF + 1))).toBe(-Errno.EAGAIN);
      expect(await px.read(r, new Uint8Array(PIPE_SIZE * 2))).toBe(PIPE_SIZE);
      expect(await px.read(r, new Uint8Array(0))).toBe(0);
      expect(px.pipe(0x40)).toBe(-Errno.EINVAL);
    });
  });

  it("a parked reader is woken by data from another thread at the writer's virtual time", async () => {
    const { px, sched, plat, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const t = sched.spawn('late', async () => {
        await sched.sleep(5_000_000);
        await px.write(w, bytes('late'));
      });
      const t0 = plat.time.monotonicNs();
      const b = new Uint8Array(8);
      expect(await px.read(r, b)).toBe(4);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(5_000_000);
      expect(plat.time.monotonicNs() - t0).toBeLessThan(6_000_000);
      await sched.join(t);
    });
  });
});
