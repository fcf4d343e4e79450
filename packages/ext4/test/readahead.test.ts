// Read-ahead of small sequential reads: a file read in pieces smaller than a block reaches the
// device in one request per READAHEAD (16) blocks, not one per block; random small reads bring in
// only the block they touch; a block written after it was read ahead reads back as written.
import { createTestPhys } from '@runikraft/rkalloc/conformance';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import type { RkBlkdevInfo, RkBlkreq } from '@runikraft/rkblkdev';
import {
  blkreqSegs,
  type RkBlkdevDriverHandle,
  type RkBlkdevOps,
  RkBlkdevRegistryImpl,
} from '@runikraft/rkblkdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';
import { O_CREAT, O_RDONLY, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../ramfs/test/helpers';
import { BlockCache } from '../src/cache';
import { createExt4Type, type Ext4Fs } from '../src/index';
import { disk, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-readahead-');
afterAll(() => rmrf(top));

const BS = 1024;
const BLOCKS = 64;

function content(): Uint8Array {
  const b = new Uint8Array(BLOCKS * BS);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 10)) & 0xff;
  return b;
}

async function mounted() {
  const img = mkfs(top, '16M', { args: ['-b', String(BS)] });
  const { alloc, drv, disks } = disk(img, false, 64 << 20);
  const reads: number[] = [];
  const start = drv.start.bind(drv);
  drv.start = (req) => {
    if (req.op === 'read') reads.push(req.nbSectors);
    return start(req);
  };
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
  expect(await v.mount('/dev/vda', '/', 'ext4', 0, '')).toBe(0);
  const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
  expect(await v.pwrite(fd, content(), 0)).toBe(BLOCKS * BS);
  expect(await v.fsync(fd)).toBe(0);
  expect(await v.close(fd)).toBe(0);
  const fs = v.st.mountList[0]!.fs as Ext4Fs;
  // whole-block writes went around the cache: the file's blocks are not cached
  return { img, v, fs, reads };
}

/** A disk whose reads finish only once `release()` is called (writes finish at once). */
class HeldReads implements RkBlkdevOps {
  handle: RkBlkdevDriverHandle | null = null;
  readonly disk = new Uint8Array(1 << 20);
  private readonly held: RkBlkreq[] = [];
  private open = false;
  private wake: () => void = () => {};
  private readonly gate = new Promise<void>((r) => {
    this.wake = r;
  });
  constructor(private readonly phys: RkPhysMem) {}
  info(): RkBlkdevInfo {
    return {
      sectorSize: 512,
      sectors: this.disk.length / 512,
      readOnly: false,
      maxQueueDepth: 8,
      maxSectorsPerReq: 256,
      maxSegments: 32,
      flush: true,
    };
  }
  start(req: RkBlkreq): number {
    if (req.op === 'read') this.held.push(req);
    else this.move(req);
    return 0;
  }
  private move(req: RkBlkreq): void {
    let off = req.sector * 512;
    for (const s of req.op === 'flush' ? [] : blkreqSegs(req, 512)) {
      const at = s.pa - this.phys.base;
      if (req.op === 'read') this.phys.u8.set(this.disk.subarray(off, off + s.bytes), at);
      else this.disk.set(this.phys.u8.subarray(at, at + s.bytes), off);
      off += s.bytes;
    }
    this.handle!.complete(req, 0);
  }
  poll(): number {
    if (!this.open) return 0;
    const n = this.held.length;
    for (const r of this.held.splice(0)) this.move(r);
    return n;
  }
  wait(): Promise<void> {
    return this.gate;
  }
  release(): void {
    this.open = true;
    this.wake();
  }
}

function heldCache() {
  const size = 8 << 20;
  const phys = createTestPhys(size);
  const drv = new HeldReads(phys);
  for (let i = 0; i < drv.disk.length; i++) drv.disk[i] = (i >> 10) & 0xff;
  const { dev, handle } = new RkBlkdevRegistryImpl().register('held', phys, drv);
  drv.handle = handle;
  const cache = new BlockCache(dev, createBuddyAlloc(phys, phys.base, size), BS, 256, 1024);
  return { drv, cache };
}

describe('ext4 block cache read-ahead', () => {
  it('keeps the blocks read ahead, unless a write went around the cache while they were read', async () => {
    const a = heldCache();
    const p = a.cache.getAhead(10, 8);
    a.drv.release();
    const e = await p;
    expect(typeof e === 'object' && e.data[0]).toBe(10);
    for (let b = 10; b < 18; b++) expect(a.cache.peek(b)?.data[5]).toBe(b);
    expect(a.cache.peek(18)).toBeUndefined();
    // the same, with block 14 written straight to the disk (it was not cached) meanwhile
    const b = heldCache();
    const q = b.cache.getAhead(10, 8);
    expect(await b.cache.writeRun(14, 1, new Uint8Array(BS).fill(0xee))).toBe(0);
    b.drv.release();
    const f = await q;
    expect(typeof f === 'object' && f.data[0]).toBe(10);
    for (let k = 11; k < 18; k++) expect(b.cache.peek(k)).toBeUndefined();
    const g = await b.cache.get(14);
    expect(typeof g === 'object' && g.data[0]).toBe(0xee);
  });
});

describe.skipIf(!haveE2fs)('ext4 read-ahead', () => {
  it('a file read 100 bytes at a time takes one request per 16 blocks', async () => {
    const { img, v, fs, reads } = await mounted();
    const want = content();
    const fd = (await v.open('/f', O_RDONLY)) as number;
    reads.length = 0;
    const got = new Uint8Array(want.length);
    for (let at = 0; at < want.length; at += 100) {
      const n = await v.pread(fd, got.subarray(at, at + 100), at);
      expect(n).toBe(Math.min(100, want.length - at));
    }
    expect(Buffer.compare(got, want)).toBe(0);
    // 64 blocks in 16-block requests (sectors of 512 bytes: 32 per request)
    expect(reads).toEqual([32, 32, 32, 32]);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it('random small reads read only their block; a block written after read-ahead reads back new', async () => {
    const { img, v, fs, reads } = await mounted();
    const want = content();
    const fd = (await v.open('/f', O_RDWR)) as number;
    reads.length = 0;
    const buf = new Uint8Array(10);
    for (const blk of [40, 7, 33, 12]) {
      expect(await v.pread(fd, buf, blk * BS + 500)).toBe(10);
      expect(Buffer.compare(buf, want.subarray(blk * BS + 500, blk * BS + 510))).toBe(0);
    }
    expect(reads).toEqual([2, 2, 2, 2]);
    // a new stream from block 0: block 0 alone (the read before was block 12), then, sequential
    // now, 1..6 ahead in one request (7 is cached: read-ahead stops there)
    reads.length = 0;
    for (let at = 0; at < 3 * BS; at += 300) await v.pread(fd, buf, at);
    expect(reads).toEqual([2, 12]);
    // block 5, read ahead, is rewritten (whole block: the write updates the cached copy)
    const fresh = new Uint8Array(BS).fill(0xa5);
    expect(await v.pwrite(fd, fresh, 5 * BS)).toBe(BS);
    expect(await v.fsync(fd)).toBe(0);
    const back = new Uint8Array(BS);
    for (let at = 5 * BS; at < 6 * BS; at += 100) {
      const n = await v.pread(fd, back.subarray(at - 5 * BS, at - 5 * BS + 100), at);
      expect(n).toBe(Math.min(100, 6 * BS - at));
    }
    expect(Buffer.compare(back, fresh)).toBe(0);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });
});
