// Crash consistency: a RAM disk that records every write and flush, a seeded workload through
// vfscore+ext4 on it (files written and fsync'd, churn that is not), and the disk as power loss
// would leave it at any point of the stream — a prefix of the writes, or with the sectors written
// since the last completed flush reordered and partly dropped. Each cut image is mounted (our replay),
// checked by e2fsck -fn, compared with e2fsck's own replay, and every file fsync'd before the cut
// must hold exactly its synced content.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import type { RkBlkreq } from '@runikraft/rkblkdev';
import { blkreqSegs, RkBlkdevRegistryImpl } from '@runikraft/rkblkdev/driver';
import { RamdiskBlkdev } from '@runikraft/rkblkdev/ramdisk';
import type { RkPhysMem } from '@runikraft/rkplat';
import * as C from '@runikraft/vfscore';
import type { RkFsEnv } from '@runikraft/vfscore/driver';
import { createExt4Type, type Ext4Fs } from '../../src/index';
import { fsck, testEnv, vfsOn } from './image';
import { dumpTree, fsckFix } from './journal';

/** A write of whole sectors (a copy of the data) or a flush, in submission order. */
export type DiskEvent = { sector: number; data: Uint8Array } | 'flush';

/** A RAM disk that keeps the stream of writes and flushes it was given. */
export class RecordingBlkdev extends RamdiskBlkdev {
  readonly events: DiskEvent[] = [];

  constructor(
    private readonly mem: RkPhysMem,
    image: Uint8Array,
  ) {
    super(mem, { sectors: Math.ceil(image.length / 512), image });
  }

  override start(req: RkBlkreq): number {
    if (req.op === 'write') {
      // a scatter-gather write is one write of its pieces gathered in order
      const data = new Uint8Array(req.nbSectors * 512);
      let off = 0;
      for (const s of blkreqSegs(req, 512)) {
        const at = s.pa - this.mem.base;
        data.set(this.mem.u8.subarray(at, at + s.bytes), off);
        off += s.bytes;
      }
      this.events.push({ sector: req.sector, data });
    } else if (req.op !== 'read') this.events.push('flush');
    return super.start(req);
  }
}

export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    bytes(n: number) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (next() * 256) | 0;
      return b;
    },
  };
}

export interface Synced {
  readonly path: string;
  readonly data: Uint8Array;
  /** Events recorded when its fsync returned: a cut at or after this keeps the file. */
  readonly at: number;
  /**
   * Events recorded when the next rewrite of the file began (Infinity: none): a cut from there on
   * may hold either content in the rewritten range, so this version is checked only before it.
   */
  until: number;
}

export interface Recorded {
  readonly base: Uint8Array;
  readonly events: DiskEvent[];
  readonly synced: Synced[];
  /** Commits of the recorded run, and how many reached the log's end (laps: the log wrapped). */
  readonly commits: number;
  readonly wraps: number;
  /** In-place rewrites fsync'd (coarse mode). */
  readonly rewrites: number;
}

/** A file-time clock that moves 1 ms every 16 reads: many changes share a stamp, as booted. */
function coarseEnv(): RkFsEnv {
  let calls = 0;
  let ms = Date.UTC(2026, 0, 1);
  return {
    now: () => {
      if (++calls % 16 === 0) ms++;
      return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
    },
  };
}

/**
 * Runs `ops` seeded operations on a journaled copy of `image` (mounted, never unmounted; some
 * files stay open after their unlink). With `coarse`, file times come from a clock that moves
 * once per 16 reads and fsync'd files are also rewritten in place and fsync'd again, so fsyncs
 * that need no commit (the inode unchanged) happen between the others.
 * @returns the starting image, the write/flush stream, and the files fsync'd along the way.
 */
export async function record(
  image: Uint8Array,
  seed: number,
  ops: number,
  coarse = false,
): Promise<Recorded> {
  const size = 64 << 20;
  const buffer = new SharedArrayBuffer(size);
  const phys: RkPhysMem = {
    buffer,
    base: 0x80000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const drv = new RecordingBlkdev(phys, image);
  const disks = new RkBlkdevRegistryImpl();
  drv.attach(disks.register('ram0', phys, drv).handle);
  const log: string[] = [];
  const v = new C.RkVfsCore(coarse ? coarseEnv() : testEnv());
  v.registerFsType(
    createExt4Type({
      alloc: createBuddyAlloc(phys, phys.base, size),
      disks,
      log: (l) => log.push(l),
    }),
  );
  // a small cache bound: eviction writes committed metadata home between commits too
  const m = await v.mount('/dev/vda', '/', 'ext4', 0, 'cache=256');
  if (m < 0) throw new Error(`mount: ${m} ${log.join('')}`);
  const r = rng(seed);
  const synced: Synced[] = [];
  const churn: string[] = [];
  const held: number[] = [];
  let rewrites = 0;
  const must = (what: string, x: number) => {
    if (x < 0) throw new Error(`${what}: ${x} ${log.join('')}`);
    return x;
  };
  must('mkdir', await v.mkdir('/s', 0o755));
  must('mkdir', await v.mkdir('/t', 0o755));
  for (let i = 0; i < ops; i++) {
    if (coarse && synced.length > 0 && r.int(3) === 0) {
      // an fsync'd file rewritten in place (no allocation, the size kept) and fsync'd again
      const last = synced[synced.length - 1 - r.int(Math.min(synced.length, 4))]!;
      const cur = synced.filter((f) => f.path === last.path).pop()!;
      if (cur.data.length > 0) {
        const from = r.int(cur.data.length);
        const patch = r.bytes(1 + r.int(Math.min(cur.data.length - from, 5000)));
        const data = cur.data.slice();
        data.set(patch, from);
        cur.until = drv.events.length;
        const fd = must(cur.path, await v.open(cur.path, C.O_WRONLY));
        must('write', await v.pwrite(fd, patch, from));
        must('fsync', await v.fsync(fd));
        synced.push({ path: cur.path, data, at: drv.events.length, until: Infinity });
        rewrites++;
        if (r.int(2) === 0) must('close', await v.close(fd));
        else held.push(fd);
        continue;
      }
    }
    const k = r.int(10);
    if (k < 3) {
      // a file written, fsync'd and never touched again
      const path = `/s/f${i}`;
      const data = r.bytes(r.int(3) === 0 ? r.int(40_000) : r.int(3000));
      const fd = must(path, await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644));
      must('write', await v.pwrite(fd, data, 0));
      must('fsync', await v.fsync(fd));
      synced.push({ path, data, at: drv.events.length, until: Infinity });
      must('close', await v.close(fd));
    } else if (k < 6 || churn.length === 0) {
      const path = `/t/c${i}`;
      const fd = must(path, await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644));
      must('write', await v.pwrite(fd, r.bytes(r.int(20_000)), r.int(3) * 4096));
      must('close', await v.close(fd));
      churn.push(path);
    } else if (k < 8) {
      const j = r.int(churn.length);
      must('unlink', await v.unlink(churn[j]!));
      churn.splice(j, 1);
    } else if (k < 9) {
      const j = r.int(churn.length);
      must('truncate', await v.truncate(churn[j]!, r.int(10_000)));
    } else if (r.int(2) === 0) {
      const j = r.int(churn.length);
      const to = `/t/r${i}`;
      must('rename', await v.rename(churn[j]!, to));
      churn[j] = to;
    } else {
      // unlinked while open: on the orphan list until closed (or the next mount after a crash)
      const j = r.int(churn.length);
      held.push(must('open', await v.open(churn[j]!, C.O_RDWR)));
      must('unlink', await v.unlink(churn[j]!));
      churn.splice(j, 1);
      if (held.length > 2) must('close', await v.close(held.splice(r.int(held.length), 1)[0]!));
    }
  }
  const j = (v.st.mountList[0]!.fs as Ext4Fs).journal;
  return {
    base: image,
    events: drv.events,
    synced,
    commits: j?.stats.commits ?? 0,
    wraps: j?.stats.wraps ?? 0,
    rewrites,
  };
}

/** The unit a disk writes atomically (a 4 KiB physical sector: the 1 KiB super block is never torn). */
const ATOMIC = 4096;

/**
 * The disk after power loss at event `cut`: every event before it happened; with `reorder`, of the
 * 4 KiB units written since the last flush before the cut, a seeded subset reached the disk in a
 * seeded order (torn multi-unit writes included).
 */
export function imageAt(rec: Recorded, cut: number, reorder: number | null): Uint8Array {
  const img = rec.base.slice();
  let lastFlush = -1;
  for (let i = 0; i < cut; i++) if (rec.events[i] === 'flush') lastFlush = i;
  const settled = reorder === null ? cut : lastFlush + 1;
  for (let i = 0; i < settled; i++) {
    const e = rec.events[i]!;
    if (e !== 'flush') img.set(e.data, e.sector * 512);
  }
  if (reorder === null) return img;
  const r = rng(reorder);
  const sectors: [number, Uint8Array][] = [];
  for (let i = settled; i < cut; i++) {
    const e = rec.events[i]!;
    if (e === 'flush') continue;
    const start = e.sector * 512;
    for (let at = start; at < start + e.data.length; ) {
      const end = Math.min(start + e.data.length, (Math.floor(at / ATOMIC) + 1) * ATOMIC);
      sectors.push([at / 512, e.data.subarray(at - start, end - start)]);
      at = end;
    }
  }
  for (let i = sectors.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [sectors[i], sectors[j]] = [sectors[j]!, sectors[i]!];
  }
  for (const [s, d] of sectors.slice(0, r.int(sectors.length + 1))) img.set(d, s * 512);
  return img;
}

/**
 * Checks one cut image (written to `dir`): our mount replays it, every file synced before the cut
 * reads back exactly, e2fsck -fn is clean after, and (when `compare`) e2fsck -fy's own replay of
 * the same image gives the same tree; `seen` counts orphans released and transactions replayed.
 * @returns the problems found (empty when all hold).
 */
export async function checkCut(
  dir: string,
  rec: Recorded,
  cut: number,
  img: Uint8Array,
  compare: boolean,
  seen = { orphans: 0, replays: 0 },
): Promise<string[]> {
  const ours = join(dir, `cut-${cut}.img`);
  nfs.writeFileSync(ours, img);
  const theirs = `${ours}.e2fsck`;
  if (compare) nfs.writeFileSync(theirs, img);
  const problems: string[] = [];
  try {
    const { v, r, log } = await vfsOn(ours);
    if (r < 0) return [`mount refused: ${r} ${log.join('')}`];
    const said = log.join('');
    seen.orphans += Number(/released (\d+) orphan inodes/.exec(said)?.[1] ?? 0);
    seen.replays += Number(/journal replayed: (\d+) transactions/.exec(said)?.[1] ?? 0);
    for (const f of rec.synced) {
      if (f.at > cut || cut >= f.until) continue;
      const fd = await v.open(f.path, C.O_RDONLY);
      if (fd < 0) {
        problems.push(`${f.path} (synced at ${f.at}): open ${fd}`);
        continue;
      }
      const st = await v.fstat(fd);
      const got = new Uint8Array(f.data.length);
      const n = await v.pread(fd, got, 0);
      await v.close(fd);
      const size = typeof st === 'number' ? st : st.size;
      if (size !== f.data.length || n !== f.data.length || !Buffer.from(got).equals(f.data))
        problems.push(`${f.path} (synced at ${f.at}): size ${size}, content differs`);
    }
    const u = await (v.st.mountList[0]!.fs as Ext4Fs).unmount();
    if (u < 0) problems.push(`unmount: ${u}`);
    const [st, out] = fsck(ours);
    if (st !== 0) problems.push(`e2fsck -fn after our replay: ${st}\n${out}`);
    if (compare) {
      const [fst, fout] = fsckFix(theirs);
      if (fst > 1) problems.push(`e2fsck -fy: ${fst}\n${fout}`);
      const a = JSON.stringify([...dumpTree(dir, ours)]);
      const b = JSON.stringify([...dumpTree(dir, theirs)]);
      if (a !== b) problems.push('rdump after our replay differs from rdump after e2fsck -fy');
    }
    return problems;
  } finally {
    nfs.rmSync(ours, { force: true });
    nfs.rmSync(theirs, { force: true });
  }
}
