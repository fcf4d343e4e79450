// The device side of one split virtqueue over guest RAM (virtio 1.2 §2.7.6–§2.7.10, QEMU
// virtqueue_pop/virtqueue_push/virtio_should_notify): pops validated chains, pushes used entries,
// decides notifications with or without EVENT_IDX. Never throws on guest data.
import type { GuestRam } from '../../../isa/hart';
import { type VirtqChain, VirtqFault, walkChain } from './chain';
import { VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY, vringNeedEvent } from './constants';
import { checkLayout, type VirtqAddrs } from './layout';

export interface VirtqFeatures {
  readonly eventIdx: boolean;
  readonly indirect: boolean;
}

export class DeviceVirtqueue {
  /** Next available-ring slot the device will consume (free-running u16). */
  lastAvail = 0;
  /** The device's used index (free-running u16). */
  usedIdx = 0;
  /** Used index at the last notification decision. */
  private signalledUsed = 0;
  /** False until the first decision (and after a used-index wrap): QEMU then always notifies. */
  private signalledValid = false;
  /** Whether the driver is asked to notify (QEMU vq->notification); avail_event moves only then. */
  private notification = true;

  private constructor(
    private readonly ram: GuestRam,
    readonly addrs: VirtqAddrs,
    private readonly feat: VirtqFeatures,
  ) {}

  /** Creates a queue after checking its layout. @returns the queue or the fault to report. */
  static create(
    ram: GuestRam,
    addrs: VirtqAddrs,
    feat: VirtqFeatures,
  ): DeviceVirtqueue | VirtqFault {
    const bad = checkLayout(ram, addrs);
    if (bad) return new VirtqFault(bad);
    return new DeviceVirtqueue(ram, addrs, feat);
  }

  get size(): number {
    return this.addrs.size;
  }

  private u16(pa: number): number {
    return this.ram.view.getUint16(pa - this.ram.base, true);
  }
  private setU16(pa: number, v: number): void {
    this.ram.view.setUint16(pa - this.ram.base, v & 0xffff, true);
  }

  /** The driver's avail.idx. */
  availIdx(): number {
    return this.u16(this.addrs.avail + 2);
  }

  /** Chains the driver made available and the device has not popped. */
  pending(): number | VirtqFault {
    const n = (this.availIdx() - this.lastAvail) & 0xffff;
    if (n > this.size)
      return new VirtqFault(
        `avail.idx moved ${n} entries ahead of the device, more than queue size ${this.size}`,
      );
    return n;
  }

  /**
   * Pops the next available chain. @returns the chain, null when the ring is empty, or a fault
   * (the caller puts the device in DEVICE_NEEDS_RESET).
   */
  pop(): VirtqChain | VirtqFault | null {
    const n = this.pending();
    if (n instanceof VirtqFault) return n;
    if (n === 0) return null;
    const head = this.u16(this.addrs.avail + 4 + 2 * (this.lastAvail % this.size));
    const chain = walkChain(this.ram, this.addrs.desc, this.size, head, this.feat.indirect);
    if (chain instanceof VirtqFault) return chain;
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (this.feat.eventIdx && this.notification)
      this.setU16(this.addrs.used + 4 + 8 * this.size, this.lastAvail);
    return chain;
  }

  /**
   * Device-writable and device-readable bytes of every chain the driver made available and the
   * device has not popped (QEMU virtqueue_get_avail_bytes), walking at most until `maxIn` writable
   * bytes are found. @returns the totals, or the fault of the first bad chain.
   */
  availBytes(maxIn = Number.POSITIVE_INFINITY): { in: number; out: number } | VirtqFault {
    const n = this.pending();
    if (n instanceof VirtqFault) return n;
    const sum = { in: 0, out: 0 };
    for (let k = 0; k < n && sum.in < maxIn; k++) {
      const head = this.u16(this.addrs.avail + 4 + 2 * ((this.lastAvail + k) % this.size));
      const c = walkChain(this.ram, this.addrs.desc, this.size, head, this.feat.indirect);
      if (c instanceof VirtqFault) return c;
      sum.in += c.writeLen;
      sum.out += c.readLen;
    }
    return sum;
  }

  /** Gives back the last `n` popped chains unconsumed (QEMU virtqueue_unpop), e.g. when a frame does not fit. */
  unpop(n: number): void {
    this.lastAvail = (this.lastAvail - n) & 0xffff;
  }

  /** Publishes a completed chain: used.ring[idx] = {head, len}, then used.idx++. */
  push(head: number, len: number): void {
    const slot = this.addrs.used + 4 + 8 * (this.usedIdx % this.size) - this.ram.base;
    this.ram.view.setUint32(slot, head, true);
    this.ram.view.setUint32(slot + 4, len >>> 0, true);
    const old = this.usedIdx;
    this.usedIdx = (old + 1) & 0xffff;
    this.setU16(this.addrs.used + 2, this.usedIdx);
    // QEMU virtqueue_split_flush: the window since the last signal wrapped, so it is no longer valid
    if (((this.usedIdx - this.signalledUsed) << 16) >> 16 < ((this.usedIdx - old) & 0xffff))
      this.signalledValid = false;
  }

  /**
   * Whether to interrupt the driver for the entries pushed since the last call (QEMU
   * virtio_split_should_notify; callers push first). Without EVENT_IDX: unless avail.flags has
   * NO_INTERRUPT. With it: the first decision always notifies, later ones per `vring_need_event`
   * on used_event. Consumes the "pushed since" window.
   */
  shouldNotify(): boolean {
    if (!this.feat.eventIdx) return (this.u16(this.addrs.avail) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    const valid = this.signalledValid;
    this.signalledValid = true;
    const old = this.signalledUsed;
    const now = this.usedIdx;
    this.signalledUsed = now;
    const usedEvent = this.u16(this.addrs.avail + 4 + 2 * this.size);
    return !valid || vringNeedEvent(usedEvent, now, old);
  }

  /**
   * Asks the driver to notify (or not) on new buffers (QEMU virtio_queue_set_notification):
   * VIRTQ_USED_F_NO_NOTIFY in used.flags; with EVENT_IDX, enabling sets avail_event = avail.idx and
   * disabling leaves it (and stops pop() moving it), as QEMU's vring_set_avail_event does.
   */
  setNotification(enable: boolean): void {
    this.notification = enable;
    if (this.feat.eventIdx) {
      if (enable) this.setU16(this.addrs.used + 4 + 8 * this.size, this.availIdx());
      return;
    }
    const flags = this.u16(this.addrs.used);
    this.setU16(
      this.addrs.used,
      enable ? flags & ~VIRTQ_USED_F_NO_NOTIFY : flags | VIRTQ_USED_F_NO_NOTIFY,
    );
  }
}
