// Resource placement: window allocators and the bottom-up layout of what sits behind a bridge
// (Linux setup-bus.c in miniature: largest alignment first, bridge windows at 1 MiB / 4 KiB granules).
import type { RkPciWindow } from './api';

/** Something that needs bus address space: a BAR, or a bridge window holding other resources. */
export interface PciResource {
  readonly kind: 'io' | 'mem';
  readonly size: number;
  readonly align: number;
  /** A 64-bit memory BAR may go to a window above 4 GiB. */
  readonly above4g: boolean;
  /** Records the placement: bus address and the CPU-minus-bus offset of the window it landed in. */
  place(pciAddr: number, cpuOffset: number): void;
  /** Records that no room was found. */
  fail(reason: string): void;
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** Hands out aligned ranges of one host-bridge window, lowest first. */
export class WindowAllocator {
  private next: number;

  constructor(
    readonly window: RkPciWindow,
    start = window.pciBase,
  ) {
    this.next = Math.max(start, window.pciBase);
  }

  /** @returns the bus address of `size` bytes aligned to `align`, or -1 when the window is full. */
  alloc(size: number, align: number): number {
    const at = alignUp(this.next, align);
    if (at + size > this.window.pciBase + this.window.size) return -1;
    this.next = at + size;
    return at;
  }
}

/** Largest alignment first, so power-of-two BARs pack without holes. */
export function byAlignDesc(a: PciResource, b: PciResource): number {
  return b.align - a.align || b.size - a.size;
}

/**
 * Lays `children` out back to back from offset 0 (largest alignment first).
 * @returns each child's offset and the span, rounded up to `granule`.
 */
export function layoutChildren(
  children: readonly PciResource[],
  granule: number,
): { offsets: Map<PciResource, number>; size: number; align: number } {
  const offsets = new Map<PciResource, number>();
  let end = 0;
  let align = granule;
  for (const c of [...children].sort(byAlignDesc)) {
    const at = alignUp(end, c.align);
    offsets.set(c, at);
    end = at + c.size;
    align = Math.max(align, c.align);
  }
  return { offsets, size: alignUp(end, granule), align };
}
