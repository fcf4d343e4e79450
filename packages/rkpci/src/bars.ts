// BAR sizing (PCI Local Bus 3.0 §6.2.5.1; Linux drivers/pci/probe.c __pci_read_base): with decoding
// off, write all-ones, read back the writable address bits, restore. The lowest writable bit is the size.
import type { RkPciConfigAccess, RkPciSpace } from './api';
import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_MEM_TYPE_MASK,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_COMMAND,
  PCI_COMMAND_IO,
  PCI_COMMAND_MEMORY,
} from './regs';

/** A BAR as sizing found it (before assignment). */
export interface BarProbe {
  readonly index: number;
  readonly space: RkPciSpace;
  readonly prefetchable: boolean;
  readonly size: number;
}

const lowestBit = (m: number) => (m & -m) >>> 0;

/** Writes all-ones to `off`, reads the result back and restores the original value. */
function probeWord(cfg: RkPciConfigAccess, b: number, d: number, f: number, off: number): number {
  const orig = cfg.read(b, d, f, off, 4);
  cfg.write(b, d, f, off, 4, 0xffffffff);
  const v = cfg.read(b, d, f, off, 4);
  cfg.write(b, d, f, off, 4, orig);
  return v >>> 0;
}

/**
 * Sizes BARs 0..count-1 of bus/dev/fn with I/O and memory decoding off (restored afterwards).
 * @returns one entry per slot; undefined for an unimplemented BAR and for the upper half of a 64-bit one.
 */
export function sizeBars(
  cfg: RkPciConfigAccess,
  bus: number,
  dev: number,
  fn: number,
  count: number,
): (BarProbe | undefined)[] {
  const out: (BarProbe | undefined)[] = new Array(count).fill(undefined);
  const cmd = cfg.read(bus, dev, fn, PCI_COMMAND, 2);
  cfg.write(bus, dev, fn, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
  for (let i = 0; i < count; i++) {
    const off = PCI_BASE_ADDRESS_0 + 4 * i;
    const v = probeWord(cfg, bus, dev, fn, off);
    if (v === 0 || v === 0xffffffff) continue; // unimplemented (or a function that vanished)
    if (v & PCI_BASE_ADDRESS_SPACE_IO) {
      let mask = (v & ~0x3) >>> 0;
      if (mask >>> 16 === 0) mask = (mask | 0xffff0000) >>> 0; // 16-bit decoder: upper bits read 0
      const size = lowestBit(mask);
      if (size) out[i] = { index: i, space: 'io', prefetchable: false, size };
      continue;
    }
    const prefetchable = (v & PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0;
    const lo = (v & ~0xf) >>> 0;
    if ((v & PCI_BASE_ADDRESS_MEM_TYPE_MASK) === PCI_BASE_ADDRESS_MEM_TYPE_64 && i + 1 < count) {
      const hi = probeWord(cfg, bus, dev, fn, off + 4);
      const size = lo ? lowestBit(lo) : lowestBit(hi) * 0x100000000;
      if (size) out[i] = { index: i, space: 'mem64', prefetchable, size };
      i++;
      continue;
    }
    const size = lowestBit(lo);
    if (size) out[i] = { index: i, space: 'mem32', prefetchable, size };
  }
  cfg.write(bus, dev, fn, PCI_COMMAND, 2, cmd);
  return out;
}

/** Programs BAR `index` with bus address `pciAddr` (both halves of a 64-bit BAR). */
export function writeBar(
  cfg: RkPciConfigAccess,
  bus: number,
  dev: number,
  fn: number,
  bar: BarProbe,
  pciAddr: number,
): void {
  const off = PCI_BASE_ADDRESS_0 + 4 * bar.index;
  cfg.write(bus, dev, fn, off, 4, pciAddr >>> 0);
  if (bar.space === 'mem64') cfg.write(bus, dev, fn, off + 4, 4, Math.floor(pciAddr / 0x100000000));
}
