// The driver side of one virtio-mmio transport (Linux drivers/virtio/virtio_mmio.c): status,
// feature negotiation for legacy (Version 1) and modern (Version 2), queue setup, notify, ISR, config.
import type { RkPlatDevices } from '@runikraft/rkplat';
import * as R from './regs';
import type { VirtioTransport } from './virtio-dev';

export class VirtioMmio implements VirtioTransport {
  readonly fixedQueueSize = false;
  readonly location: string;
  /** 1 = legacy, 2 = modern. */
  readonly version: number;
  readonly deviceId: number;

  constructor(
    private readonly dev: RkPlatDevices,
    readonly base: number,
    readonly irq: number,
  ) {
    this.version = this.r(R.VIRTIO_MMIO_VERSION);
    this.deviceId = this.r(R.VIRTIO_MMIO_DEVICE_ID);
    this.location = base.toString(16);
  }

  get legacy(): boolean {
    return this.version === 1;
  }

  r(off: number): number {
    return this.dev.read(this.base + off, 4) >>> 0;
  }
  w(off: number, v: number): void {
    this.dev.write(this.base + off, 4, v >>> 0);
  }

  /** True if the slot holds a device (right magic, version 1/2, DeviceID ≠ 0). */
  present(): boolean {
    return (
      this.r(R.VIRTIO_MMIO_MAGIC_VALUE) === R.VIRTIO_MMIO_MAGIC &&
      (this.version === 1 || this.version === 2) &&
      this.deviceId !== 0
    );
  }

  status(): number {
    return this.r(R.VIRTIO_MMIO_STATUS);
  }
  /** Sets status bits (the device sees the accumulated value). */
  addStatus(bits: number): void {
    this.w(R.VIRTIO_MMIO_STATUS, this.status() | bits);
  }
  reset(): void {
    this.w(R.VIRTIO_MMIO_STATUS, 0);
  }

  /** The device's 64 feature bits (legacy: the low 32 only). */
  deviceFeatures(): bigint {
    this.w(R.VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    const lo = this.r(R.VIRTIO_MMIO_DEVICE_FEATURES);
    if (this.legacy) return BigInt(lo);
    this.w(R.VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    const hi = this.r(R.VIRTIO_MMIO_DEVICE_FEATURES);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * Negotiates as Linux's virtio_dev_probe does: driver ∩ device (+VERSION_1 required in modern),
   * then FEATURES_OK read back. @returns the accepted features, or null when the device refused.
   */
  negotiate(wanted: bigint): bigint | null {
    const dev = this.deviceFeatures();
    let f = wanted & dev;
    if (!this.legacy) {
      if (!(dev & (1n << BigInt(R.VIRTIO_F_VERSION_1)))) return null;
      f |= 1n << BigInt(R.VIRTIO_F_VERSION_1);
    } else f &= 0xffffffffn;
    this.w(R.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    this.w(R.VIRTIO_MMIO_DRIVER_FEATURES, Number(f & 0xffffffffn));
    if (!this.legacy) {
      this.w(R.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
      this.w(R.VIRTIO_MMIO_DRIVER_FEATURES, Number(f >> 32n));
      this.addStatus(R.VIRTIO_CONFIG_S_FEATURES_OK);
      if (!(this.status() & R.VIRTIO_CONFIG_S_FEATURES_OK)) return null;
    } else this.w(R.VIRTIO_MMIO_GUEST_PAGE_SIZE, R.VIRTIO_LEGACY_PAGE);
    return f;
  }

  /** QueueNumMax of queue `i` (0 = absent). */
  queueMax(i: number): number {
    this.w(R.VIRTIO_MMIO_QUEUE_SEL, i);
    return this.r(R.VIRTIO_MMIO_QUEUE_NUM_MAX);
  }

  /** Hands queue `i` to the device: legacy via QueuePFN of the contiguous area, modern via the three addresses. */
  setupQueue(i: number, size: number, desc: number, avail: number, used: number): boolean {
    this.w(R.VIRTIO_MMIO_QUEUE_SEL, i);
    this.w(R.VIRTIO_MMIO_QUEUE_NUM, size);
    if (this.legacy) {
      this.w(R.VIRTIO_MMIO_QUEUE_ALIGN, R.VIRTIO_LEGACY_PAGE);
      this.w(R.VIRTIO_MMIO_QUEUE_PFN, Math.floor(desc / R.VIRTIO_LEGACY_PAGE));
      return true;
    }
    const hi = (a: number) => Math.floor(a / 0x100000000);
    this.w(R.VIRTIO_MMIO_QUEUE_DESC_LOW, desc >>> 0);
    this.w(R.VIRTIO_MMIO_QUEUE_DESC_HIGH, hi(desc));
    this.w(R.VIRTIO_MMIO_QUEUE_AVAIL_LOW, avail >>> 0);
    this.w(R.VIRTIO_MMIO_QUEUE_AVAIL_HIGH, hi(avail));
    this.w(R.VIRTIO_MMIO_QUEUE_USED_LOW, used >>> 0);
    this.w(R.VIRTIO_MMIO_QUEUE_USED_HIGH, hi(used));
    this.w(R.VIRTIO_MMIO_QUEUE_READY, 1);
    return true;
  }

  notify(i: number): void {
    this.w(R.VIRTIO_MMIO_QUEUE_NOTIFY, i);
  }

  /** Reads and acknowledges InterruptStatus. @returns the bits that were set. */
  ackInterrupt(): number {
    const isr = this.r(R.VIRTIO_MMIO_INTERRUPT_STATUS);
    if (isr) this.w(R.VIRTIO_MMIO_INTERRUPT_ACK, isr);
    return isr;
  }

  /** Reads a config field (1/2/4 bytes, little-endian). */
  config(off: number, width: 1 | 2 | 4): number {
    return this.dev.read(this.base + R.VIRTIO_MMIO_CONFIG + off, width) >>> 0;
  }
}
