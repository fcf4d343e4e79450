// Where a split virtqueue's three parts live (virtio 1.2 §2.7; legacy contiguous layout §2.7 "Legacy
// Interfaces: A Note on Virtqueue Layout") and the checks that they lie inside guest RAM, aligned.
import type { GuestRam } from '../../../isa/hart';
import { VIRTQ_DESC_SIZE } from './constants';

/** Guest-physical addresses of a queue's parts. */
export interface VirtqAddrs {
  readonly size: number;
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
}

/** Byte sizes of the parts for `n` entries (with the EVENT_IDX trailer words). */
export function ringBytes(n: number): { desc: number; avail: number; used: number } {
  return { desc: VIRTQ_DESC_SIZE * n, avail: 6 + 2 * n, used: 6 + 8 * n };
}

/**
 * The legacy (Version 1) contiguous layout at `base` with used-ring alignment `align`, as QEMU's
 * virtio_queue_update_rings computes it: the used ring starts at the first `align` boundary after
 * `avail.ring[size]` (the used_event trailer is not counted).
 */
export function legacyLayout(base: number, size: number, align: number): VirtqAddrs {
  const avail = base + VIRTQ_DESC_SIZE * size;
  const used = Math.ceil((avail + 4 + 2 * size) / align) * align;
  return { size, desc: base, avail, used };
}

/** True when `[pa, pa+len)` lies in guest RAM (and the arithmetic is exact). */
export function inRam(ram: GuestRam, pa: number, len: number): boolean {
  return (
    Number.isSafeInteger(pa) &&
    Number.isSafeInteger(len) &&
    len >= 0 &&
    pa >= ram.base &&
    pa + len <= ram.base + ram.size
  );
}

/**
 * Checks a queue's geometry and placement. @returns null when usable, else the reason, worded for a
 * "driver bug: ..." trace line.
 */
export function checkLayout(ram: GuestRam, q: VirtqAddrs): string | null {
  const { size } = q;
  if (!Number.isInteger(size) || size < 1 || size > 32768 || (size & (size - 1)) !== 0)
    return `queue size ${size} is not a power of two in 1..32768`;
  const b = ringBytes(size);
  if (q.desc % 16 !== 0) return `descriptor table 0x${q.desc.toString(16)} is not 16-byte aligned`;
  if (q.avail % 2 !== 0) return `available ring 0x${q.avail.toString(16)} is not 2-byte aligned`;
  if (q.used % 4 !== 0) return `used ring 0x${q.used.toString(16)} is not 4-byte aligned`;
  if (!inRam(ram, q.desc, b.desc))
    return `descriptor table [0x${q.desc.toString(16)}, +${b.desc}) is outside RAM`;
  if (!inRam(ram, q.avail, b.avail))
    return `available ring [0x${q.avail.toString(16)}, +${b.avail}) is outside RAM`;
  if (!inRam(ram, q.used, b.used))
    return `used ring [0x${q.used.toString(16)}, +${b.used}) is outside RAM`;
  return null;
}
