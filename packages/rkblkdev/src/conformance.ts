// The rkblkdev conformance kit: `describeRkBlkdev(name, make)` registers behavioural tests any block
// provider runs against itself. The subject brings a scratch buffer in guest RAM.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkBlkdev, RkBlkreq } from './api';

export interface RkBlkdevKitSubject {
  /** A registered read-write device of at least 64 sectors. */
  readonly dev: RkBlkdev;
  /** Guest-physical address of a scratch buffer of >= 64 KiB + 2 sectors. */
  readonly bufPa: number;
  /** Reads the backing store directly (host file, RAM disk array) to check writes landed. */
  backing?(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  /** Lets an asynchronous device make progress (run the machine / host I/O); default: nothing. */
  pump?(): Promise<void>;
  close?(): void | Promise<void>;
}

function pattern(len: number, seed: number): Uint8Array {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  return p;
}

export function describeRkBlkdev(
  name: string,
  make: () => RkBlkdevKitSubject | Promise<RkBlkdevKitSubject>,
): void {
  describe(`rkblkdev conformance: ${name}`, () => {
    const run = (fn: (s: RkBlkdevKitSubject) => Promise<void>) => async () => {
      const s = await make();
      try {
        await fn(s);
      } finally {
        await s.close?.();
      }
    };
    const ram = (s: RkBlkdevKitSubject, len: number) =>
      s.dev.phys.u8.subarray(s.bufPa - s.dev.phys.base, s.bufPa - s.dev.phys.base + len);

    it(
      'reports sane geometry',
      run(async (s) => {
        const i = s.dev.info();
        expect([512, 1024, 2048, 4096]).toContain(i.sectorSize);
        expect(i.sectors).toBeGreaterThanOrEqual(64);
        expect(i.maxQueueDepth).toBeGreaterThanOrEqual(1);
        expect(i.maxSectorsPerReq).toBeGreaterThanOrEqual(1);
      }),
    );

    it(
      'writes, flushes and reads back multi-sector patterns at both ends of the disk',
      run(async (s) => {
        const { sectorSize: ss, sectors } = s.dev.info();
        const n = Math.min(8, s.dev.info().maxSectorsPerReq);
        for (const at of [0, sectors - n]) {
          const p = pattern(n * ss, at);
          ram(s, n * ss).set(p);
          expect(await s.dev.write(at, n, s.bufPa)).toBe(0);
          expect(await s.dev.flush()).toBe(0);
          ram(s, n * ss).fill(0);
          expect(await s.dev.read(at, n, s.bufPa)).toBe(0);
          expect(ram(s, n * ss)).toEqual(p);
          if (s.backing) expect(await s.backing(at * ss, n * ss)).toEqual(p);
        }
        expect(s.dev.stats.writes).toBe(2);
        expect(s.dev.stats.flushes).toBe(2);
      }),
    );

    it(
      'refuses out-of-range, zero-length and out-of-RAM requests with -EINVAL/-EFAULT',
      run(async (s) => {
        const { sectors } = s.dev.info();
        expect(await s.dev.read(sectors, 1, s.bufPa)).toBe(-Errno.EINVAL);
        expect(await s.dev.read(sectors - 1, 2, s.bufPa)).toBe(-Errno.EINVAL);
        expect(await s.dev.read(0, 0, s.bufPa)).toBe(-Errno.EINVAL);
        expect(await s.dev.read(-1, 1, s.bufPa)).toBe(-Errno.EINVAL);
        expect(await s.dev.read(0, 1, s.dev.phys.base + s.dev.phys.size)).toBe(-Errno.EFAULT);
        expect(s.dev.inflight).toBe(0);
      }),
    );

    it(
      'readv/writev move scattered pieces to and from consecutive sectors, in as few requests as maxSegments allows',
      run(async (s) => {
        const info = s.dev.info();
        const ss = info.sectorSize;
        // four pieces out of memory order ([sector offset in the scratch buffer, sectors]), 1 + 3 +
        // 2 + 1 sectors, written from sector 5 on; the buffer's sectors 10-16 receive a plain read
        const shape: [number, number][] = [
          [9, 1],
          [2, 3],
          [6, 2],
          [0, 1],
        ];
        const segs = shape.map(([off, n]) => ({ pa: s.bufPa + off * ss, bytes: n * ss }));
        const whole = pattern(7 * ss, 3);
        const buf = ram(s, 17 * ss);
        let at = 0;
        for (const seg of segs) {
          buf.set(whole.subarray(at, at + seg.bytes), seg.pa - s.bufPa);
          at += seg.bytes;
        }
        const writes = s.dev.stats.writes;
        expect(await s.dev.writev(5, segs)).toBe(0);
        if (info.maxSectorsPerReq >= 7)
          expect(s.dev.stats.writes - writes).toBe(Math.ceil(4 / (info.maxSegments ?? 1)));
        if (s.backing) expect(await s.backing(5 * ss, 7 * ss)).toEqual(whole);
        // read back contiguously, then scattered again
        const n = Math.min(7, info.maxSectorsPerReq);
        buf.fill(0);
        expect(await s.dev.read(5, n, s.bufPa + 10 * ss)).toBe(0);
        expect(buf.subarray(10 * ss, (10 + n) * ss)).toEqual(whole.subarray(0, n * ss));
        buf.fill(0);
        expect(await s.dev.readv(5, segs)).toBe(0);
        at = 0;
        for (const seg of segs) {
          const got = buf.subarray(seg.pa - s.bufPa, seg.pa - s.bufPa + seg.bytes);
          expect(got).toEqual(whole.subarray(at, at + seg.bytes));
          at += seg.bytes;
        }
      }),
    );

    it(
      'refuses scatter-gather pieces that are not whole sectors, outside RAM, too many, or not the request length',
      run(async (s) => {
        const { sectorSize: ss, maxSegments } = s.dev.info();
        const end = s.dev.phys.base + s.dev.phys.size;
        expect(await s.dev.writev(0, [])).toBe(-Errno.EINVAL);
        expect(await s.dev.writev(0, [{ pa: s.bufPa, bytes: ss + 1 }])).toBe(-Errno.EINVAL);
        expect(await s.dev.readv(0, [{ pa: s.bufPa, bytes: 0 }])).toBe(-Errno.EINVAL);
        expect(await s.dev.readv(0, [{ pa: end - ss / 2, bytes: ss }])).toBe(-Errno.EFAULT);
        expect(
          await s.dev.readv(s.dev.info().sectors - 1, [
            { pa: s.bufPa, bytes: ss },
            { pa: s.bufPa + 2 * ss, bytes: ss },
          ]),
        ).toBe(-Errno.EINVAL);
        const base = { op: 'read' as const, sector: 0, pa: 0 };
        const piece = (k: number) => ({ pa: s.bufPa + k * ss, bytes: ss });
        const many = Array.from({ length: (maxSegments ?? 1) + 1 }, (_, k) => piece(k % 64));
        expect(s.dev.submit({ ...base, nbSectors: many.length, segs: many })).toBe(-Errno.EINVAL);
        expect(s.dev.submit({ ...base, nbSectors: 2, segs: [piece(0)] })).toBe(-Errno.EINVAL);
        expect(s.dev.submit({ ...base, nbSectors: 1, segs: [] })).toBe(-Errno.EINVAL);
        expect(s.dev.inflight).toBe(0);
      }),
    );

    it(
      'completes asynchronous requests up to the queue depth, each callback exactly once',
      run(async (s) => {
        const { sectorSize: ss, maxQueueDepth } = s.dev.info();
        const depth = Math.min(maxQueueDepth, 16);
        const seen = new Map<number, number>();
        const reqs: RkBlkreq[] = [];
        for (let i = 0; i < depth; i++) {
          const req: RkBlkreq = {
            op: 'read',
            sector: i,
            nbSectors: 1,
            pa: s.bufPa + i * ss,
            callback: () => seen.set(i, (seen.get(i) ?? 0) + 1),
          };
          expect(s.dev.submit(req)).toBe(0);
          reqs.push(req);
        }
        for (let t = 0; t < 10_000 && reqs.some((r) => !r.done); t++) {
          if (s.dev.poll() === 0) await s.pump?.();
        }
        expect(reqs.every((r) => r.done && r.result === 0)).toBe(true);
        expect([...seen.values()].every((c) => c === 1) && seen.size === depth).toBe(true);
        expect(s.dev.inflight).toBe(0);
      }),
    );
  });
}
