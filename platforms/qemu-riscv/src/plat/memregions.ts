// Physical memory regions (ukplat_memregion): RAM from the device tree, minus what is already in use.
import type { RkMemRegion, RkMemRegionType } from '@runikraft/rkplat';

export interface UsedRange {
  base: number;
  size: number;
  type: RkMemRegionType;
  name: string;
}

/**
 * Splits each RAM range around the used ranges (clipped to RAM) and returns every region sorted by
 * address: used ones with their type, the gaps as 'free'. Overlapping used ranges are merged into the first.
 */
export function computeRegions(
  ram: readonly { base: number; size: number }[],
  used: readonly UsedRange[],
): RkMemRegion[] {
  const out: RkMemRegion[] = [];
  for (const r of ram) {
    const end = r.base + r.size;
    const inside = used
      .map((u) => ({ ...u, lo: Math.max(u.base, r.base), hi: Math.min(u.base + u.size, end) }))
      .filter((u) => u.hi > u.lo)
      .sort((a, b) => a.lo - b.lo);
    let cur = r.base;
    for (const u of inside) {
      if (u.hi <= cur) continue;
      const lo = Math.max(u.lo, cur);
      if (lo > cur) out.push({ pbase: cur, len: lo - cur, type: 'free', name: 'memory' });
      out.push({ pbase: lo, len: u.hi - lo, type: u.type, name: u.name });
      cur = u.hi;
    }
    if (end > cur) out.push({ pbase: cur, len: end - cur, type: 'free', name: 'memory' });
  }
  return out.sort((a, b) => a.pbase - b.pbase);
}
