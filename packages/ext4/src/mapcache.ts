// The per-inode mapping cache (a small cousin of Linux's extent status tree): runs that lookups of
// the extent tree or block map found — mapped, hole or unwritten — so a later read of a block
// inside one costs a binary search instead of a walk from i_block. Every change of the inode's
// mapping forgets it (mapChange around the change); a lookup that overlapped a change is not kept.
import type { RkFsSteps } from '@runikraft/vfscore';
import type { Ext4Run } from './extents';

/** Runs kept per inode; past it the cache starts over (random reads of a very fragmented file). */
const MAX_RUNS = 64;

/** One run found by a lookup: `len` blocks from `lblk`, at `pblk` (0: a hole or unwritten). */
interface CachedRun {
  readonly lblk: number;
  readonly len: number;
  readonly pblk: number;
  readonly unwritten: boolean;
}

/** What an inode carries for its mapping cache. */
export interface MapCacheHolder {
  /** @internal runs in lblk order, or null when forgotten */
  mapRuns: CachedRun[] | null;
  /** @internal bumped at the start and end of every mapping change */
  mapGen: number;
  /** @internal mapping changes in progress (they may be parked mid-way) */
  mapChanging: number;
}

/** The cached run holding `lblk`, as a lookup would return it. */
export function cachedRun(h: MapCacheHolder, lblk: number): Ext4Run | null {
  const runs = h.mapRuns;
  if (!runs) return null;
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid]!;
    if (lblk < r.lblk) hi = mid - 1;
    else if (lblk >= r.lblk + r.len) lo = mid + 1;
    else {
      const len = r.lblk + r.len - lblk;
      if (r.unwritten) return { pblk: 0, len, unwritten: true };
      return { pblk: r.pblk ? r.pblk + (lblk - r.lblk) : 0, len };
    }
  }
  return null;
}

/**
 * Keeps the run a lookup of `lblk` found, when no change of the mapping started or ran while it
 * looked (`gen` is mapGen read before the lookup).
 */
export function keepRun(h: MapCacheHolder, gen: number, lblk: number, run: Ext4Run): void {
  if (h.mapGen !== gen || h.mapChanging > 0 || run.len < 1) return;
  let runs = h.mapRuns;
  if (!runs || runs.length >= MAX_RUNS) runs = h.mapRuns = [];
  const r = {
    lblk,
    len: run.len,
    pblk: run.pblk,
    unwritten: run.unwritten === true,
  };
  // in order, and cut short where the next cached run starts (a lookup that missed may have found
  // a run reaching into one kept before), so no two overlap
  let at = runs.length;
  while (at > 0 && runs[at - 1]!.lblk > lblk) at--;
  const next = runs[at];
  runs.splice(at, 0, next && next.lblk < lblk + r.len ? { ...r, len: next.lblk - lblk } : r);
}

/** Runs `change` (which rewrites the inode's mapping) with the cache forgotten before and after. */
export function* mapChange<T>(h: MapCacheHolder, change: () => RkFsSteps<T>): RkFsSteps<T> {
  h.mapRuns = null;
  h.mapGen++;
  h.mapChanging++;
  try {
    return yield* change();
  } finally {
    h.mapChanging--;
    h.mapRuns = null;
    h.mapGen++;
  }
}
