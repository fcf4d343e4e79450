// virtio-blk (virtio 1.2 §5.2, QEMU hw/block/virtio-blk.c): header / data / status chains over a
// host BlockBackend; features, config space and used.len exactly as measured (REFERENCE §6, §8).
import type { BlockBackend } from '../../backends/blk/backend';
import type { DeviceVirtqueue, VirtqChain, VirtqSeg } from '../queue';
import { readSegs, writeSegs } from '../queue';
import { ANY_LAYOUT, bit, VirtioDeviceModel } from './model';

export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_GEOMETRY = 4;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_SCSI = 7;
export const VIRTIO_BLK_F_FLUSH = 9;
export const VIRTIO_BLK_F_TOPOLOGY = 10;
export const VIRTIO_BLK_F_CONFIG_WCE = 11;
export const VIRTIO_BLK_F_DISCARD = 13;
export const VIRTIO_BLK_F_WRITE_ZEROES = 14;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
/** Legacy SCSI passthrough (virtio 1.2 §5.2.6.3 "Legacy Interface: Device Operation"). */
export const VIRTIO_BLK_T_SCSI_CMD = 2;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

const SECTOR = 512;
const MAX_DISCARD_SECTORS = 4194303;

export interface VirtioBlkOptions {
  /** `serial=` (GET_ID); none → a single NUL byte is written, as measured. */
  readonly serial?: string;
  /** QEMU's `queue-size` (default 256); seg_max = queue-size − 2. */
  readonly queueSize?: number;
}

export class VirtioBlk extends VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly numQueues = 1;
  /** QEMU's queue-size property (default 256). */
  queueSizeDefault(): number {
    return this.opts.queueSize ?? 256;
  }
  readonly configLen = 0x39;
  protected override readonly withheldLegacy = ANY_LAYOUT;
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);
  /**
   * Requests served, by type (`other`: GET_ID, DISCARD, ...), the data descriptors of reads and
   * writes (a scatter-gather request counts each), bytes moved, and requests answered IOERR/UNSUPP.
   */
  readonly stats = {
    reads: 0,
    writes: 0,
    flushes: 0,
    other: 0,
    segments: 0,
    bytesRead: 0,
    bytesWritten: 0,
    errors: 0,
  };

  constructor(
    readonly backend: BlockBackend,
    private readonly opts: VirtioBlkOptions = {},
  ) {
    super();
    this.fillConfig();
  }

  private fillConfig(): void {
    const sectors = Math.floor(this.backend.size / SECTOR);
    const c = this.cfg;
    c.setUint32(0x00, sectors % 0x100000000, true);
    c.setUint32(0x04, Math.floor(sectors / 0x100000000), true);
    c.setUint32(0x08, 0, true); // size_max (feature not offered)
    c.setUint32(0x0c, (this.opts.queueSize ?? 256) - 2, true); // seg_max
    const cyls = Math.max(2, Math.min(16383, Math.floor(sectors / (16 * 63))));
    c.setUint16(0x10, cyls, true); // geometry as QEMU's hd_geometry_guess for LBA disks
    c.setUint8(0x12, 16);
    c.setUint8(0x13, 63);
    c.setUint32(0x14, SECTOR, true); // blk_size
    c.setUint8(0x20, 1); // writeback
    c.setUint16(0x22, 1, true); // num_queues
    c.setUint32(0x24, MAX_DISCARD_SECTORS, true);
    c.setUint32(0x28, 1, true);
    c.setUint32(0x2c, 1, true);
    c.setUint32(0x30, MAX_DISCARD_SECTORS, true);
    c.setUint32(0x34, 1, true);
    c.setUint8(0x38, 1);
  }

  protected deviceFeatures(legacy: boolean): bigint {
    let f = [
      VIRTIO_BLK_F_SEG_MAX,
      VIRTIO_BLK_F_GEOMETRY,
      VIRTIO_BLK_F_BLK_SIZE,
      VIRTIO_BLK_F_FLUSH,
      VIRTIO_BLK_F_TOPOLOGY,
      VIRTIO_BLK_F_CONFIG_WCE,
      VIRTIO_BLK_F_DISCARD,
      VIRTIO_BLK_F_WRITE_ZEROES,
    ]
      .map(bit)
      .reduce((a, b) => a | b, 0n);
    if (legacy) f |= bit(VIRTIO_BLK_F_SCSI);
    if (this.backend.readOnly) f |= bit(VIRTIO_BLK_F_RO);
    return f;
  }

  /** The writeback byte (CONFIG_WCE) is the only writable config field. */
  protected override configWrite(offset: number, size: number, value: number): void {
    if (offset === 0x20 && size === 1) this.config[0x20] = value & 1;
  }

  /**
   * QEMU's virtio_blk_set_status at DRIVER_OK: without CONFIG_WCE the write cache (and the writeback
   * byte) follows whether the driver took FLUSH, so a driver that cannot flush gets writethrough.
   */
  override driverOk(): void {
    if (!this.has(VIRTIO_BLK_F_CONFIG_WCE))
      this.config[0x20] = this.has(VIRTIO_BLK_F_FLUSH) ? 1 : 0;
  }

  protected onNotify(_index: number, q: DeviceVirtqueue): void {
    for (let c = this.pop(q); c; c = this.pop(q)) {
      const status = this.request(c);
      if (status === null) return; // driver bug reported
      this.complete(q, c.head, c.writeLen);
    }
  }

  /** Serves one request. @returns null after a driver bug (NEEDS_RESET), else the status written. */
  private request(c: VirtqChain): number | null {
    const ram = this.hostRam();
    if (c.readLen < 16 || c.writeLen < 1) {
      this.fail(
        `virtio-blk: request ${c.head} lacks a 16-byte header or a status byte (read ${c.readLen}, write ${c.writeLen})`,
      );
      return null;
    }
    readSegs(ram, c.readable, 0, this.hdr);
    const dv = this.hdrView;
    const type = dv.getUint32(0, true);
    const sector = dv.getUint32(8, true) + dv.getUint32(12, true) * 0x100000000;
    // the data: OUT payloads after the 16-byte header, IN data in all writable bytes but the last
    // (the status byte); copies stop at the lengths, so the segments are used as they are
    const dataOut = c.readable;
    const dataIn = c.writable;
    const inLen = c.writeLen - 1;
    let status = VIRTIO_BLK_S_OK;
    let err: string | null = null;
    switch (type) {
      case VIRTIO_BLK_T_IN:
        err = this.rangeOk(sector, inLen) ?? this.copyIn(sector * SECTOR, dataIn, inLen);
        this.stats.reads++;
        this.stats.segments += dataSegs(dataIn, 0, inLen);
        if (err === null) this.stats.bytesRead += inLen;
        break;
      case VIRTIO_BLK_T_OUT:
        err =
          this.rangeOk(sector, c.readLen - 16) ??
          this.copyOut(sector * SECTOR, dataOut, 16, c.readLen - 16);
        this.stats.writes++;
        this.stats.segments += dataSegs(dataOut, 16, c.readLen - 16);
        if (err === null) this.stats.bytesWritten += c.readLen - 16;
        break;
      case VIRTIO_BLK_T_FLUSH:
        err = this.backend.flush();
        this.stats.flushes++;
        break;
      case VIRTIO_BLK_T_GET_ID: {
        const id = new TextEncoder().encode(this.opts.serial ?? '').subarray(0, 20);
        const out = new Uint8Array(Math.min(20, id.length + 1));
        out.set(id.subarray(0, out.length));
        writeSegs(ram, dataIn, 0, out.subarray(0, Math.min(out.length, inLen)));
        break;
      }
      case VIRTIO_BLK_T_SCSI_CMD:
        status = this.scsiCmd(c);
        break;
      case VIRTIO_BLK_T_DISCARD:
      case VIRTIO_BLK_T_WRITE_ZEROES:
        err = this.zeroRanges(c, type === VIRTIO_BLK_T_DISCARD ? 'discard' : 'write-zeroes');
        break;
      default:
        status = VIRTIO_BLK_S_UNSUPP;
    }
    if (type !== VIRTIO_BLK_T_IN && type !== VIRTIO_BLK_T_OUT && type !== VIRTIO_BLK_T_FLUSH)
      this.stats.other++;
    if (err !== null || status !== VIRTIO_BLK_S_OK) this.stats.errors++;
    if (err !== null) {
      status = VIRTIO_BLK_S_IOERR;
      this.host?.trace?.(`virtio-blk: request type ${type} sector ${sector}: ${err}`);
    }
    // the status byte is the last writable byte: the end of the last non-empty writable descriptor
    for (let i = c.writable.length - 1; i >= 0; i--) {
      const w = c.writable[i]!;
      if (w.len === 0) continue;
      ram.u8[w.addr + w.len - 1 - ram.base] = status;
      break;
    }
    return status;
  }

  /**
   * QEMU 7.2 virtio_blk_handle_scsi_req without passthrough: IOERR unless the chain has the outhdr
   * and a CDB (2+ readable descriptors) and sense, virtio_scsi_inhdr and status (3+ writable ones);
   * otherwise `errors` = 255 in the inhdr (the second-to-last writable descriptor) and UNSUPP.
   */
  private scsiCmd(c: VirtqChain): number {
    if (c.readable.length < 2 || c.writable.length < 3) return VIRTIO_BLK_S_IOERR;
    const inhdr = c.writable[c.writable.length - 2];
    const errors = Uint8Array.of(255, 0, 0, 0);
    writeSegs(this.hostRam(), [inhdr], 0, errors.subarray(0, Math.min(4, inhdr.len)));
    return VIRTIO_BLK_S_UNSUPP;
  }

  private rangeOk(sector: number, bytes: number): string | null {
    if (bytes % SECTOR !== 0) return `length ${bytes} is not a multiple of ${SECTOR}`;
    if (sector * SECTOR + bytes > this.backend.size)
      return `sector ${sector} + ${bytes} bytes is past the end`;
    return null;
  }

  /**
   * The backend reads straight into each guest segment (QEMU's blk_aio_preadv on the mapped iovec):
   * the segments were checked to lie in RAM when the chain was walked, so a view of them is safe,
   * and no host bounce buffer is copied through.
   */
  private copyIn(offset: number, segs: VirtqSeg[], len: number): string | null {
    const ram = this.hostRam();
    let done = 0;
    for (const s of segs) {
      if (done >= len) break;
      const n = Math.min(s.len, len - done);
      if (n === 0) continue;
      const at = s.addr - ram.base;
      const e = this.backend.read(offset + done, ram.u8.subarray(at, at + n));
      if (e) return e;
      done += n;
    }
    return null;
  }

  /** The backend writes straight from each guest segment after the `skip`-byte header (as copyIn). */
  private copyOut(offset: number, segs: VirtqSeg[], skip: number, len: number): string | null {
    const ram = this.hostRam();
    let done = 0;
    for (const s of segs) {
      if (done >= len) break;
      if (skip >= s.len) {
        skip -= s.len;
        continue;
      }
      const n = Math.min(s.len - skip, len - done);
      const at = s.addr - ram.base + skip;
      skip = 0;
      const e = this.backend.write(offset + done, ram.u8.subarray(at, at + n));
      if (e) return e;
      done += n;
    }
    return null;
  }

  /** DISCARD / WRITE_ZEROES payload: {le64 sector, le32 num_sectors, le32 flags} segments (§5.2.6). */
  private zeroRanges(c: VirtqChain, op: 'discard' | 'write-zeroes'): string | null {
    const n = (c.readLen - 16) / 16;
    if (!Number.isInteger(n) || n < 1)
      return `${op}: payload of ${c.readLen - 16} bytes is not 16-byte segments`;
    if (n > 1) return `${op}: ${n} segments > max 1`;
    const seg = new Uint8Array(16);
    readSegs(this.hostRam(), c.readable, 16, seg);
    const dv = new DataView(seg.buffer);
    const sector = dv.getUint32(0, true) + dv.getUint32(4, true) * 0x100000000;
    const count = dv.getUint32(8, true);
    if (count > MAX_DISCARD_SECTORS) return `${op}: ${count} sectors > max ${MAX_DISCARD_SECTORS}`;
    const bad = this.rangeOk(sector, count * SECTOR);
    return bad ?? this.backend.writeZeroes(sector * SECTOR, count * SECTOR, op);
  }
}

/** Descriptors of `segs` holding some of the `len` data bytes that start `skip` bytes in. */
function dataSegs(segs: readonly VirtqSeg[], skip: number, len: number): number {
  let n = 0;
  let at = 0;
  for (const s of segs) {
    const from = Math.max(at, skip);
    const to = Math.min(at + s.len, skip + len);
    if (to > from) n++;
    at += s.len;
  }
  return n;
}
