// Statistics kept by the front end for every allocator (lib/ukalloc/stats.c).
import type { RkAllocStats } from './api';

/** Fresh, zeroed statistics. */
export function emptyStats(): RkAllocStats {
  return {
    lastAllocSize: 0,
    maxAllocSize: 0,
    minAllocSize: 0,
    totNbAllocs: 0,
    totNbFrees: 0,
    curNbAllocs: 0,
    maxNbAllocs: 0,
    curMemUse: 0,
    maxMemUse: 0,
    nbEnomem: 0,
  };
}

/** Records a successful allocation of `requested` bytes holding `usable` bytes. */
export function statAlloc(s: RkAllocStats, requested: number, usable: number): void {
  s.lastAllocSize = requested;
  if (requested > s.maxAllocSize) s.maxAllocSize = requested;
  if (s.totNbAllocs === 0 || requested < s.minAllocSize) s.minAllocSize = requested;
  s.totNbAllocs++;
  if (++s.curNbAllocs > s.maxNbAllocs) s.maxNbAllocs = s.curNbAllocs;
  if ((s.curMemUse += usable) > s.maxMemUse) s.maxMemUse = s.curMemUse;
}

/** Records a free of a block holding `usable` bytes. */
export function statFree(s: RkAllocStats, usable: number): void {
  s.totNbFrees++;
  s.curNbAllocs--;
  s.curMemUse -= usable;
}
