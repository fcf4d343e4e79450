// CFI parallel flash, Intel command set, as QEMU 7.2's hw/block/pflash_cfi01.c behaves with virt's settings
// (two 32 MiB banks at 0x20000000: 4-byte bank of two x16 parts, 256 KiB sectors, ids 0x89/0x18, little-endian).
// Read-array mode reads the array directly (a ROM device); any write switches to register mode.
import type { BlockBackend } from '../backends/blk/backend';
import type { MmioDevice } from '../mmio';
import type { LogItem } from '../options';
import {
  cfiTable,
  PFLASH_BANK_BYTES,
  PFLASH_SECTOR_BYTES,
  PFLASH_WRITEBLOCK_BYTES,
} from './pflash-cfi';

const IDENT0 = 0x89;
const IDENT1 = 0x18;
/** Status register: WSM ready, erase error, program error. */
const SR_READY = 0x80;
const SR_ERASE_ERR = 0x20;
const SR_PROGRAM_ERR = 0x10;
const BDRV_SECTOR = 512;

/** A flash bank. `backing` (a `-drive if=pflash` image of exactly 32 MiB) is read at creation and written through. */
export class PflashCfi01 implements MmioDevice {
  readonly size = PFLASH_BANK_BYTES;
  readonly validMin = 1;
  readonly validMax = 4;
  /** The array, allocated at the first access (32 MiB of zeroes would cost every machine ~40 ms). */
  private store: Uint8Array | null = null;
  private readonly cfi = cfiTable();
  private readonly ro: boolean;
  private wcycle = 0;
  private cmd = 0;
  private status = SR_READY;
  private counter = 0;
  private romd = true;
  /** Write-to-buffer staging (QEMU 7.2.x stable: updates land only on the confirm): offset, or -1. */
  private blkOffset = -1;
  private readonly blkBytes = new Uint8Array(PFLASH_WRITEBLOCK_BYTES);

  /** @throws Error "device requires N bytes, block backend provides M bytes" for a backing of another size. */
  constructor(
    readonly name: string,
    private readonly backing: BlockBackend | null,
    private readonly log: (line: string, item?: LogItem) => void = () => {},
  ) {
    this.ro = backing?.readOnly ?? false;
    if (backing) {
      if (backing.size !== PFLASH_BANK_BYTES)
        throw new Error(
          `device requires ${PFLASH_BANK_BYTES} bytes, block backend provides ${backing.size} bytes`,
        );
      const err = backing.read(0, this.storage);
      if (err) throw new Error(`${name}: cannot read drive ${backing.id}: ${err}`);
    }
  }

  /** The `-drive` id backing the bank ('' when unbacked), as `info qtree` shows it. */
  get driveId(): string {
    return this.backing?.id ?? '';
  }

  /** Zero-filled until written: an unbacked bank reads 0, as QEMU's fresh RAM block does. */
  private get storage(): Uint8Array {
    this.store ??= new Uint8Array(PFLASH_BANK_BYTES);
    return this.store;
  }

  /** ROMD: in read-array mode loads are plain memory reads of the array (any width, any alignment). */
  direct(): Uint8Array | null {
    return this.romd ? this.storage : null;
  }

  /** System reset: read-array mode, status ready (pflash_cfi01_system_reset). */
  reset(): void {
    this.cmd = 0;
    this.wcycle = 0;
    this.romd = true;
    this.status = SR_READY;
    this.blkOffset = -1;
  }

  read(offset: number, size: number): number {
    switch (this.cmd) {
      case 0x10:
      case 0x20:
      case 0x28:
      case 0x40:
      case 0x50:
      case 0x60:
      case 0x70:
      case 0xe8:
        // The status of both x16 parts, for reads wider than one part.
        return size > 2 ? (this.status | (this.status << 16)) >>> 0 : this.status;
      case 0x90:
        return this.devidQuery(offset);
      case 0x98:
        return this.cfiQuery(offset);
      default:
        return this.dataRead(offset, size);
    }
  }

  private dataRead(offset: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.storage[offset + i];
    return v;
  }

  /** Both parts answer; addresses count in the 4-byte bank width. */
  private cfiQuery(offset: number): number {
    const boff = Math.floor(offset / 4);
    if (boff >= this.cfi.length) return 0;
    const r = this.cfi[boff];
    return (r | (r << 16)) >>> 0;
  }

  private devidQuery(offset: number): number {
    const boff = Math.floor(offset / 4) & 0xff;
    const r = boff === 0 ? IDENT0 : boff === 1 ? IDENT1 : -1;
    return r < 0 ? 0 : (r | (r << 16)) >>> 0;
  }

  write(offset: number, size: number, value: number): void {
    const cmd = value & 0xff;
    if (this.wcycle === 0) this.romd = false;
    switch (this.wcycle) {
      case 0:
        this.firstCycle(offset, cmd);
        return;
      case 1:
        this.secondCycle(offset, size, value, cmd);
        return;
      case 2:
        this.bufferCycle(offset, size, value);
        return;
      case 3:
        if (this.cmd === 0xe8 && cmd === 0xd0 && !(this.status & SR_PROGRAM_ERR)) {
          this.blkFlush();
          this.wcycle = 0;
          this.status |= SR_READY;
        } else {
          this.blkOffset = -1;
          this.readArray();
        }
        return;
      default:
        this.readArray();
    }
  }

  private firstCycle(offset: number, cmd: number): void {
    switch (cmd) {
      case 0x10:
      case 0x40:
      case 0x60:
      case 0x98:
        break;
      case 0x20:
        this.erase(offset - (offset % PFLASH_SECTOR_BYTES));
        break;
      case 0x50:
        this.status = 0;
        this.readArray();
        return;
      case 0x70:
      case 0x90:
        this.cmd = cmd;
        return;
      case 0xe8:
        this.status |= SR_READY;
        break;
      default:
        // 0x00, 0xf0 (AMD probe), 0xff (read array), and unknown commands.
        if (cmd !== 0x00 && cmd !== 0xf0 && cmd !== 0xff)
          this.log(`${this.name}: unknown command 0x${cmd.toString(16)}`, 'unimp');
        this.readArray();
        return;
    }
    this.wcycle++;
    this.cmd = cmd;
  }

  private secondCycle(offset: number, size: number, value: number, cmd: number): void {
    switch (this.cmd) {
      case 0x10:
      case 0x40:
        if (!this.ro) {
          this.dataWrite(offset, size, value);
          this.update(offset, size);
        } else this.status |= SR_PROGRAM_ERR;
        this.status |= SR_READY;
        this.wcycle = 0;
        return;
      case 0x20:
      case 0x28:
      case 0x60:
        if (cmd === 0xd0 || (this.cmd === 0x60 && cmd === 0x01)) {
          this.wcycle = 0;
          this.status |= SR_READY;
        } else this.readArray();
        return;
      case 0xe8:
        // The word count, masked to one x16 part.
        this.counter = value & 0xffff;
        this.wcycle++;
        this.blkOffset = offset - (offset % PFLASH_WRITEBLOCK_BYTES);
        this.blkBytes.set(
          this.storage.subarray(this.blkOffset, this.blkOffset + PFLASH_WRITEBLOCK_BYTES),
        );
        return;
      case 0x98:
        // Only Read Array leaves query mode; other writes are ignored.
        if (cmd === 0xff) this.readArray();
        return;
      default:
        this.readArray();
    }
  }

  /** Write to buffer: words go to the staging buffer of the write block chosen by the count write. */
  private bufferCycle(offset: number, size: number, value: number): void {
    if (this.cmd !== 0xe8) {
      this.readArray();
      return;
    }
    if (!this.ro && this.blkOffset !== -1) this.dataWrite(offset, size, value);
    else this.status |= SR_PROGRAM_ERR;
    this.status |= SR_READY;
    if (this.counter === 0) this.wcycle++;
    this.counter--;
  }

  private blkFlush(): void {
    this.storage.set(this.blkBytes, this.blkOffset);
    this.update(this.blkOffset, PFLASH_WRITEBLOCK_BYTES);
    this.blkOffset = -1;
  }

  private erase(start: number): void {
    if (!this.ro) {
      this.storage.fill(0xff, start, start + PFLASH_SECTOR_BYTES);
      this.update(start, PFLASH_SECTOR_BYTES);
    } else this.status |= SR_ERASE_ERR;
    this.status |= SR_READY;
  }

  /** Programs `size` bytes, into the staging buffer during write-to-buffer (outside it: program error). */
  private dataWrite(offset: number, size: number, value: number): void {
    let dst = this.storage;
    let at = offset;
    if (this.blkOffset !== -1) {
      if (offset < this.blkOffset || offset + size > this.blkOffset + PFLASH_WRITEBLOCK_BYTES) {
        this.status |= SR_PROGRAM_ERR;
        return;
      }
      dst = this.blkBytes;
      at = offset - this.blkOffset;
    }
    for (let i = 0; i < size; i++) dst[at + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  }

  /** pflash_update: writes the touched 512-byte sectors through to the drive. */
  private update(offset: number, size: number): void {
    if (!this.backing) return;
    const start = offset - (offset % BDRV_SECTOR);
    const end = Math.min(PFLASH_BANK_BYTES, Math.ceil((offset + size) / BDRV_SECTOR) * BDRV_SECTOR);
    const err = this.backing.write(start, this.storage.subarray(start, end));
    if (err) this.log(`${this.name}: Could not update PFLASH: ${err}`);
  }

  private readArray(): void {
    this.romd = true;
    this.wcycle = 0;
    this.cmd = 0;
  }
}
