// A CPU window onto a PCI address space (QEMU's gpex "gpex_mmio"/"gpex_ioport" containers and the virt
// aliases of them): BARs are mapped into it as the guest programs them. Where BARs overlap, the one
// mapped last decodes (QEMU adds each with the same priority, the newest first); where none decodes,
// reads return all ones and writes are dropped, for the CPU too (gpex's allow-unmapped-accesses,
// on by default: an unassigned_io_ops region under the BARs; measured).
import {
  accessValid,
  dispatchRead,
  dispatchRead64,
  dispatchWrite,
  dispatchWrite64,
  type MmioDevice,
} from '../mmio';

interface Mapping {
  readonly addr: number;
  readonly region: MmioDevice;
}

/** The PCI address space a window looks into (memory or I/O), shared by the windows onto it. */
export class PciAddressSpace {
  /** Newest first. */
  private maps: Mapping[] = [];
  /** The last mapping found, kept only when nothing else overlaps it (so it alone decodes its range). */
  private hit: Mapping | null = null;

  /** Maps `region` at PCI address `addr` (replacing any earlier mapping of it). */
  map(region: MmioDevice, addr: number): void {
    this.unmap(region);
    this.maps.unshift({ addr, region });
  }

  unmap(region: MmioDevice): void {
    this.maps = this.maps.filter((m) => m.region !== region);
    this.hit = null;
  }

  private alone(m: Mapping): boolean {
    for (const o of this.maps)
      if (o !== m && o.addr < m.addr + m.region.size && m.addr < o.addr + o.region.size)
        return false;
    return true;
  }

  /**
   * The mapping that decodes `[addr, addr+size)`, or undefined. A region with holes (a container such
   * as the MSI-X BAR) lets the mappings below it answer there, as QEMU's flat view does.
   * @internal
   */
  find(addr: number, size: number): Mapping | undefined {
    const h = this.hit;
    if (h && addr >= h.addr && addr + size <= h.addr + h.region.size && !h.region.covers) return h;
    for (const m of this.maps) {
      if (addr < m.addr || addr >= m.addr + m.region.size) continue;
      if (m.region.covers && !m.region.covers(addr - m.addr)) continue;
      if (addr + size > m.addr + m.region.size) return undefined;
      if (!m.region.covers && this.alone(m)) this.hit = m;
      return m;
    }
    return undefined;
  }
}

/** `size` bytes of `space` starting at PCI address `pciBase`, seen by the CPU as one bus region. */
export class PciWindow implements MmioDevice {
  readonly validMin = 1;
  readonly validMax = 0;
  readonly implMin = 1;
  readonly implMax = 8;

  constructor(
    readonly name: string,
    readonly size: number,
    private readonly space: PciAddressSpace,
    private readonly pciBase: number,
  ) {}

  accepts(offset: number, size: number, isWrite: boolean): boolean {
    const m = this.space.find(this.pciBase + offset, size);
    return m === undefined || accessValid(m.region, this.pciBase + offset - m.addr, size, isWrite);
  }

  private at(offset: number, size: number): [MmioDevice, number] | null {
    const m = this.space.find(this.pciBase + offset, size);
    return m ? [m.region, this.pciBase + offset - m.addr] : null;
  }

  read(offset: number, size: number): number {
    const t = this.at(offset, size);
    if (!t) return 2 ** (8 * Math.min(size, 4)) - 1;
    if (size === 8) return Number(dispatchRead64(t[0], t[1]) & 0xffffffffn);
    return dispatchRead(t[0], t[1], size);
  }

  write(offset: number, size: number, value: number): void {
    const t = this.at(offset, size);
    if (t) dispatchWrite(t[0], t[1], size, value);
  }

  read64(offset: number): bigint {
    const t = this.at(offset, 8);
    return t ? dispatchRead64(t[0], t[1]) : 0xffffffffffffffffn;
  }

  write64(offset: number, value: bigint): void {
    const t = this.at(offset, 8);
    if (t) dispatchWrite64(t[0], t[1], value);
  }
}
