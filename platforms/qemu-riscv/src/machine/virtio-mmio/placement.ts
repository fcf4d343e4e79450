// Where virtio-mmio devices land (REFERENCE.md §2 and README "slot / address / IRQ"): slot N at
// 0x10001000 + N*0x1000 on PLIC IRQ N+1; unpinned devices take the highest free slot (first -device → 7).
import {
  VIRT_VIRTIO,
  VIRT_VIRTIO_COUNT,
  VIRT_VIRTIO_SLOT_SIZE,
  VIRTIO_IRQ,
} from '../../isa/memmap';

export const virtioSlotBase = (slot: number): number => VIRT_VIRTIO + slot * VIRT_VIRTIO_SLOT_SIZE;
export const virtioSlotIrq = (slot: number): number => VIRTIO_IRQ + slot;

/** Parses QEMU's `bus=virtio-mmio-bus.N`. @returns N, or throws naming the bad value. */
export function parseVirtioBus(bus: string): number {
  const m = /^virtio-mmio-bus\.(\d+)$/.exec(bus);
  const n = m ? Number(m[1]) : -1;
  if (n < 0 || n >= VIRT_VIRTIO_COUNT)
    throw new RangeError(
      `Bus '${bus}' not found (virt has virtio-mmio-bus.0 .. virtio-mmio-bus.${VIRT_VIRTIO_COUNT - 1})`,
    );
  return n;
}

/**
 * Chooses a slot: `pinned` if given and free, else the highest free one.
 * @throws when the pinned slot is taken or all 8 are (QEMU: "No 'virtio-bus' bus found").
 */
export function chooseVirtioSlot(occupied: readonly boolean[], pinned?: number): number {
  if (pinned !== undefined) {
    if (!Number.isInteger(pinned) || pinned < 0 || pinned >= VIRT_VIRTIO_COUNT)
      throw new RangeError(
        `virtio-mmio slot ${pinned} does not exist (0..${VIRT_VIRTIO_COUNT - 1})`,
      );
    if (occupied[pinned])
      throw new Error(`Bus 'virtio-mmio-bus.${pinned}' is full (a device is already plugged)`);
    return pinned;
  }
  for (let s = VIRT_VIRTIO_COUNT - 1; s >= 0; s--) if (!occupied[s]) return s;
  throw new Error("No 'virtio-bus' bus found for device (all 8 virtio-mmio slots are taken)");
}
