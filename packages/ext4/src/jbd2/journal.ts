// The running journal of a read-write mount (jbd2 in ordered mode, one transaction at a time):
// metadata changes join the running transaction (their cache blocks stay pinned), a commit writes
// file data home, then the log, a barrier, the commit block and another barrier; a checkpoint
// writes committed metadata home and empties the log. Called under the file system's lock. A
// commit answers without a Promise when the device finished every request inside its submit.
import { Errno } from '@runikraft/errno';
import { type RkFsResult, type RkFsSteps, runSteps, wait } from '@runikraft/vfscore';
import type { CachedBlock } from '../cache';
import type { Ext4Volume } from '../volume';
import { buildLog, type LogBlock, logBlocks } from './commit';
import {
  emitCommit,
  emitJournalSuper,
  JBD2_FEATURE_INCOMPAT_64BIT,
  JBD2_FEATURE_INCOMPAT_CSUM_V2,
  JBD2_FEATURE_INCOMPAT_CSUM_V3,
  JBD2_FEATURE_INCOMPAT_REVOKE,
  type Jbd2Layout,
  type Jbd2Super,
  layoutOf,
} from './format';
import type { JournalSpace } from './space';

export interface Jbd2Stats {
  commits: number;
  checkpoints: number;
  loggedBlocks: number;
  /** Transactions that reached the log's end: the head went back to s_first (a lap). */
  wraps: number;
}

export class Jbd2Journal {
  /** Metadata blocks changed by the running transaction. */
  private readonly running = new Map<number, CachedBlock>();
  /** Blocks freed by the running transaction that older live transactions logged. */
  private readonly revokes = new Set<number>();
  /** Block ranges freed by the running transaction: not reused until it commits. */
  private freed: [number, number][] = [];
  /** Home block → sequence of the newest committed, not yet checkpointed transaction logging it. */
  private readonly logged = new Map<number, number>();
  private layout: Jbd2Layout;
  /** Next free journal block. */
  private head: number;
  /** The running transaction's id. */
  private sequence: number;
  private lastCommit: number;
  /**
   * Where a commit builds its log image and its commit block (under the lock): guest RAM the device
   * writes from where it is (cache scratch), else the last commit's buffer in JS memory.
   */
  private readonly logRam: (bytes: number) => Uint8Array | null;
  private logBuf: Uint8Array | null = null;
  private commitBuf: Uint8Array | null = null;
  readonly stats: Jbd2Stats = { commits: 0, checkpoints: 0, loggedBlocks: 0, wraps: 0 };
  /**
   * Runs first in every commit: metadata whose final form is computed once per transaction (the
   * allocator's bitmap checksums and group descriptors) joins it. @returns 0 or -errno.
   */
  beforeCommit: (() => RkFsSteps<number>) | null = null;

  constructor(
    private readonly vol: Ext4Volume,
    private readonly space: JournalSpace,
    private readonly jsb: Jbd2Super,
    now: number,
  ) {
    this.layout = layoutOf(jsb);
    this.logRam = vol.cache.scratch();
    this.head = jsb.first;
    this.sequence = jsb.sequence;
    this.lastCommit = now;
  }

  /**
   * Takes over an empty journal for writing: the features this driver writes (revoke, 64bit with
   * the file system's 64bit, csum v3 with metadata_csum), stored in the journal super block.
   * @returns 0, -EIO.
   */
  start(): RkFsResult<number> {
    const s = this.jsb;
    s.incompat &= ~(JBD2_FEATURE_INCOMPAT_CSUM_V2 | JBD2_FEATURE_INCOMPAT_CSUM_V3);
    s.incompat |= JBD2_FEATURE_INCOMPAT_REVOKE;
    if (this.vol.sb.descSize >= 64) s.incompat |= JBD2_FEATURE_INCOMPAT_64BIT;
    if (this.vol.sb.metadataCsum) s.incompat |= JBD2_FEATURE_INCOMPAT_CSUM_V3;
    s.start = 0;
    this.layout = layoutOf(s);
    return runSteps(this.writeSuper());
  }

  private writeSuper(): RkFsSteps<number> {
    emitJournalSuper(this.jsb);
    return this.space.writeSteps(0, this.jsb.raw);
  }

  /** A metadata block changed: it joins the running transaction (the cache's onMeta hook). */
  join(e: CachedBlock): void {
    e.pinned = true;
    this.running.set(e.blk, e);
  }

  /**
   * Blocks `[blk, blk + n)` were freed: they leave the running transaction, are revoked where an
   * older live transaction logged them (else replay would write stale metadata over their next
   * owner's data), and are not reused until the free is committed.
   */
  forget(blk: number, n: number): void {
    for (let b = blk; b < blk + n; b++) {
      const e = this.running.get(b);
      if (e) {
        e.pinned = false;
        this.running.delete(b);
      }
      if (this.logged.has(b)) this.revokes.add(b);
    }
    this.freed.push([blk, n]);
  }

  /** Was `blk` freed by the running transaction? (The allocator skips such blocks.) */
  busy(blk: number): boolean {
    for (const [b, n] of this.freed) if (blk >= b && blk < b + n) return true;
    return false;
  }

  get hasFreed(): boolean {
    return this.freed.length > 0;
  }

  /** The running transaction's sequence (ids below it are committed). */
  get tid(): number {
    return this.sequence;
  }

  /** The running transaction's size in blocks (metadata and revokes). */
  get size(): number {
    return this.running.size + this.revokes.size;
  }

  /** Usable log blocks. */
  get capacity(): number {
    return this.jsb.maxlen - this.jsb.first;
  }

  /** Log blocks the committed, not yet checkpointed transactions take (s_start up to the head). */
  get used(): number {
    if (this.jsb.start === 0) return 0;
    return (this.head - this.jsb.start + this.capacity) % this.capacity;
  }

  /** The live log runs past its end and goes on at s_first (the tail is after the head). */
  get wrapped(): boolean {
    return this.jsb.start !== 0 && this.head < this.jsb.start;
  }

  /** Journal block `j` brought back into [s_first, s_maxlen). */
  private wrap(j: number): number {
    return j >= this.jsb.maxlen ? j - this.capacity : j;
  }

  /** Writes `data` (whole blocks) from journal block `at` on, going on at s_first at the log's end. */
  private *writeLog(at: number, data: Uint8Array): RkFsSteps<number> {
    const bs = this.layout.blockSize;
    const fit = Math.min(data.length / bs, this.jsb.maxlen - at);
    const r = yield* this.space.writeSteps(at, data.subarray(0, fit * bs));
    if (r < 0 || fit * bs === data.length) return r;
    return yield* this.space.writeSteps(this.jsb.first, data.subarray(fit * bs));
  }

  /**
   * Should the running transaction commit now: it is a quarter of the log, or a quarter of the
   * cache bound is pinned, or five seconds passed since the last commit (Linux's commit interval).
   */
  due(now: number, cacheBlocks: number): boolean {
    if (this.size === 0) return false;
    const big = Math.max(16, Math.min(this.capacity >> 2, cacheBlocks >> 2));
    return this.size >= big || now - this.lastCommit >= 5;
  }

  /**
   * Commits the running transaction (ordered mode): dirty file data home, the log, a barrier, the
   * commit block, a barrier. @returns 0, -ENOSPC (a transaction larger than half the log), -EIO.
   */
  commit(now: { sec: number; nsec: number }): RkFsResult<number> {
    return runSteps(this.commitSteps(now));
  }

  private *commitSteps(now: { sec: number; nsec: number }): RkFsSteps<number> {
    if (this.beforeCommit) {
      const s = yield* this.beforeCommit();
      if (s < 0) return s;
    }
    this.lastCommit = now.sec;
    if (this.size === 0) {
      this.freed = [];
      return 0;
    }
    const l = this.layout;
    const blocks: LogBlock[] = [...this.running.values()]
      .sort((a, b) => a.blk - b.blk)
      .map((e) => ({ blk: e.blk, data: e.data }));
    const revokes = [...this.revokes].sort((a, b) => a - b);
    const n = logBlocks(l, blocks.length, revokes.length);
    if (n + 1 > this.capacity >> 1) {
      this.vol.warn(`journal: a transaction of ${n + 1} blocks does not fit half the log`);
      return -Errno.ENOSPC;
    }
    // (no room check: commit keeps at least half the log free after every transaction, and the
    // log goes on where the last transaction ended, wrapping at its end as jbd2's does)
    // ordered mode: the data the new metadata points at reaches the disk first; metadata committed
    // earlier is in the log already and goes home at the checkpoint (jbd2's), not at every commit
    let r = yield* this.vol.cache.writeUnpinnedSteps(true);
    if (r < 0) return r;
    const seq = this.sequence;
    const at = this.head;
    if (this.jsb.start === 0) {
      this.jsb.start = at;
      this.jsb.sequence = seq;
      r = yield* this.writeSuper();
      if (r < 0) return r;
    }
    const into = this.logRam(n * l.blockSize) ?? this.logBuf ?? undefined;
    const log = buildLog(l, seq, this.jsb.uuid, blocks, revokes, into);
    if (log.buffer !== into?.buffer) this.logBuf = log;
    r = yield* this.writeLog(at, log);
    if (r < 0) return r;
    r = yield* wait(this.vol.cache.flush());
    if (r < 0) return r;
    const c = (this.commitBuf ??=
      this.vol.cache.scratch()(l.blockSize)?.subarray(0, l.blockSize) ??
      new Uint8Array(l.blockSize));
    emitCommit(l, c, seq, now.sec, now.nsec);
    r = yield* this.writeLog(this.wrap(at + n), c);
    if (r < 0) return r;
    r = yield* wait(this.vol.cache.flush());
    if (r < 0) return r;
    for (const e of this.running.values()) {
      e.pinned = false;
      this.logged.set(e.blk, seq);
    }
    this.stats.commits++;
    this.stats.loggedBlocks += blocks.length;
    this.running.clear();
    this.revokes.clear();
    this.freed = [];
    if (at + n + 1 >= this.jsb.maxlen) this.stats.wraps++;
    this.head = this.wrap(at + n + 1);
    this.sequence = (seq + 1) >>> 0;
    // keep half the log free, so the next transaction never waits on blocks it pins itself
    if (this.used > this.capacity >> 1) return yield* this.checkpointSteps();
    return 0;
  }

  /**
   * Writes every committed block home, a barrier, then marks the log empty. Only between
   * transactions' blocks: pinned blocks are not written (they are not in the log yet). The head
   * stays where it is: the next transaction starts there and the log wraps round in time.
   * @returns 0, -EIO.
   */
  checkpoint(): RkFsResult<number> {
    return runSteps(this.checkpointSteps());
  }

  private *checkpointSteps(): RkFsSteps<number> {
    if (this.jsb.start === 0) return 0;
    let r = yield* wait(this.vol.cache.sync());
    if (r < 0) return r;
    this.jsb.start = 0;
    this.jsb.sequence = this.sequence;
    r = yield* this.writeSuper();
    if (r < 0) return r;
    r = yield* wait(this.vol.cache.flush());
    if (r < 0) return r;
    this.logged.clear();
    this.stats.checkpoints++;
    return 0;
  }
}
