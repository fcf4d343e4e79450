// virtio-blk driver (virtio 1.2 §5.2, Unikraft plat/drivers/virtio/virtio_blk.c): header / data /
// status chains, interrupt-driven completion into the rkblkdev front end.
import { Errno } from '@runikraft/errno';
import type { RkBlkdevInfo, RkBlkreq } from '@runikraft/rkblkdev';
import {
  blkreqSegs,
  type RkBlkdevDriverHandle,
  type RkBlkdevOps,
} from '@runikraft/rkblkdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { VirtioTransport } from './virtio-dev';
import type { Vring } from './vring';
import type { DriverWaiter } from './waiter';

export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_FLUSH = 9;
const T_IN = 0;
const T_OUT = 1;
const T_FLUSH = 4;

/** Per-request slot in DMA memory: 16-byte header + 1 status byte, 32 bytes apart. */
const SLOT = 32;

export class VirtioBlkDriver implements RkBlkdevOps {
  private handle: RkBlkdevDriverHandle | null = null;
  private readonly freeSlots: number[] = [];
  private readonly inflight = new Map<number, RkBlkreq>();
  private readonly info_: RkBlkdevInfo;

  constructor(
    private readonly t: VirtioTransport,
    private readonly phys: RkPhysMem,
    private readonly vq: Vring<number>,
    private readonly slotsPa: number,
    private readonly waiter: DriverWaiter,
    features: bigint,
  ) {
    const has = (b: number) => (features & (1n << BigInt(b))) !== 0n;
    const blkSize = has(VIRTIO_BLK_F_BLK_SIZE) ? t.config(0x14, 4) : 512;
    const sectorSize = [512, 1024, 2048, 4096].includes(blkSize) ? blkSize : 512;
    const cap512 = t.config(0, 4) + t.config(4, 4) * 0x100000000;
    const depth = Math.floor(vq.size / 3);
    // Linux virtblk_probe: seg_max when offered (else 1), and no more than the ring holds with
    // the header and status descriptors (no indirect descriptors here)
    const segMax = has(VIRTIO_BLK_F_SEG_MAX) ? t.config(0x0c, 4) : 1;
    const maxSegments = Math.max(1, Math.min(segMax || 1, vq.size - 2));
    for (let i = depth - 1; i >= 0; i--) this.freeSlots.push(i);
    this.info_ = {
      sectorSize,
      sectors: Math.floor((cap512 * 512) / sectorSize),
      readOnly: has(VIRTIO_BLK_F_RO),
      maxQueueDepth: depth,
      maxSectorsPerReq: Math.max(1, Math.floor((4 << 20) / sectorSize)),
      maxSegments,
      flush: has(VIRTIO_BLK_F_FLUSH),
    };
  }

  /** Slots of DMA memory the driver needs for a ring of `size`. */
  static slotBytes(size: number): number {
    return Math.floor(size / 3) * SLOT;
  }

  attach(handle: RkBlkdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkBlkdevInfo {
    return this.info_;
  }

  start(req: RkBlkreq): number {
    const slot = this.freeSlots.pop();
    if (slot === undefined) return -Errno.EBUSY;
    const hdr = this.slotsPa + slot * SLOT;
    const o = hdr - this.phys.base;
    const v = this.phys.view;
    const type = req.op === 'read' ? T_IN : req.op === 'write' ? T_OUT : T_FLUSH;
    const sector512 = (req.sector * this.info_.sectorSize) / 512;
    v.setUint32(o, type, true);
    v.setUint32(o + 4, 0, true);
    v.setUint32(o + 8, sector512 >>> 0, true);
    v.setUint32(o + 12, Math.floor(sector512 / 0x100000000), true);
    this.phys.u8[o + 16] = 0xff;
    const segs = [{ pa: hdr, len: 16, write: false }];
    if (type !== T_FLUSH)
      for (const s of blkreqSegs(req, this.info_.sectorSize))
        segs.push({ pa: s.pa, len: s.bytes, write: type === T_IN });
    segs.push({ pa: hdr + 16, len: 1, write: true });
    const r = this.vq.add(segs, slot);
    if (r < 0) {
      this.freeSlots.push(slot);
      return r === -Errno.ENOSPC ? -Errno.EBUSY : r;
    }
    this.inflight.set(slot, req);
    if (this.vq.kickPrepare()) this.t.notify(0);
    return 0;
  }

  /** Reaps completions (IRQ handler and polling). @returns how many completed. */
  poll(): number {
    let n = 0;
    for (let u = this.vq.getUsed(); u; u = this.vq.getUsed()) {
      const slot = u.token;
      const req = this.inflight.get(slot);
      if (!req) continue;
      this.inflight.delete(slot);
      const status = this.phys.u8[this.slotsPa + slot * SLOT + 16 - this.phys.base];
      this.freeSlots.push(slot);
      const result = status === 0 ? 0 : status === 2 ? -Errno.EOPNOTSUPP : -Errno.EIO;
      this.handle?.complete(req, result);
      n++;
    }
    return n;
  }

  onInterrupt(): void {
    if (this.poll() > 0) this.waiter.wake();
  }

  wait(): Promise<void> {
    return this.waiter.once();
  }
}
