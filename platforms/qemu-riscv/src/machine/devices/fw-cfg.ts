// QEMU's fw_cfg, MMIO variant as `virt` maps it at 0x10100000 (hw/nvram/fw_cfg.c, docs/specs/fw_cfg.txt):
// data at +0 (8 bytes wide), selector at +8 (16-bit), DMA address at +16 (64-bit); big-endian registers.
// DMA descriptors are guest values: only guest RAM is ever touched; anything else sets the error bit.
import type { GuestRam } from '../../isa/hart';
import type { MmioDevice } from '../mmio';
import {
  FW_CFG_FILE_DIR,
  FW_CFG_FILE_FIRST,
  FW_CFG_FILE_SLOTS,
  type FwCfgUserItem,
  fileDirectory,
  sortedFiles,
  standardItems,
} from './fw-cfg-items';

const FW_CFG_ARCH_LOCAL = 0x8000;
const FW_CFG_ENTRY_MASK = 0x3fff;
const FW_CFG_INVALID = 0xffff;
const MAX_ENTRY = FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS;

export const FW_CFG_DMA_CTL_ERROR = 0x01;
export const FW_CFG_DMA_CTL_READ = 0x02;
export const FW_CFG_DMA_CTL_SKIP = 0x04;
export const FW_CFG_DMA_CTL_SELECT = 0x08;
export const FW_CFG_DMA_CTL_WRITE = 0x10;

/** "QEMU CFG", what reads of the DMA register return. */
const DMA_SIGNATURE = new TextEncoder().encode('QEMU CFG');
const U64 = (1n << 64n) - 1n;

const bswap16 = (v: number) => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
const bswap32 = (v: number) =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
const bswap64 = (v: bigint) => {
  let r = 0n;
  for (let i = 0; i < 8; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return r;
};

/** Little-endian value of `bytes` (how a big-endian register's string reads on a little-endian bus). */
function leValue(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** The fw_cfg state and its three register regions (map `data`, `ctl`, `dma` at +0, +8, +16). */
export class FwCfg {
  /** entries[arch][key & FW_CFG_ENTRY_MASK]; no item on riscv is writable by the guest. */
  private readonly entries: (Uint8Array | undefined)[][] = [[], []];
  private curEntry = FW_CFG_INVALID;
  private curOffset = 0;
  private dmaAddr = 0n;
  readonly data: MmioDevice;
  readonly ctl: MmioDevice;
  readonly dma: MmioDevice;

  /** @throws Error for a duplicate name or more files than directory slots (QEMU's messages). */
  constructor(
    private readonly ram: GuestRam,
    smp: number,
    user: readonly FwCfgUserItem[] = [],
  ) {
    for (const [key, bytes] of standardItems(smp)) this.entries[0][key] = bytes;
    const files = sortedFiles(user);
    this.entries[0][FW_CFG_FILE_DIR] = fileDirectory(files);
    files.forEach((f, i) => {
      this.entries[0][FW_CFG_FILE_FIRST + i] = f.data;
    });
    this.data = this.dataRegion();
    this.ctl = this.ctlRegion();
    this.dma = this.dmaRegion();
    this.reset();
  }

  /** Device reset: selects the signature (fw_cfg_reset); the DMA address register is kept. */
  reset(): void {
    this.select(0);
  }

  private select(key: number): void {
    this.curOffset = 0;
    this.curEntry = (key & FW_CFG_ENTRY_MASK) >= MAX_ENTRY ? FW_CFG_INVALID : key;
  }

  private entry(): Uint8Array | undefined {
    if (this.curEntry === FW_CFG_INVALID) return undefined;
    return this.entries[this.curEntry & FW_CFG_ARCH_LOCAL ? 1 : 0][
      this.curEntry & FW_CFG_ENTRY_MASK
    ];
  }

  /** The next `size` bytes of the item, zero-padded at its end (fw_cfg_data_read). */
  private take(size: number): Uint8Array {
    const out = new Uint8Array(size);
    const e = this.entry();
    if (!e) return out;
    const n = Math.max(0, Math.min(size, e.length - this.curOffset));
    out.set(e.subarray(this.curOffset, this.curOffset + n));
    this.curOffset += n;
    return out;
  }

  private dataRegion(): MmioDevice {
    return {
      name: 'fwcfg.data',
      size: 8,
      validMin: 1,
      validMax: 8,
      implMax: 8,
      accepts: (offset) => offset === 0,
      read: (_o, size) => Number(leValue(this.take(size))),
      read64: () => leValue(this.take(8)),
      // Write support was removed in QEMU 2.4: data writes do nothing.
      write: () => {},
      write64: () => {},
    };
  }

  private ctlRegion(): MmioDevice {
    return {
      name: 'fwcfg.ctl',
      size: 2,
      validMin: 1,
      validMax: 0,
      accepts: (_o, size, isWrite) => isWrite && size === 2,
      read: () => 0,
      write: (_o, _s, value) => this.select(bswap16(value & 0xffff)),
    };
  }

  private dmaRegion(): MmioDevice {
    return {
      name: 'fwcfg.dma',
      size: 8,
      validMin: 1,
      validMax: 8,
      implMax: 8,
      accepts: (o, size, isWrite) =>
        !isWrite || (size === 4 && (o === 0 || o === 4)) || (size === 8 && o === 0),
      read: (o, size) => Number(leValue(DMA_SIGNATURE.subarray(o, o + size))),
      read64: () => leValue(DMA_SIGNATURE),
      write: (o, size, value) => {
        if (size !== 4) return;
        if (o === 0) this.dmaAddr = BigInt(bswap32(value)) << 32n;
        else if (o === 4) {
          this.dmaAddr |= BigInt(bswap32(value));
          this.transfer();
        }
      },
      write64: (o, value) => {
        if (o !== 0) return;
        this.dmaAddr = bswap64(value);
        this.transfer();
      },
    };
  }

  // ---- DMA (fw_cfg_dma_transfer) ----

  /** The part of [addr, addr+len) inside RAM as offsets, and whether all of it is. */
  private span(addr: bigint, len: number): { off: number; n: number; whole: boolean } {
    const base = BigInt(this.ram.base);
    const end = base + BigInt(this.ram.size);
    const lo = addr > base ? addr : base;
    const hiRaw = addr + BigInt(len);
    const hi = hiRaw < end ? hiRaw : end;
    const n = hi > lo ? Number(hi - lo) : 0;
    return { off: Number(lo - base), n, whole: n === len && hiRaw <= U64 + 1n };
  }

  /** dma_memory_write: writes what lands in RAM. @returns false if any byte fell outside RAM. */
  private ramWrite(addr: bigint, bytes: Uint8Array): boolean {
    const s = this.span(addr, bytes.length);
    if (s.n > 0) {
      const skip = Number(BigInt(this.ram.base) + BigInt(s.off) - addr);
      this.ram.u8.set(bytes.subarray(skip, skip + s.n), s.off);
    }
    return s.whole;
  }

  private ramFill(addr: bigint, len: number): boolean {
    const s = this.span(addr, len);
    if (s.n > 0) this.ram.u8.fill(0, s.off, s.off + s.n);
    return s.whole;
  }

  private writeControl(desc: bigint, control: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, control);
    this.ramWrite(desc, b);
  }

  private transfer(): void {
    const desc = this.dmaAddr;
    this.dmaAddr = 0n;
    const s = this.span(desc, 16);
    if (!s.whole) {
      this.writeControl(desc, FW_CFG_DMA_CTL_ERROR);
      return;
    }
    const v = new DataView(this.ram.buffer, s.off, 16);
    // struct FWCfgDmaAccess { be32 control; be32 length; be64 address; }
    let control = v.getUint32(0);
    let length = v.getUint32(4);
    let address = v.getBigUint64(8);
    if (control & FW_CFG_DMA_CTL_SELECT) this.select(control >>> 16);
    const read = (control & FW_CFG_DMA_CTL_READ) !== 0;
    const write = !read && (control & FW_CFG_DMA_CTL_WRITE) !== 0;
    if (!read && !write && !(control & FW_CFG_DMA_CTL_SKIP)) length = 0;
    control = 0;
    while (length > 0 && !(control & FW_CFG_DMA_CTL_ERROR)) {
      const e = this.entry();
      let len: number;
      if (!e || this.curOffset >= e.length) {
        len = length;
        if (read && !this.ramFill(address, len)) control |= FW_CFG_DMA_CTL_ERROR;
        // Writing past an item (or to none) is an error.
        if (write) control |= FW_CFG_DMA_CTL_ERROR;
      } else {
        len = Math.min(length, e.length - this.curOffset);
        if (read && !this.ramWrite(address, e.subarray(this.curOffset, this.curOffset + len)))
          control |= FW_CFG_DMA_CTL_ERROR;
        // No item on virt is writable (QEMU's allow_write is for ramfb/vmcoreinfo, absent here).
        if (write) control |= FW_CFG_DMA_CTL_ERROR;
        this.curOffset += len;
      }
      address = (address + BigInt(len)) & U64;
      length -= len;
    }
    this.writeControl(desc, control);
  }
}
