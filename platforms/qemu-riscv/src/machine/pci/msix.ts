// MSI-X as QEMU's hw/pci/msix.c gives a virtio-pci function (msix_init_exclusive_bar): the capability,
// a BAR of its own with the vector table at 0 and the pending-bit array at half the BAR, per-vector and
// function masks, pending bits for masked vectors, and delivery as a 4-byte memory write through the
// function's bus-master address space (msi_send_message).
import type { MmioDevice } from '../mmio';
import { getLe, setLe } from './config';
import { PCI_CAP_ID_MSIX } from './regs';

const ENTRY_SIZE = 16;
const VECTOR_CTRL = 12;
const MASKBIT = 1;
const ENABLE = 0x80;
const MASKALL = 0x40;

/** The MSI-X state of one function. */
export class Msix {
  readonly table: Uint8Array;
  readonly pba: Uint8Array;
  readonly barSize: number;
  readonly pbaOffset: number;
  readonly cap: number;
  /** The exclusive BAR's contents: table and PBA, holes elsewhere. */
  readonly region: MmioDevice;
  private functionMasked = true;

  constructor(
    private readonly fn: {
      readonly cfg: {
        addCapability(id: number, size: number): number;
        set(off: number, size: 1 | 2 | 4, v: number): void;
        get(off: number, size: 1 | 2 | 4): number;
        readonly wmask: Uint8Array;
      };
    },
    readonly entries: number,
    bar: number,
    /** Delivers one message (address, data) if bus mastering allows; never throws. */
    private readonly send: (address: number, data: number) => void,
  ) {
    let pbaOffset = 2048;
    const pbaSize = (Math.ceil(entries / 64) * 64) / 8;
    if (entries * ENTRY_SIZE > pbaOffset) pbaOffset = entries * ENTRY_SIZE;
    let size = 4096;
    if (pbaOffset + pbaSize > 4096) size = pbaOffset + pbaSize;
    this.barSize = 2 ** Math.ceil(Math.log2(size));
    this.pbaOffset = pbaOffset;
    this.table = new Uint8Array(entries * ENTRY_SIZE);
    this.pba = new Uint8Array(pbaSize);
    const c = fn.cfg;
    this.cap = c.addCapability(PCI_CAP_ID_MSIX, 12);
    c.set(this.cap + 2, 2, entries - 1);
    c.set(this.cap + 4, 4, bar);
    c.set(this.cap + 8, 4, pbaOffset | bar);
    c.wmask[this.cap + 3] |= ENABLE | MASKALL;
    this.maskAll();
    this.region = new MsixBar(this);
  }

  private get control(): number {
    return this.fn.cfg.get(this.cap + 3, 1);
  }

  get enabled(): boolean {
    return (this.control & ENABLE) !== 0;
  }

  private maskAll(): void {
    for (let v = 0; v < this.entries; v++) this.table[v * ENTRY_SIZE + VECTOR_CTRL] = MASKBIT;
  }

  private vectorMasked(v: number, fmask: boolean): boolean {
    return fmask || (this.table[v * ENTRY_SIZE + VECTOR_CTRL] & MASKBIT) !== 0;
  }

  private pending(v: number): boolean {
    return (this.pba[v >>> 3] & (1 << (v & 7))) !== 0;
  }

  private setPending(v: number, on: boolean): void {
    if (on) this.pba[v >>> 3] |= 1 << (v & 7);
    else this.pba[v >>> 3] &= ~(1 << (v & 7));
  }

  /** msix_notify: the vector's message, or its pending bit while masked. */
  notify(v: number): void {
    if (!this.enabled || v >= this.entries) return;
    if (this.vectorMasked(v, this.functionMasked)) {
      this.setPending(v, true);
      return;
    }
    const e = v * ENTRY_SIZE;
    const address = getLe(this.table, e + 4, 4) * 2 ** 32 + getLe(this.table, e, 4);
    this.send(address, getLe(this.table, e + 8, 4));
  }

  private maskUpdate(v: number, wasMasked: boolean): void {
    const masked = this.vectorMasked(v, this.functionMasked);
    if (masked === wasMasked || masked || !this.pending(v)) return;
    this.setPending(v, false);
    this.notify(v);
  }

  /** msix_write_config: after a config write covering the control byte. @returns true if now enabled. */
  configWritten(addr: number, len: number): boolean {
    const pos = this.cap + 3;
    if (!(addr <= pos && pos < addr + len)) return false;
    const was = this.functionMasked;
    this.functionMasked = !this.enabled || (this.control & MASKALL) !== 0;
    if (!this.enabled) return false;
    if (this.functionMasked !== was)
      for (let v = 0; v < this.entries; v++) this.maskUpdate(v, this.vectorMasked(v, was));
    return true;
  }

  tableWrite(off: number, value: number): void {
    const v = Math.floor(off / ENTRY_SIZE);
    const was = this.vectorMasked(v, this.functionMasked);
    setLe(this.table, off, 4, value);
    this.maskUpdate(v, was);
  }

  /** msix_reset: capability control cleared, table zeroed and masked, no pending bits. */
  reset(): void {
    this.fn.cfg.set(this.cap + 3, 1, this.control & ~(ENABLE | MASKALL));
    this.functionMasked = true;
    this.table.fill(0);
    this.pba.fill(0);
    this.maskAll();
  }
}

/**
 * The BAR: table at 0 and PBA at pbaOffset (read-only), each taking aligned 4- or 8-byte accesses; the
 * rest is a container hole, where whatever lies underneath in the PCI space answers (measured).
 */
class MsixBar implements MmioDevice {
  readonly name = 'msix';
  readonly size: number;
  readonly validMin = 1;
  readonly validMax = 8;
  readonly implMax = 4;
  readonly unaligned = true;

  constructor(private readonly m: Msix) {
    this.size = m.barSize;
  }

  private part(offset: number): 'table' | 'pba' | null {
    const m = this.m;
    if (offset < m.table.length) return 'table';
    if (offset >= m.pbaOffset && offset < m.pbaOffset + m.pba.length) return 'pba';
    return null;
  }

  /** Whether `offset` is table or PBA (elsewhere the window looks through to what is below). */
  covers(offset: number): boolean {
    return this.part(offset) !== null;
  }

  accepts(offset: number, size: number): boolean {
    return (size === 4 || size === 8) && offset % size === 0;
  }

  read(offset: number, size: number): number {
    const m = this.m;
    const p = this.part(offset);
    if (p === 'table') return getLe(m.table, offset, size);
    if (p === 'pba') return getLe(m.pba, offset - m.pbaOffset, size);
    return 2 ** (8 * size) - 1;
  }

  write(offset: number, _size: number, value: number): void {
    if (this.part(offset) === 'table') this.m.tableWrite(offset, value);
  }
}
