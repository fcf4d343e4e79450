// The block cache (Linux's buffer cache for one mount): file-system blocks in guest RAM (the device
// DMAs straight into them), found by block number, evicted least-recently-used past a bound, written
// back when dirty. Callers must not keep an entry's `data` across an await: it may be evicted.
// Every call answers with its value when no device request had to wait (RkFsResult: a Promise only
// then); the calls that may write or read are step generators (vfscore's runSteps) written once.
import { Errno } from '@runikraft/errno';
import type { RkAlloc } from '@runikraft/rkalloc';
import type { RkBlkdev, RkBlkResult, RkBlkseg } from '@runikraft/rkblkdev';
import { type RkFsResult, type RkFsSteps, runSteps, wait } from '@runikraft/vfscore';

/** One cached block: `data` is a view of guest RAM at `pa`. */
export interface CachedBlock {
  readonly blk: number;
  readonly pa: number;
  readonly data: Uint8Array;
  dirty: boolean;
  /** Checked once after it was read (checksum, structure): later hits skip the check. */
  verified: boolean;
  /** Metadata of the running journal transaction: not written home before it commits. */
  pinned: boolean;
  /**
   * Journaled metadata: once committed its copy is in the log, so it goes home at the checkpoint
   * (or when evicted), not with the file data a commit writes first.
   */
  meta: boolean;
}

/** A cache entry on the recency list (least recently used at the head). */
interface Slot extends CachedBlock {
  prev: Slot | null;
  next: Slot | null;
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Dirty blocks written home. */
  writebacks: number;
  /** Device write requests (a run of adjacent blocks is one). */
  writeRequests: number;
  /** Device flushes sent. */
  flushes: number;
}

/** Bytes of one request for file data read or written whole (it bypasses the cache). */
const RUN_BYTES = 1 << 20;
/** Blocks per range counted in BlockCache's `groups`. */
const GROUP = 256;
/** Most blocks a small sequential read brings in with one request (read-ahead). */
const READAHEAD = 16;

export class BlockCache {
  private readonly map = new Map<number, Slot>();
  /** Cached blocks per GROUP-block range: a long run skips its uncached groups in one look-up. */
  private readonly groups = new Map<number, number>();
  /** Recency list: head = least recently used, tail = most (a Map's delete+set per hit was slow). */
  private head: Slot | null = null;
  private tail: Slot | null = null;
  private readonly pending = new Map<number, Promise<CachedBlock | number>>();
  /** Entries made dirty (setDirty), some written since: writeUnpinned's candidates. */
  private readonly dirtied = new Set<CachedBlock>();
  private readonly spb: number;
  private bounce = 0;
  private bounceBlocks = 0;
  private bounceBusy = false;
  /** Guest RAM as 32-bit words, for comparing cached bytes a word at a time. */
  readonly words: Int32Array<ArrayBufferLike>;
  /** Guest RAM handed out by scratch(), freed at release. */
  private readonly scratches: { pa: number; bytes: number }[] = [];
  /** A write was sent since the last flush: a flush with none is skipped (nothing to make durable). */
  private unflushed = false;
  /** Writes that went to the device around the cache: read-ahead that overlapped one keeps nothing. */
  private directWrites = 0;
  readonly stats: BlockCacheStats = {
    hits: 0,
    misses: 0,
    evictions: 0,
    writebacks: 0,
    writeRequests: 0,
    flushes: 0,
  };
  /**
   * Receives every metadata change (markDirty) when the volume is journaled: the journal pins the
   * block into its running transaction. Null: metadata is written back like data.
   */
  onMeta: ((e: CachedBlock) => void) | null = null;
  /** Metadata changes made (markDirty calls): a writer compares it to see whether an operation changed any. */
  metaChanges = 0;

  /**
   * @param maxBlocks the LRU bound (at least 16 are kept so one operation's metadata fits)
   * @param limit blocks at or past it are refused as corrupt pointers (the file system's size)
   */
  constructor(
    readonly dev: RkBlkdev,
    private readonly alloc: RkAlloc,
    readonly blockSize: number,
    readonly maxBlocks: number,
    readonly limit: number,
  ) {
    this.spb = blockSize / dev.info().sectorSize;
    this.words = new Int32Array(dev.phys.buffer, 0, dev.phys.buffer.byteLength >>> 2);
  }

  get size(): number {
    return this.map.size;
  }

  /** A cached block if present (no I/O), refreshed as most recently used. */
  peek(blk: number): CachedBlock | undefined {
    const e = this.map.get(blk);
    if (e && e !== this.tail) {
      this.unlink(e);
      this.append(e);
    }
    return e;
  }

  private unlink(e: Slot): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
  }

  private append(e: Slot): void {
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }

  /**
   * The block `blk`, read from the device if needed. Parks the caller on I/O.
   * @returns the entry, or -EUCLEAN (block outside the file system), -EIO, -ENOMEM.
   */
  get(blk: number): Promise<CachedBlock | number> | CachedBlock | number {
    const e = this.peek(blk);
    if (e) {
      this.stats.hits++;
      return e;
    }
    if (!Number.isSafeInteger(blk) || blk < 0 || blk >= this.limit) return -Errno.EUCLEAN;
    const p = this.pending.get(blk);
    if (p) return p;
    this.stats.misses++;
    const f = runSteps(this.fill(blk, true));
    if (!(f instanceof Promise)) return f;
    const q = f.finally(() => this.pending.delete(blk));
    this.pending.set(blk, q);
    return q;
  }

  /**
   * An entry for `blk` whose content the caller overwrites entirely (no read); marked dirty as
   * metadata, or as file data when `data`.
   */
  zeroed(blk: number, data = false): RkFsResult<CachedBlock | number> {
    return runSteps(this.zeroedSteps(blk, data));
  }

  /** zeroed, inside a step generator. */
  *zeroedSteps(blk: number, data = false): RkFsSteps<CachedBlock | number> {
    if (blk < 0 || blk >= this.limit) return -Errno.EUCLEAN;
    const p = this.pending.get(blk);
    const have = this.peek(blk) ?? (p ? yield* wait(p) : undefined);
    const e = typeof have === 'object' ? have : yield* this.fill(blk, false);
    if (typeof e === 'number') return e;
    e.data.fill(0);
    if (data) this.markData(e);
    else this.markDirty(e);
    return e;
  }

  private *fill(blk: number, read: boolean): RkFsSteps<CachedBlock | number> {
    const pa = yield* this.slot();
    if (pa < 0) return pa;
    if (read) {
      const r = yield* wait(this.dev.read(blk * this.spb, this.spb, pa));
      if (r < 0) {
        this.alloc.free(pa);
        return r;
      }
    }
    return this.insert(blk, pa);
  }

  /** Caches the block read into `pa` (unless another fill raced it in first: that one stays). */
  private insert(blk: number, pa: number): CachedBlock {
    const raced = this.map.get(blk);
    if (raced) {
      this.alloc.free(pa);
      return raced;
    }
    const at = pa - this.dev.phys.base;
    const e: Slot = {
      blk,
      pa,
      data: this.dev.phys.u8.subarray(at, at + this.blockSize),
      dirty: false,
      verified: false,
      pinned: false,
      meta: false,
      prev: null,
      next: null,
    };
    this.map.set(blk, e);
    const g = Math.floor(blk / GROUP);
    this.groups.set(g, (this.groups.get(g) ?? 0) + 1);
    this.append(e);
    return e;
  }

  /**
   * As get, for a small read that continues a sequential stream: a miss also reads up to
   * `ahead - 1` blocks after `blk` (the caller's contiguous run; at most READAHEAD, up to the first
   * block already cached), with one scatter-gather request, into free cache room only — read-ahead
   * never evicts. Blocks a direct write may have changed meanwhile are not kept.
   */
  getAhead(blk: number, ahead: number): Promise<CachedBlock | number> | CachedBlock | number {
    const e = this.peek(blk);
    if (e) {
      this.stats.hits++;
      return e;
    }
    const info = this.dev.info();
    const room = Math.max(16, this.maxBlocks) - this.map.size;
    const most = Math.min(ahead, READAHEAD, room, info.maxSegments ?? 1, this.perReq());
    if (!Number.isSafeInteger(blk) || blk < 0 || blk + most > this.limit || this.pending.has(blk))
      return this.get(blk);
    let n = 1;
    while (n < most && !this.map.has(blk + n) && !this.pending.has(blk + n)) n++;
    if (n < 2) return this.get(blk);
    this.stats.misses++;
    const q = this.fillAhead(blk, n).finally(() => this.pending.delete(blk));
    this.pending.set(blk, q);
    return q;
  }

  private async fillAhead(blk: number, n: number): Promise<CachedBlock | number> {
    const pas: number[] = [];
    for (let i = 0; i < n; i++) {
      const pa = this.alloc.memalign(512, this.blockSize);
      if (!pa) break;
      pas.push(pa);
    }
    if (pas.length < 2) {
      for (const pa of pas) this.alloc.free(pa);
      return runSteps(this.fill(blk, true));
    }
    const segs: RkBlkseg[] = [];
    for (const pa of pas) {
      const last = segs[segs.length - 1];
      if (last && last.pa + last.bytes === pa)
        segs[segs.length - 1] = { pa: last.pa, bytes: last.bytes + this.blockSize };
      else segs.push({ pa, bytes: this.blockSize });
    }
    const writes = this.directWrites;
    const r = await this.dev.readv(blk * this.spb, segs);
    if (r < 0) {
      for (const pa of pas) this.alloc.free(pa);
      return r;
    }
    // the block asked for is kept as fill keeps it; the ones ahead only when no write went around
    // the cache meanwhile (it may have changed them on the disk after they were read)
    const first = this.insert(blk, pas[0]!);
    for (let i = 1; i < pas.length; i++) {
      if (this.directWrites !== writes) this.alloc.free(pas[i]!);
      else this.insert(blk + i, pas[i]!);
    }
    return first;
  }

  /** A free block-sized buffer in guest RAM: a new one under the bound, else the LRU victim's. */
  private *slot(): RkFsSteps<number> {
    if (this.map.size < Math.max(16, this.maxBlocks)) {
      const pa = this.alloc.memalign(512, this.blockSize);
      if (pa) return pa;
      if (this.map.size === 0) return -Errno.ENOMEM;
    }
    for (let tries = 0, victim = this.head; victim && tries < 64; tries++) {
      if (victim.pinned) {
        victim = victim.next;
        continue;
      }
      if (victim.dirty) {
        const r = yield* wait(this.writeBack(victim));
        if (r < 0) return r;
      }
      if (this.map.get(victim.blk) !== victim || victim.dirty) {
        victim = this.head; // changed while it was written: start again from the least recent
        continue;
      }
      this.map.delete(victim.blk);
      const g = Math.floor(victim.blk / GROUP);
      const left = this.groups.get(g)! - 1;
      if (left) this.groups.set(g, left);
      else this.groups.delete(g);
      this.unlink(victim);
      this.stats.evictions++;
      return victim.pa;
    }
    // every candidate is pinned by the running transaction: grow past the bound until it commits
    const pa = this.alloc.memalign(512, this.blockSize);
    return pa || -Errno.ENOMEM;
  }

  /**
   * Marks `e` as to be written home (as it is: neither metadata nor data status changes). Every
   * entry made dirty goes through here, so writeUnpinned looks at these entries, not the whole cache.
   */
  setDirty(e: CachedBlock): void {
    e.dirty = true;
    this.dirtied.add(e);
  }

  /** Marks a metadata block changed (journaled when the volume has a journal). */
  markDirty(e: CachedBlock): void {
    this.setDirty(e);
    this.metaChanges++;
    if (this.onMeta) {
      e.meta = true;
      this.onMeta(e);
    }
  }

  /** Marks a file data block changed (never journaled; written before the next commit). */
  markData(e: CachedBlock): void {
    this.setDirty(e);
    e.meta = false;
  }

  /** Writes `e` home now if dirty. @returns 0 or -EIO. */
  writeNow(e: CachedBlock): RkFsResult<number> {
    return e.dirty ? this.writeBack(e) : 0;
  }

  private writeBack(e: CachedBlock): RkFsResult<number> {
    e.dirty = false;
    this.stats.writebacks++;
    return this.written(this.write(e.blk * this.spb, this.spb, e.pa), [e]);
  }

  /** `r`, the result of writing `run` home: a failed write leaves them dirty. */
  private written(r: RkBlkResult, run: readonly CachedBlock[]): RkFsResult<number> {
    if (r instanceof Promise) return r.then((v) => this.written(v, run));
    if (r < 0) for (const e of run) this.setDirty(e);
    return r;
  }

  /** One device write request (every write goes through here or writeSegs: flush needs to know). */
  private write(sector: number, n: number, pa: number): RkBlkResult {
    this.unflushed = true;
    this.directWrites++;
    this.stats.writeRequests++;
    return this.dev.write(sector, n, pa);
  }

  private writeSegs(sector: number, segs: readonly RkBlkseg[]): RkBlkResult {
    this.unflushed = true;
    this.directWrites++;
    this.stats.writeRequests++;
    return this.dev.writev(sector, segs);
  }

  /**
   * Reads `n` blocks from `blk` into `dst` (n * blockSize bytes), taking cached (possibly dirty)
   * blocks from the cache and runs of uncached ones from the device in requests of up to 1 MiB,
   * without caching them (file data would push out the metadata): straight into `dst` when it is a
   * view of guest RAM, else through a bounce buffer.
   * @returns 0, or -EUCLEAN (outside the file system), -EIO, -ENOMEM.
   */
  async readRun(blk: number, n: number, dst: Uint8Array): Promise<number> {
    if (blk < 0 || blk + n > this.limit) return -Errno.EUCLEAN;
    const bs = this.blockSize;
    for (let i = 0; i < n; ) {
      const c = this.map.get(blk + i);
      if (c) {
        dst.set(c.data, i * bs);
        i++;
        continue;
      }
      const run = this.uncached(blk + i + 1, blk + n) - (blk + i);
      const r = await this.readDirect(blk + i, run, dst.subarray(i * bs, (i + run) * bs));
      if (r < 0) return r;
      i += run;
    }
    return 0;
  }

  /** The first cached block in [from, end), or `end`: skips whole uncached groups at a time. */
  private uncached(from: number, end: number): number {
    let b = from;
    while (b < end) {
      if (!this.groups.has(Math.floor(b / GROUP))) b += GROUP - (b % GROUP);
      else if (this.map.has(b)) return b;
      else b++;
    }
    return end;
  }

  private async readDirect(blk: number, n: number, dst: Uint8Array): Promise<number> {
    const phys = this.dev.phys;
    if (dst.buffer === phys.buffer)
      return this.readInto(blk, n, phys.base + dst.byteOffset - phys.u8.byteOffset);
    if (!this.makeBounce()) return this.readCached(blk, n, dst);
    // a second reader while the first is parked on the device gets a buffer of its own
    const own = this.bounceBusy;
    const buf = own ? this.alloc.memalign(4096, this.bounceBlocks * this.blockSize) : this.bounce;
    if (!buf) return this.readCached(blk, n, dst);
    this.bounceBusy = true;
    try {
      const at = buf - phys.base;
      for (let done = 0; done < n; ) {
        const k = Math.min(n - done, this.bounceBlocks);
        const r = await this.dev.read((blk + done) * this.spb, k * this.spb, buf);
        if (r < 0) return r;
        dst.set(phys.u8.subarray(at, at + k * this.blockSize), done * this.blockSize);
        done += k;
      }
      return 0;
    } finally {
      if (own) this.alloc.free(buf);
      else this.bounceBusy = false;
    }
  }

  /**
   * The bounce buffer that reads into and writes from memory outside guest RAM go through, made on
   * first use: one request per RUN_BYTES (as large as the device allows), smaller when guest RAM is
   * fragmented. @returns false when there is no room for one.
   */
  private makeBounce(): boolean {
    let per = Math.max(1, Math.min(RUN_BYTES / this.blockSize, this.perReq()));
    for (; per >= 1 && !this.bounce; per >>= 1) {
      this.bounce = this.alloc.memalign(4096, per * this.blockSize);
      this.bounceBlocks = per;
    }
    return this.bounce !== 0;
  }

  /** Blocks per device request (the driver's limit). */
  private perReq(): number {
    return Math.max(1, Math.floor(this.dev.info().maxSectorsPerReq / this.spb));
  }

  /** `n` blocks from `blk` straight into guest RAM at `pa` (a caller's buffer there: no bounce). */
  private async readInto(blk: number, n: number, pa: number): Promise<number> {
    const per = this.perReq();
    for (let done = 0; done < n; ) {
      const k = Math.min(n - done, per);
      const r = await this.dev.read(
        (blk + done) * this.spb,
        k * this.spb,
        pa + done * this.blockSize,
      );
      if (r < 0) return r;
      done += k;
    }
    return 0;
  }

  /**
   * Writes `n` whole blocks from `src` at `blk`: cached blocks are updated in the cache (dirty), runs
   * of uncached ones go to the device at once in requests of up to 1 MiB, from `src` itself when it
   * is guest RAM, else through a bounce buffer (file data written whole is not kept: it would push
   * the metadata out).
   * @returns 0, or -EUCLEAN (outside the file system), -EIO, -ENOMEM.
   */
  writeRun(blk: number, n: number, src: Uint8Array): RkFsResult<number> {
    return runSteps(this.writeRunSteps(blk, n, src));
  }

  /** writeRun, inside a step generator. */
  *writeRunSteps(blk: number, n: number, src: Uint8Array): RkFsSteps<number> {
    if (blk < 0 || blk + n > this.limit) return -Errno.EUCLEAN;
    const bs = this.blockSize;
    const cached = this.cachedData(blk, n);
    if (cached) {
      // file data blocks cached in the run (a partial write's, or a freed file's left behind) take
      // the new bytes and are clean once the whole run is written: one request, not one per piece
      for (const c of cached) {
        c.data.set(src.subarray((c.blk - blk) * bs, (c.blk - blk + 1) * bs));
        c.dirty = false;
      }
      const r = yield* this.writeDirect(blk, src.subarray(0, n * bs));
      if (r < 0) for (const c of cached) this.setDirty(c);
      return r;
    }
    for (let i = 0; i < n; ) {
      const c = this.map.get(blk + i);
      if (c) {
        c.data.set(src.subarray(i * bs, (i + 1) * bs));
        this.markData(c);
        i++;
        continue;
      }
      const run = this.uncached(blk + i + 1, blk + n) - (blk + i);
      const r = yield* this.writeDirect(blk + i, src.subarray(i * bs, (i + run) * bs));
      if (r < 0) return r;
      i += run;
    }
    return 0;
  }

  /**
   * The cached blocks in `[blk, blk + n)` when there are some and all are file data (not
   * metadata, not pinned); null otherwise.
   */
  private cachedData(blk: number, n: number): CachedBlock[] | null {
    let out: CachedBlock[] | null = null;
    if (this.map.size === 0) return null;
    for (let b = blk; b < blk + n; b++) {
      const c = this.map.get(b);
      if (!c) continue;
      if (c.meta || c.pinned) return null;
      (out ??= []).push(c);
    }
    return out;
  }

  private *writeDirect(blk: number, src: Uint8Array): RkFsSteps<number> {
    const phys = this.dev.phys;
    const bs = this.blockSize;
    const perReq = Math.min(RUN_BYTES / bs, this.perReq());
    if (src.buffer === phys.buffer) {
      // the caller's buffer is guest RAM already: the device reads it where it is
      const pa = phys.base + src.byteOffset - phys.u8.byteOffset;
      for (let done = 0; done < src.length; ) {
        const bytes = Math.min(src.length - done, perReq * bs);
        const r = yield* wait(
          this.write((blk + done / bs) * this.spb, (bytes / bs) * this.spb, pa + done),
        );
        if (r < 0) return r;
        done += bytes;
      }
      return 0;
    }
    // the shared bounce buffer unless a parked read or write holds it (then one of its own)
    const shared = !this.bounceBusy && this.makeBounce();
    const per = shared ? this.bounceBlocks : perReq;
    const buf = shared ? this.bounce : this.alloc.memalign(4096, Math.min(src.length, per * bs));
    if (!buf) {
      // no room for a bounce buffer: through the cache
      for (let i = 0; i < src.length / bs; i++) {
        const e = yield* this.zeroedSteps(blk + i, true);
        if (typeof e === 'number') return e;
        e.data.set(src.subarray(i * bs, (i + 1) * bs));
      }
      return 0;
    }
    if (shared) this.bounceBusy = true;
    try {
      const at = buf - phys.base;
      for (let done = 0; done < src.length; ) {
        const bytes = Math.min(src.length - done, per * bs);
        phys.u8.set(src.subarray(done, done + bytes), at);
        const r = yield* wait(
          this.write((blk + done / bs) * this.spb, (bytes / bs) * this.spb, buf),
        );
        if (r < 0) return r;
        done += bytes;
      }
      return 0;
    } finally {
      if (shared) this.bounceBusy = false;
      else this.alloc.free(buf);
    }
  }

  /** The slow path without a bounce buffer: block by block through the cache. */
  private async readCached(blk: number, n: number, dst: Uint8Array): Promise<number> {
    for (let i = 0; i < n; i++) {
      const e = await this.get(blk + i);
      if (typeof e === 'number') return e;
      dst.set(e.data, i * this.blockSize);
    }
    return 0;
  }

  /**
   * Writes every dirty block not pinned by the running transaction (in block order) and flushes
   * the device. @returns 0 or -EIO.
   */
  sync(): RkFsResult<number> {
    return runSteps(this.syncSteps());
  }

  private *syncSteps(): RkFsSteps<number> {
    const r = yield* this.writeUnpinnedSteps();
    return r < 0 ? r : yield* wait(this.flush());
  }

  /**
   * As sync, without the flush; with `dataOnly`, only what is not journaled metadata (the file data
   * an ordered-mode commit writes before its log). Adjacent blocks go out as one scatter-gather
   * request each run (as many blocks as the device takes in one request).
   */
  writeUnpinned(dataOnly = false): RkFsResult<number> {
    return runSteps(this.writeUnpinnedSteps(dataOnly));
  }

  /** writeUnpinned, inside a step generator. */
  *writeUnpinnedSteps(dataOnly = false): RkFsSteps<number> {
    const dirty: CachedBlock[] = [];
    for (const e of this.dirtied) {
      // written or evicted since it was dirtied: no longer a candidate
      if (!e.dirty || this.map.get(e.blk) !== e) this.dirtied.delete(e);
      else if (!e.pinned && !(dataOnly && e.meta)) dirty.push(e);
    }
    dirty.sort((a, b) => a.blk - b.blk);
    const info = this.dev.info();
    const per = Math.max(1, Math.min(info.maxSegments ?? 1, this.perReq()));
    for (let i = 0; i < dirty.length; ) {
      // a run: adjacent blocks still dirty and unpinned (earlier runs' awaits may have changed that)
      const run: CachedBlock[] = [];
      for (; i < dirty.length && run.length < per; i++) {
        const e = dirty[i]!;
        if (!e.dirty || e.pinned || this.map.get(e.blk) !== e) continue;
        if (run.length && e.blk !== run[run.length - 1]!.blk + 1) break;
        run.push(e);
      }
      if (run.length === 0) continue;
      const r = yield* wait(this.writeBlocks(run));
      if (r < 0) return r;
    }
    return 0;
  }

  /** Writes adjacent cached blocks home in one request (their buffers are scattered in RAM). */
  private writeBlocks(run: readonly CachedBlock[]): RkFsResult<number> {
    if (run.length === 1) return this.writeBack(run[0]!);
    const segs: RkBlkseg[] = [];
    for (const e of run) {
      // adjacent buffers (blocks cached in order) make one piece
      const last = segs[segs.length - 1];
      if (last && last.pa + last.bytes === e.pa)
        segs[segs.length - 1] = { pa: last.pa, bytes: last.bytes + this.blockSize };
      else segs.push({ pa: e.pa, bytes: this.blockSize });
      e.dirty = false;
    }
    this.stats.writebacks += run.length;
    const r =
      segs.length === 1
        ? this.write(run[0]!.blk * this.spb, run.length * this.spb, segs[0]!.pa)
        : this.writeSegs(run[0]!.blk * this.spb, segs);
    return this.written(r, run);
  }

  /**
   * The device's write barrier: everything completed before is durable after; skipped when nothing
   * was written since the last one. @returns 0, -EIO.
   */
  flush(): RkFsResult<number> {
    if (!this.unflushed || !this.dev.info().flush) return 0;
    this.unflushed = false;
    this.stats.flushes++;
    return this.flushed(this.dev.flush());
  }

  private flushed(r: RkBlkResult): RkFsResult<number> {
    if (r instanceof Promise) return r.then((v) => this.flushed(v));
    if (r < 0) this.unflushed = true;
    return r;
  }

  /**
   * A buffer in guest RAM of at least `bytes` that its user fills and hands to writeRun: the device
   * reads it where it is, with no bounce copy. One per user, grown on demand (the user asks again
   * before each fill) and freed with the cache. @returns it, or null when guest RAM is short (the
   * caller builds in its own memory then).
   */
  scratch(): (bytes: number) => Uint8Array | null {
    const s = { pa: 0, bytes: 0 };
    this.scratches.push(s);
    const phys = this.dev.phys;
    let view: Uint8Array | null = null;
    return (bytes) => {
      if (bytes > s.bytes) {
        if (s.pa) this.alloc.free(s.pa);
        // whole 4 KiB pages, so a few sizes cover every request
        const size = Math.ceil(bytes / 4096) * 4096;
        s.pa = this.alloc.memalign(4096, size);
        s.bytes = s.pa ? size : 0;
        view = s.pa ? phys.u8.subarray(s.pa - phys.base, s.pa - phys.base + size) : null;
      }
      return view;
    };
  }

  /** Drops every block (after sync) and gives the memory back. */
  release(): void {
    for (const s of this.scratches) {
      if (s.pa) this.alloc.free(s.pa);
      s.pa = s.bytes = 0;
    }
    this.scratches.length = 0;
    for (const e of this.map.values()) this.alloc.free(e.pa);
    this.map.clear();
    this.dirtied.clear();
    this.groups.clear();
    this.head = this.tail = null;
    if (this.bounce) this.alloc.free(this.bounce);
    this.bounce = 0;
  }
}
