// Test fixtures: a bare guest RAM surrounded by guard bytes (to prove devices never write outside
// RAM), and a tiny driver-side ring writer to build descriptor tables by hand.
import type { GuestRam } from '../../src/isa/hart';

export const GUARD = 4096;
export const RAM_BASE = 0x80000000;

export interface GuardedRam extends GuestRam {
  /** True when every guard byte still holds its fill value. */
  guardsIntact(): boolean;
}

export function guardedRam(size = 1 << 20): GuardedRam {
  const buffer = new SharedArrayBuffer(size + 2 * GUARD);
  const all = new Uint8Array(buffer);
  all.fill(0xa5, 0, GUARD);
  all.fill(0xa5, GUARD + size);
  const u8 = new Uint8Array(buffer, GUARD, size);
  const view = new DataView(buffer, GUARD, size);
  return {
    buffer,
    base: RAM_BASE,
    size,
    u8,
    view,
    guardsIntact: () =>
      all.subarray(0, GUARD).every((b) => b === 0xa5) &&
      all.subarray(GUARD + size).every((b) => b === 0xa5),
  };
}

export interface Desc {
  addr: number;
  len: number;
  flags: number;
  next: number;
}

/** Writes descriptor `i` of the table at `table`. */
export function putDesc(ram: GuestRam, table: number, i: number, d: Desc): void {
  const o = table - ram.base + 16 * i;
  ram.view.setUint32(o, d.addr % 0x100000000, true);
  ram.view.setUint32(o + 4, Math.floor(d.addr / 0x100000000), true);
  ram.view.setUint32(o + 8, d.len, true);
  ram.view.setUint16(o + 12, d.flags, true);
  ram.view.setUint16(o + 14, d.next, true);
}

/** A driver-side view of one split ring at fixed addresses, for tests. */
export class TestRing {
  availIdx = 0;
  constructor(
    readonly ram: GuestRam,
    readonly size: number,
    readonly desc: number,
    readonly avail: number,
    readonly used: number,
  ) {}
  put(i: number, d: Desc): void {
    putDesc(this.ram, this.desc, i, d);
  }
  /** Makes chain `head` available and bumps avail.idx. */
  offer(head: number): void {
    const o = this.avail - this.ram.base;
    this.ram.view.setUint16(o + 4 + 2 * (this.availIdx % this.size), head, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ram.view.setUint16(o + 2, this.availIdx, true);
  }
  usedIdx(): number {
    return this.ram.view.getUint16(this.used - this.ram.base + 2, true);
  }
  usedElem(i: number): { id: number; len: number } {
    const o = this.used - this.ram.base + 4 + 8 * (i % this.size);
    return { id: this.ram.view.getUint32(o, true), len: this.ram.view.getUint32(o + 4, true) };
  }
  setUsedEvent(v: number): void {
    this.ram.view.setUint16(this.avail - this.ram.base + 4 + 2 * this.size, v, true);
  }
  setAvailFlags(v: number): void {
    this.ram.view.setUint16(this.avail - this.ram.base, v, true);
  }
}
