// The driver side of a split virtqueue in guest RAM (virtio 1.2 §2.7.13, Linux virtio_ring.c):
// descriptor free list, avail publishing, used reaping, EVENT_IDX / flag-based suppression.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import {
  VIRTIO_LEGACY_PAGE,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_USED_F_NO_NOTIFY,
} from './regs';

/** One buffer of a request: `len` bytes at guest-physical `pa`; `write` = device writes it. */
export interface VringSeg {
  pa: number;
  len: number;
  write: boolean;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Bytes of the legacy contiguous layout for `n` entries (also used in modern mode). */
export function vringBytes(n: number): number {
  return alignUp(16 * n + 6 + 2 * n, VIRTIO_LEGACY_PAGE) + alignUp(6 + 8 * n, VIRTIO_LEGACY_PAGE);
}

export class Vring<T> {
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  private readonly v: DataView;
  private readonly off: number;
  private freeHead = 0;
  numFree: number;
  private readonly tokens: (T | undefined)[];
  private readonly chainLen: Uint16Array;
  /** Device-writable bytes of the chain at each head: a used.len beyond it is clamped. */
  private readonly writeBytes: Float64Array;
  /** Used entries skipped because their id named no chain in flight (a device bug). */
  badIds = 0;
  /** Used entries whose len exceeded the chain's writable bytes (clamped). */
  badLens = 0;
  private availIdx = 0;
  private kickedIdx = 0;
  private lastUsed = 0;
  private intrOn = true;

  /** Lays out a ring of `size` (power of two) entries at page-aligned `pa` (vringBytes(size) bytes, zeroed here). */
  constructor(
    phys: RkPhysMem,
    pa: number,
    readonly size: number,
    private readonly eventIdx: boolean,
  ) {
    this.desc = pa;
    this.avail = pa + 16 * size;
    this.used = pa + alignUp(16 * size + 6 + 2 * size, VIRTIO_LEGACY_PAGE);
    this.v = phys.view;
    this.off = -phys.base;
    phys.u8.fill(0, pa - phys.base, pa - phys.base + vringBytes(size));
    for (let i = 0; i < size; i++)
      this.v.setUint16(this.desc + this.off + 16 * i + 14, (i + 1) % size, true);
    this.numFree = size;
    this.tokens = new Array(size);
    this.chainLen = new Uint16Array(size);
    this.writeBytes = new Float64Array(size);
  }

  /**
   * Queues one request (readable segments first). @returns 0, -ENOSPC when too few descriptors are
   * free, -EINVAL for an empty or misordered request.
   */
  add(segs: readonly VringSeg[], token: T): number {
    const n = segs.length;
    if (n === 0) return -Errno.EINVAL;
    if (n > this.numFree) return -Errno.ENOSPC;
    const head = this.freeHead;
    let i = head;

    let sawWrite = false;
    for (const s of segs) {
      if (!s.write && sawWrite) return -Errno.EINVAL;
      sawWrite ||= s.write;
    }
    let writable = 0;
    for (let k = 0; k < n; k++) {
      const s = segs[k];
      if (s.write) writable += s.len;
      const d = this.desc + this.off + 16 * i;
      this.v.setUint32(d, s.pa >>> 0, true);
      this.v.setUint32(d + 4, Math.floor(s.pa / 0x100000000), true);
      this.v.setUint32(d + 8, s.len, true);
      this.v.setUint16(
        d + 12,
        (s.write ? VIRTQ_DESC_F_WRITE : 0) | (k < n - 1 ? VIRTQ_DESC_F_NEXT : 0),
        true,
      );

      i = this.v.getUint16(d + 14, true);
    }
    this.freeHead = i;
    this.numFree -= n;
    this.tokens[head] = token;
    this.chainLen[head] = n;
    this.writeBytes[head] = writable;

    const a = this.avail + this.off;
    this.v.setUint16(a + 4 + 2 * (this.availIdx % this.size), head, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.v.setUint16(a + 2, this.availIdx, true);
    return 0;
  }

  /** Whether the device wants a QueueNotify for what was added since the last kick (vring_need_event). */
  kickPrepare(): boolean {
    const old = this.kickedIdx;
    const now = this.availIdx;
    this.kickedIdx = now;
    if (old === now) return false;
    if (this.eventIdx) {
      const ev = this.v.getUint16(this.used + this.off + 4 + 8 * this.size, true);
      return ((now - ev - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (this.v.getUint16(this.used + this.off, true) & VIRTQ_USED_F_NO_NOTIFY) === 0;
  }

  /** True when the device has completed requests the driver has not reaped. */
  hasUsed(): boolean {
    return this.v.getUint16(this.used + this.off + 2, true) !== this.lastUsed;
  }

  /**
   * Reaps one completion. A used entry whose id names no chain in flight is skipped and counted in
   * `badIds`; a len beyond the chain's device-writable bytes is clamped to them and counted in
   * `badLens` (the device is not trusted with the driver's memory). @returns {token, len}, or null
   * when nothing valid is left to reap.
   */
  getUsed(): { token: T; len: number } | null {
    while (this.hasUsed()) {
      const e = this.used + this.off + 4 + 8 * (this.lastUsed % this.size);
      const id = this.v.getUint32(e, true);
      let len = this.v.getUint32(e + 4, true);
      this.lastUsed = (this.lastUsed + 1) & 0xffff;
      const token = id < this.size ? this.tokens[id] : undefined;
      if (token === undefined) {
        this.badIds++;
        continue;
      }
      if (len > this.writeBytes[id]) {
        this.badLens++;
        len = this.writeBytes[id];
      }
      this.release(id);
      return { token, len };
    }
    return null;
  }

  /** Puts chain `id` back on the free list and moves used_event along. */
  private release(id: number): void {
    this.tokens[id] = undefined;
    let tail = id;
    for (let k = 1; k < this.chainLen[id]; k++)
      tail = this.v.getUint16(this.desc + this.off + 16 * tail + 14, true);
    this.v.setUint16(this.desc + this.off + 16 * tail + 14, this.freeHead, true);
    this.freeHead = id;
    this.numFree += this.chainLen[id];
    // as Linux: move used_event along only while callbacks are wanted
    if (this.eventIdx && this.intrOn)
      this.v.setUint16(this.avail + this.off + 4 + 2 * this.size, this.lastUsed, true);
  }

  /** Asks for interrupts again. @returns true if completions arrived meanwhile (caller must reap). */
  enableInterrupts(): boolean {
    this.intrOn = true;
    if (this.eventIdx)
      this.v.setUint16(this.avail + this.off + 4 + 2 * this.size, this.lastUsed, true);
    else {
      const a = this.avail + this.off;
      this.v.setUint16(a, this.v.getUint16(a, true) & ~VIRTQ_AVAIL_F_NO_INTERRUPT, true);
    }
    return this.hasUsed();
  }

  /** Suppresses interrupts (best effort with EVENT_IDX: moves used_event far behind). */
  disableInterrupts(): void {
    this.intrOn = false;
    if (this.eventIdx)
      this.v.setUint16(
        this.avail + this.off + 4 + 2 * this.size,
        (this.lastUsed - 1) & 0xffff,
        true,
      );
    else {
      const a = this.avail + this.off;
      this.v.setUint16(a, this.v.getUint16(a, true) | VIRTQ_AVAIL_F_NO_INTERRUPT, true);
    }
  }
}
