// Walks one descriptor chain from guest RAM (virtio 1.2 §2.7.5 descriptors, §2.7.5.3 indirect),
// validating every guest value: indices, loops, RAM bounds, ordering, indirect tables.
import type { GuestRam } from '../../../isa/hart';
import {
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_DESC_SIZE,
} from './constants';
import { inRam } from './layout';

/** One guest buffer: `len` bytes at guest-physical `addr`, checked to lie in RAM. */
export interface VirtqSeg {
  readonly addr: number;
  readonly len: number;
}

/** A validated chain: device-readable segments first, then device-writable ones. */
export interface VirtqChain {
  readonly head: number;
  readonly readable: VirtqSeg[];
  readonly writable: VirtqSeg[];
  readonly readLen: number;
  readonly writeLen: number;
}

/** A driver bug found while walking; the device must enter DEVICE_NEEDS_RESET. */
export class VirtqFault {
  constructor(readonly reason: string) {}
  get message(): string {
    return `driver bug: ${this.reason}`;
  }
}

/** Hard cap on segments of one chain, whatever the tables claim (QEMU: VIRTQUEUE_MAX_SIZE). */
const MAX_SEGS = 1024;

/**
 * Walks the chain starting at `head` in the table at `descPa` of `size` entries.
 * @returns the chain, or a {@link VirtqFault} naming the first bad value.
 */
export function walkChain(
  ram: GuestRam,
  descPa: number,
  size: number,
  head: number,
  indirectOk: boolean,
): VirtqChain | VirtqFault {
  if (head >= size) return new VirtqFault(`head descriptor index ${head} >= queue size ${size}`);
  const readable: VirtqSeg[] = [];
  const writable: VirtqSeg[] = [];
  let readLen = 0;
  let writeLen = 0;
  let table = descPa;
  let max = size;
  let i = head;
  let inIndirect = false;
  for (let count = 0; ; count++) {
    if (count >= max)
      return new VirtqFault(`descriptor chain from head ${head} is longer than ${max} (loop?)`);
    const off = table + i * VIRTQ_DESC_SIZE - ram.base;
    const addr = ram.view.getUint32(off, true) + ram.view.getUint32(off + 4, true) * 0x100000000;
    const len = ram.view.getUint32(off + 8, true);
    const flags = ram.view.getUint16(off + 12, true);
    const next = ram.view.getUint16(off + 14, true);
    // Only the head of an available chain may name an indirect table. QEMU 7.2 (virtqueue_split_pop)
    // takes INDIRECT on any later descriptor — the last of a direct chain (§2.7.5.3.2) or one inside
    // a table — as a plain buffer, so a chain of direct descriptors ending in INDIRECT is accepted.
    if (flags & VIRTQ_DESC_F_INDIRECT && count === 0 && !inIndirect) {
      if (!indirectOk)
        return new VirtqFault(
          `descriptor ${i} has INDIRECT but RING_INDIRECT_DESC was not negotiated`,
        );
      if (len === 0 || len % VIRTQ_DESC_SIZE !== 0)
        return new VirtqFault(`indirect table length ${len} is not a non-zero multiple of 16`);
      if (addr % 16 !== 0 || !inRam(ram, addr, len))
        return new VirtqFault(
          `indirect table [0x${addr.toString(16)}, +${len}) is outside RAM or misaligned`,
        );
      table = addr;
      max = Math.min(len / VIRTQ_DESC_SIZE, MAX_SEGS);
      i = 0;
      count = -1;
      inIndirect = true;
      continue;
    }
    if (len > 0 && !inRam(ram, addr, len))
      return new VirtqFault(
        `descriptor ${i} buffer [0x${addr.toString(16)}, +${len}) is outside RAM`,
      );
    if (flags & VIRTQ_DESC_F_WRITE) {
      writable.push({ addr, len });
      writeLen += len;
    } else {
      if (writable.length)
        return new VirtqFault(`device-readable descriptor ${i} follows a device-writable one`);
      readable.push({ addr, len });
      readLen += len;
    }
    if (readable.length + writable.length > MAX_SEGS)
      return new VirtqFault(`chain from head ${head} has more than ${MAX_SEGS} segments`);
    if (!(flags & VIRTQ_DESC_F_NEXT)) break;
    if (next >= max)
      return new VirtqFault(`descriptor ${i} next index ${next} >= table size ${max}`);
    i = next;
  }
  return { head, readable, writable, readLen, writeLen };
}
