// The physical address space of `virt` (REFERENCE.md §1): guest RAM plus MMIO regions, with QEMU's two
// access paths. CPU accesses (softmmu) fault on holes and invalid sizes and split misaligned MMIO accesses;
// debug accesses (qtest's address_space_rw) read holes and invalid sizes as 0 and chunk as flatview does.
import type { GuestRam } from '../isa/hart';
import {
  accessValid,
  dispatchRead,
  dispatchRead64,
  dispatchWrite,
  dispatchWrite64,
  type MmioDevice,
} from './mmio';

export interface BusRegion {
  readonly base: number;
  readonly end: number;
  readonly dev: MmioDevice;
}

/** A denied physical range for S-mode (OpenSBI's PMP: CLINT and its own image, REFERENCE.md §3). */
export interface PmpDeny {
  readonly base: number;
  readonly end: number;
}

/** Returned by CPU loads that fault (values are otherwise unsigned). */
export const FAULT = -1;

export class PhysBus {
  private regions: BusRegion[] = [];
  /** Address of the (sub-)access that faulted last: QEMU reports it in xtval (measured). */
  faultAddr = 0;

  /** `-d guest_errors`: CPU accesses the bus rejects (QEMU's memory_region_access_valid messages). */
  guestError: ((line: string) => void) | null = null;

  constructor(readonly ram: GuestRam) {}

  /** A debug access over a hole: QEMU refuses it in accesses of at most 4 bytes, each logged. */
  private rejectedHole(pa: number, len: number, write: boolean): void {
    if (!this.guestError) return;
    if (len > 64) {
      this.rejected(pa, len, write, undefined);
      return;
    }
    for (let a = pa; a < pa + len; ) {
      const n = Math.min(4, pa + len - a);
      this.rejected(a, n, write, undefined);
      a += n;
    }
  }

  /** Logs why a CPU access at `pa` faults: no device there, or one that refuses it. */
  private rejected(pa: number, size: number, write: boolean, r: BusRegion | undefined): void {
    if (!this.guestError) return;
    const rw = write ? 'write' : 'read';
    if (!r || pa + size > r.end) {
      // QEMU's unassigned region refuses every access (unassigned_mem_accepts), at the absolute address.
      this.guestError(
        `Invalid ${rw} at addr 0x${pa.toString(16).toUpperCase()}, size ${size}, region '(null)', reason: rejected`,
      );
      return;
    }
    const off = pa - r.base;
    const d = r.dev;
    const reason =
      d.accepts && !d.accepts(off, size, write)
        ? 'rejected'
        : !d.unaligned && off % size !== 0
          ? 'unaligned'
          : `invalid size (min:${d.validMin} max:${d.validMax})`;
    this.guestError(
      `Invalid ${rw} at addr 0x${off.toString(16).toUpperCase()}, size ${size}, region '${d.name}', reason: ${reason}`,
    );
  }

  map(base: number, dev: MmioDevice): void {
    const r = { base, end: base + dev.size, dev };
    for (const o of this.regions)
      if (r.base < o.end && o.base < r.end)
        throw new Error(`bus: ${dev.name} overlaps ${o.dev.name}`);
    this.regions.push(r);
  }

  /** The mapped regions in mapping order (`info mtree`). */
  get mappings(): readonly BusRegion[] {
    return this.regions;
  }

  private find(pa: number): BusRegion | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.end) return r;
    return undefined;
  }

  private inRam(pa: number, size: number): boolean {
    return pa >= this.ram.base && pa + size <= this.ram.base + this.ram.size;
  }

  // ---- CPU path ------------------------------------------------------------------------------------
  // Every entry first refuses what is not a physical address (NaN, ±Infinity, fractions, negatives,
  // beyond 2^53): an access fault with xtval 0, which the privileged spec allows for access faults.

  /** A CPU load of 1/2/4 bytes. @returns the zero-extended value, or FAULT (access fault). */
  private fail<T>(pa: number, v: T): T {
    this.faultAddr = pa;
    return v;
  }

  cpuLoad(pa: number, size: number, deny: readonly PmpDeny[]): number {
    if (!isPhysAddr(pa)) return this.fail(0, FAULT);
    if (denied(pa, size, deny)) return this.fail(pa, FAULT);
    if (this.inRam(pa, size)) return readLe(this.ram, pa - this.ram.base, size);
    const d = this.directAt(pa, size);
    if (d) return readLeBytes(d.bytes, d.off, size);
    if (pa % size !== 0) return this.misalignedLoad(pa, size, deny);
    const r = this.find(pa);
    if (!r || pa + size > r.end || !accessValid(r.dev, pa - r.base, size, false)) {
      this.rejected(pa, size, false, r);
      return this.fail(pa, FAULT);
    }
    return dispatchRead(r.dev, pa - r.base, size);
  }

  /** A load wholly inside a ROM device in ROMD mode: the bytes and the offset to read at. */
  private directAt(pa: number, size: number): { bytes: Uint8Array; off: number } | null {
    const r = this.find(pa);
    const bytes = r?.dev.direct?.();
    if (!r || !bytes || pa + size > r.end) return null;
    return { bytes, off: pa - r.base };
  }

  /** Misaligned MMIO load: QEMU's softmmu does two aligned loads of the same size and merges them. */
  private misalignedLoad(pa: number, size: number, deny: readonly PmpDeny[]): number {
    const a = pa - (pa % size);
    const lo = this.cpuLoad(a, size, deny);
    const hi = lo === FAULT ? FAULT : this.cpuLoad(a + size, size, deny);
    if (hi === FAULT) return FAULT;
    const shift = BigInt(8 * (pa - a));
    const v =
      ((BigInt(lo) >> shift) | (BigInt(hi) << (BigInt(8 * size) - shift))) &
      ((1n << BigInt(8 * size)) - 1n);
    return Number(v);
  }

  /** A CPU store of 1/2/4 bytes. @returns false on an access fault. */
  cpuStore(pa: number, size: number, value: number, deny: readonly PmpDeny[]): boolean {
    if (!isPhysAddr(pa)) return this.fail(0, false);
    if (denied(pa, size, deny)) return this.fail(pa, false);
    if (this.inRam(pa, size)) {
      writeLe(this.ram, pa - this.ram.base, size, value);
      return true;
    }
    if (pa % size !== 0) {
      // QEMU's store_helper_unaligned on I/O: byte by byte, stopping at the first fault.
      for (let i = 0; i < size; i++)
        if (!this.cpuStore(pa + i, 1, Math.floor(value / 2 ** (8 * i)) & 0xff, deny)) return false;
      return true;
    }
    const r = this.find(pa);
    if (!r || pa + size > r.end || !accessValid(r.dev, pa - r.base, size, true)) {
      this.rejected(pa, size, true, r);
      return this.fail(pa, false);
    }
    dispatchWrite(r.dev, pa - r.base, size, value);
    return true;
  }

  /** A CPU 8-byte load. @returns the value or null (access fault). */
  cpuLoad64(pa: number, deny: readonly PmpDeny[]): bigint | null {
    if (!isPhysAddr(pa)) return this.fail(0, null);
    if (denied(pa, 8, deny)) return this.fail(pa, null);
    if (this.inRam(pa, 8)) return this.ram.view.getBigUint64(pa - this.ram.base, true);
    const d = this.directAt(pa, 8);
    if (d)
      return (
        BigInt(readLeBytes(d.bytes, d.off + 4, 4)) * 2n ** 32n +
        BigInt(readLeBytes(d.bytes, d.off, 4))
      );
    if (pa % 8 !== 0) {
      const lo = this.cpuLoad64(pa - (pa % 8), deny);
      const hi = lo === null ? null : this.cpuLoad64(pa - (pa % 8) + 8, deny);
      if (lo === null || hi === null) return null;
      const s = BigInt(8 * (pa % 8));
      return ((lo >> s) | (hi << (64n - s))) & 0xffffffffffffffffn;
    }
    const r = this.find(pa);
    if (!r || pa + 8 > r.end || !accessValid(r.dev, pa - r.base, 8, false)) {
      this.rejected(pa, 8, false, r);
      return this.fail(pa, null);
    }
    return dispatchRead64(r.dev, pa - r.base);
  }

  cpuStore64(pa: number, value: bigint, deny: readonly PmpDeny[]): boolean {
    if (!isPhysAddr(pa)) return this.fail(0, false);
    if (denied(pa, 8, deny)) return this.fail(pa, false);
    if (this.inRam(pa, 8)) {
      this.ram.view.setBigUint64(pa - this.ram.base, BigInt.asUintN(64, value), true);
      return true;
    }
    if (pa % 8 !== 0) {
      for (let i = 0; i < 8; i++)
        if (!this.cpuStore(pa + i, 1, Number((value >> BigInt(8 * i)) & 0xffn), deny)) return false;
      return true;
    }
    const r = this.find(pa);
    if (!r || pa + 8 > r.end || !accessValid(r.dev, pa - r.base, 8, true)) {
      this.rejected(pa, 8, true, r);
      return this.fail(pa, false);
    }
    dispatchWrite64(r.dev, pa - r.base, BigInt.asUintN(64, value));
    return true;
  }

  // ---- debug path (qtest, firmware reads of guest memory) ----------------------------------------

  /** address_space_read: holes and invalid accesses read 0. */
  debugRead(pa: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.debugWalk(pa, len, false, (chunkPa, off, l, r) => {
      const direct = r && r !== 'ram' ? r.dev.direct?.() : null;
      if (r === 'ram')
        out.set(this.ram.u8.subarray(chunkPa - this.ram.base, chunkPa - this.ram.base + l), off);
      else if (r && direct) out.set(direct.subarray(chunkPa - r.base, chunkPa - r.base + l), off);
      else if (!r) this.rejectedHole(chunkPa, l, false);
      else {
        const o = chunkPa - r.base;
        if (!accessValid(r.dev, o, l, false)) {
          this.rejected(chunkPa, l, false, r);
          return;
        }
        if (l === 8) {
          const v = dispatchRead64(r.dev, o);
          for (let i = 0; i < 8; i++) out[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
        } else {
          const v = dispatchRead(r.dev, o, l);
          for (let i = 0; i < l; i++) out[off + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
        }
      }
    });
    return out;
  }

  /** address_space_write: holes and invalid accesses are ignored. */
  debugWrite(pa: number, data: Uint8Array): void {
    this.debugWalk(pa, data.length, true, (chunkPa, off, l, r) => {
      if (r === 'ram') this.ram.u8.set(data.subarray(off, off + l), chunkPa - this.ram.base);
      else if (!r) this.rejectedHole(chunkPa, l, true);
      else {
        const o = chunkPa - r.base;
        if (!accessValid(r.dev, o, l, true)) {
          this.rejected(chunkPa, l, true, r);
          return;
        }
        if (l === 8) {
          let v = 0n;
          for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(data[off + i]);
          dispatchWrite64(r.dev, o, v);
        } else {
          let v = 0;
          for (let i = l - 1; i >= 0; i--) v = v * 256 + data[off + i];
          dispatchWrite(r.dev, o, l, v);
        }
      }
    });
  }

  /** flatview_read/write_continue: splits [pa, pa+len) into RAM runs, MMIO accesses and holes. */
  private debugWalk(
    pa: number,
    len: number,
    isWrite: boolean,
    visit: (pa: number, off: number, len: number, r: BusRegion | 'ram' | null) => void,
  ): void {
    let off = 0;
    while (off < len) {
      const a = pa + off;
      const left = len - off;
      const ramEnd = this.ram.base + this.ram.size;
      if (a >= this.ram.base && a < ramEnd) {
        const l = Math.min(left, ramEnd - a);
        visit(a, off, l, 'ram');
        off += l;
        continue;
      }
      const r = Number.isSafeInteger(a) ? this.find(a) : undefined;
      if (r && !isWrite && r.dev.direct?.()) {
        // ROMD reads are direct (memory_access_is_direct): one copy up to the region's end.
        const l = Math.min(left, r.end - a);
        visit(a, off, l, r);
        off += l;
        continue;
      }
      if (r) {
        // flatview_translate clips only RAM sections: an MMIO access may run past a small region's
        // end (fw_cfg's 2-byte selector taking a 4-byte write), and is then refused as a whole.
        const l = memoryAccessSize(r.dev, left, a - r.base);
        visit(a, off, l, a + l <= r.end ? r : null);
        off += l;
        continue;
      }
      let next = Number.POSITIVE_INFINITY;
      if (this.ram.base > a) next = this.ram.base;
      for (const o of this.regions) if (o.base > a && o.base < next) next = o.base;
      const l = Math.min(left, next - a);
      visit(a, off, l, null);
      off += l;
    }
  }
}

/** A guest-supplied physical address is a safe non-negative integer (a JS number names no other byte). */
export function isPhysAddr(pa: number): boolean {
  return Number.isSafeInteger(pa) && pa >= 0;
}

function denied(pa: number, size: number, deny: readonly PmpDeny[]): boolean {
  for (const d of deny) if (pa < d.end && pa + size > d.base) return true;
  return false;
}

/** softmmu/physmem.c memory_access_size: bounded by .valid max (default 4) and by the offset's alignment. */
function memoryAccessSize(d: MmioDevice, l: number, offset: number): number {
  let max = d.validMax === 0 ? 4 : d.validMax;
  if (!d.unaligned) {
    const align = offset === 0 ? 0 : lowestBit(offset);
    if (align !== 0 && align < max) max = align;
  }
  let n = Math.min(l, max);
  let p = 1;
  while (p * 2 <= n) p *= 2;
  n = p;
  return n;
}

function lowestBit(x: number): number {
  let b = 1;
  while (b <= x && x % (b * 2) === 0) b *= 2;
  return b;
}

function readLe(ram: GuestRam, off: number, size: number): number {
  if (size === 1) return ram.u8[off];
  if (size === 2) return ram.view.getUint16(off, true);
  return ram.view.getUint32(off, true);
}

function writeLe(ram: GuestRam, off: number, size: number, value: number): void {
  if (size === 1) ram.u8[off] = value;
  else if (size === 2) ram.view.setUint16(off, value & 0xffff, true);
  else ram.view.setUint32(off, value >>> 0, true);
}

function readLeBytes(b: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[off + i];
  return v;
}
