// What a device model exposes to the physical bus: QEMU's MemoryRegionOps (.valid/.impl access sizes,
// read/write callbacks at impl granularity). softmmu/memory.c semantics live in bus.ts.

/** A memory-mapped device region, as QEMU's MemoryRegionOps. */
export interface MmioDevice {
  readonly name: string;
  /** Bytes decoded (QEMU `info mtree`); beyond it is a hole. */
  readonly size: number;
  /** `.valid`: sizes the device accepts; max 0 = any size (QEMU's "compatibility" default). */
  readonly validMin: number;
  readonly validMax: number;
  /** `.impl`: sizes the callbacks handle; other accesses are split or widened (defaults 1..4). */
  readonly implMin?: number;
  readonly implMax?: number;
  /** `.valid.unaligned` / `.impl.unaligned`. */
  readonly unaligned?: boolean;
  /**
   * A container with holes (QEMU subregions in an I/O-less region): false where no subregion decodes, so
   * what lies below shows through. Only PCI windows ask; absent = the whole region decodes.
   */
  covers?(offset: number): boolean;
  /** `.valid.accepts`: a device-specific veto, checked before alignment and sizes (fw_cfg's registers). */
  accepts?(offset: number, size: number, isWrite: boolean): boolean;
  /**
   * A ROM device in ROMD mode (QEMU memory_region_rom_device_set_romd): loads read these bytes directly,
   * at any width and alignment, bypassing `read`; null while in register mode. Stores always dispatch.
   */
  direct?(): Uint8Array | null;
  /** Reads `size` bytes at `offset` (size within impl bounds), zero-extended. */
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
  /** 8-byte accesses for devices with impl max 8 whose values exceed 2^53 (CLINT mtime/mtimecmp). */
  read64?(offset: number): bigint;
  write64?(offset: number, value: bigint): void;
}

/** QEMU's memory_region_access_valid. */
export function accessValid(
  d: MmioDevice,
  offset: number,
  size: number,
  isWrite: boolean,
): boolean {
  if (d.accepts && !d.accepts(offset, size, isWrite)) return false;
  if (!d.unaligned && offset % size !== 0) return false;
  if (d.validMax === 0) return true;
  return size >= d.validMin && size <= d.validMax;
}

const MASK = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

/**
 * QEMU's access_with_adjusted_size for sizes 1/2/4: widens to impl min or splits into impl-max pieces,
 * little-endian.
 */
export function dispatchRead(d: MmioDevice, offset: number, size: number): number {
  const implMin = d.implMin ?? 1;
  const implMax = d.implMax ?? 4;
  const step = Math.min(Math.max(size, implMin), implMax);
  if (step >= size) return (d.read(offset, step) & MASK[size]) >>> 0;
  let v = 0;
  for (let i = 0; i < size; i += step)
    v += ((d.read(offset + i, step) & MASK[step]) >>> 0) * 2 ** (8 * i);
  return v;
}

export function dispatchWrite(d: MmioDevice, offset: number, size: number, value: number): void {
  const implMin = d.implMin ?? 1;
  const implMax = d.implMax ?? 4;
  const step = Math.min(Math.max(size, implMin), implMax);
  if (step >= size) {
    d.write(offset, step, (value & MASK[Math.min(size, 4)]) >>> 0);
    return;
  }
  for (let i = 0; i < size; i += step)
    d.write(offset + i, step, (Math.floor(value / 2 ** (8 * i)) & MASK[step]) >>> 0);
}

/** 8-byte dispatch: the device's 64-bit callbacks, or two halves when impl max is 4 or less. */
export function dispatchRead64(d: MmioDevice, offset: number): bigint {
  if ((d.implMax ?? 4) >= 8) return d.read64 ? d.read64(offset) : BigInt(d.read(offset, 8));
  const lo = dispatchRead(d, offset, 4);
  const hi = dispatchRead(d, offset + 4, 4);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function dispatchWrite64(d: MmioDevice, offset: number, value: bigint): void {
  if ((d.implMax ?? 4) >= 8) {
    if (d.write64) d.write64(offset, value);
    else d.write(offset, 8, Number(value & 0xffffffffn));
    return;
  }
  dispatchWrite(d, offset, 4, Number(value & 0xffffffffn));
  dispatchWrite(d, offset + 4, 4, Number((value >> 32n) & 0xffffffffn));
}
