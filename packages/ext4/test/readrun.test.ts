// File data read whole bypasses the block cache in requests of up to 1 MiB (through a bounce
// buffer, or straight into the caller's buffer when that is guest RAM): reads crossing extents and
// holes, unaligned reads, reads at and past EOF, cached dirty blocks inside a run, the cache's LRU
// bound, and writes from a guest-RAM buffer. Images come from the real mkfs.ext4; e2fsck checks them.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { O_CREAT, O_RDONLY, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../ramfs/test/helpers';
import { createExt4Type, type Ext4Fs } from '../src/index';
import { debugfs, disk, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const MiB = 1 << 20;
const top = scratch('rk-ext4-readrun-');
const src = join(top, 'src');
afterAll(() => rmrf(top));

/** Seeded bytes (xorshift), so every offset has its own value. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const big = bytes(5 * MiB + 123, 7);
/** Data at [0, 10000) and [3 MiB, 3 MiB + 5000), holes elsewhere, 6 MiB long. */
const sparse = new Uint8Array(6 * MiB);
sparse.set(bytes(10000, 3), 0);
sparse.set(bytes(5000, 5), 3 * MiB);

beforeAll(() => {
  if (!haveE2fs) return;
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'big'), big);
  // a sparse file: only the written ranges get blocks (mkfs -d keeps holes)
  writeFileSync(join(src, 'sparse'), '');
  const fd = openSync(join(src, 'sparse'), 'r+');
  writeSync(fd, sparse, 0, 10000, 0);
  writeSync(fd, sparse, 3 * MiB, 5000, 3 * MiB);
  ftruncateSync(fd, sparse.length);
  closeSync(fd);
});

/** vfscore with `img` on "/", the allocator the cache uses, and every request the driver saw. */
async function mount(img: string, options = '') {
  const { alloc, drv, disks } = disk(img, false, 64 << 20);
  const reqs: { op: string; bytes: number; pa: number }[] = [];
  const start = drv.start.bind(drv);
  drv.start = (req) => {
    reqs.push({ op: req.op, bytes: req.nbSectors * 512, pa: req.pa });
    return start(req);
  };
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
  expect(await v.mount('/dev/vda', '/', 'ext4', 0, options)).toBe(0);
  const fs = v.st.mountList[0]!.fs as Ext4Fs;
  return { v, alloc, reqs, fs, phys: alloc.phys };
}

async function readAt(v: RkVfsCore, path: string, buf: Uint8Array, off: number): Promise<number> {
  const fd = (await v.open(path, O_RDONLY)) as number;
  expect(fd).toBeGreaterThanOrEqual(0);
  const n = (await v.pread(fd, buf, off)) as number;
  expect(await v.close(fd)).toBe(0);
  return n;
}

describe.skipIf(!haveE2fs)('ext4 whole-block reads', () => {
  it('read a 5 MiB file in one call in 1 MiB requests, and at unaligned offsets and lengths', async () => {
    const { v, reqs } = await mount(mkfs(top, '64M', { dir: src }));
    const all = new Uint8Array(big.length + 4096);
    reqs.length = 0;
    expect(await readAt(v, '/big', all, 0)).toBe(big.length);
    expect(Buffer.compare(all.subarray(0, big.length), big)).toBe(0);
    const data = reqs.filter((r) => r.bytes >= 64 * 1024);
    expect(Math.max(...data.map((r) => r.bytes))).toBe(MiB);
    expect(data.reduce((s, r) => s + r.bytes, 0)).toBeGreaterThanOrEqual(5 * MiB);
    expect(data.length).toBeLessThanOrEqual(8);
    // seeded unaligned reads, some spanning many blocks and the 1 MiB request boundaries
    let x = 99;
    const rnd = (m: number) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % m;
    for (let k = 0; k < 40; k++) {
      const off = rnd(big.length);
      const len = 1 + rnd(k % 2 ? 5000 : 2 * MiB + 777);
      const buf = new Uint8Array(len);
      const want = Math.min(len, big.length - off);
      expect(await readAt(v, '/big', buf, off)).toBe(want);
      expect(
        Buffer.compare(buf.subarray(0, want), big.subarray(off, off + want)),
        `${off}+${len}`,
      ).toBe(0);
    }
    // at and past the end
    const tail = new Uint8Array(MiB);
    expect(await readAt(v, '/big', tail, big.length - 100)).toBe(100);
    expect(Buffer.compare(tail.subarray(0, 100), big.subarray(big.length - 100))).toBe(0);
    expect(await readAt(v, '/big', tail, big.length)).toBe(0);
    expect(await readAt(v, '/big', tail, big.length + 5 * MiB)).toBe(0);
  });

  it('holes read as zeros inside one call that also reads data on both sides', async () => {
    const { v } = await mount(mkfs(top, '64M', { dir: src }));
    const buf = new Uint8Array(sparse.length).fill(0xee);
    expect(await readAt(v, '/sparse', buf, 0)).toBe(sparse.length);
    expect(Buffer.compare(buf, sparse)).toBe(0);
    const mid = new Uint8Array(3 * MiB).fill(0xee);
    expect(await readAt(v, '/sparse', mid, 8192)).toBe(3 * MiB);
    expect(Buffer.compare(mid, sparse.subarray(8192, 8192 + 3 * MiB))).toBe(0);
  });

  it('a buffer in guest RAM is filled by the device itself: no bounce buffer, no copy', async () => {
    const { v, alloc, reqs, phys } = await mount(mkfs(top, '64M', { dir: src }));
    const pa = alloc.memalign(4096, 3 * MiB);
    expect(pa).toBeGreaterThan(0);
    const view = phys.u8.subarray(pa - phys.base, pa - phys.base + 3 * MiB);
    reqs.length = 0;
    expect(await readAt(v, '/big', view, 12288)).toBe(3 * MiB);
    expect(Buffer.compare(view, big.subarray(12288, 12288 + 3 * MiB))).toBe(0);
    const data = reqs.filter((r) => r.bytes >= 64 * 1024);
    expect(data.length).toBeGreaterThanOrEqual(3);
    for (const r of data) {
      expect(r.pa).toBeGreaterThanOrEqual(pa);
      expect(r.pa + r.bytes).toBeLessThanOrEqual(pa + 3 * MiB);
    }
  });

  it('dirty cached blocks inside a run are read from the cache; file data stays out of a small cache', async () => {
    const img = mkfs(top, '64M', { dir: src });
    const { v, fs } = await mount(img, 'cache=64');
    const fd = (await v.open('/big', O_WRONLY)) as number;
    const patch = new Uint8Array(100).fill(0xa5);
    // a partial block goes through the cache (dirty until written back)
    expect(await v.pwrite(fd, patch, MiB + 5000)).toBe(100);
    expect(await v.pwrite(fd, patch, 2 * MiB + 4090)).toBe(100); // straddles two blocks
    const want = big.slice();
    want.set(patch, MiB + 5000);
    want.set(patch, 2 * MiB + 4090);
    const got = new Uint8Array(4 * MiB);
    expect(await readAt(v, '/big', got, 4096)).toBe(4 * MiB);
    expect(Buffer.compare(got, want.subarray(4096, 4096 + 4 * MiB))).toBe(0);
    const all = new Uint8Array(big.length);
    expect(await readAt(v, '/big', all, 0)).toBe(big.length);
    expect(Buffer.compare(all, want)).toBe(0);
    expect(fs.vol.cache.size).toBeLessThanOrEqual(Math.max(16, (64 * 1024) / fs.vol.blockSize));
    expect(await v.close(fd)).toBe(0);
    expect(await fs.sync()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it('files written interleaved (many extents) and from guest RAM read back whole and in 1 MiB calls', async () => {
    const img = mkfs(top, '64M');
    const { v, alloc, phys, fs } = await mount(img);
    const a = bytes(3 * MiB + 4096 * 3, 11);
    const b = bytes(3 * MiB + 777, 13);
    const fa = (await v.open('/a', O_CREAT | O_WRONLY, 0o644)) as number;
    const fb = (await v.open('/b', O_CREAT | O_WRONLY, 0o644)) as number;
    // b's data goes from a guest-RAM buffer (the device reads it in place)
    const pa = alloc.memalign(4096, b.length);
    const bram = phys.u8.subarray(pa - phys.base, pa - phys.base + b.length);
    bram.set(b);
    for (let off = 0; off < Math.max(a.length, b.length); off += 40960) {
      if (off < a.length)
        expect(await v.pwrite(fa, a.subarray(off, off + 40960), off)).toBeGreaterThan(0);
      if (off < b.length)
        expect(await v.pwrite(fb, bram.subarray(off, off + 40960), off)).toBeGreaterThan(0);
    }
    expect(await v.close(fa)).toBe(0);
    expect(await v.close(fb)).toBe(0);
    for (const [p, want] of [
      ['/a', a],
      ['/b', b],
    ] as const) {
      const whole = new Uint8Array(want.length);
      expect(await readAt(v, p, whole, 0)).toBe(want.length);
      expect(Buffer.compare(whole, want), p).toBe(0);
      const fd = (await v.open(p, O_RDONLY)) as number;
      const chunk = new Uint8Array(MiB);
      let at = 0;
      for (let n: number; (n = (await v.read(fd, chunk)) as number) > 0; at += n)
        expect(Buffer.compare(chunk.subarray(0, n), want.subarray(at, at + n)), `${p}@${at}`).toBe(
          0,
        );
      expect(at).toBe(want.length);
      expect(await v.close(fd)).toBe(0);
    }
    expect(await fs.sync()).toBe(0);
    const [rc, out] = fsck(img);
    expect(rc, out).toBe(0);
    // the interleaving really fragmented them: debugfs lists more than one extent for each
    expect(debugfs(img, 'ex /a').trim().split('\n').length).toBeGreaterThan(4);
  });
});
