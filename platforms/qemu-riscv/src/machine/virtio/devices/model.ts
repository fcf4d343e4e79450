// The common part of every virtio device model (virtio 1.2 §2 "Basic Facilities", QEMU hw/virtio/virtio.c):
// features, config space, reset, queues over guest RAM via the split-virtqueue walker, and the
// NEEDS_RESET path for driver bugs. A device subclass is a thin description plus queue handlers.
import type { GuestRam } from '../../../isa/hart';
import type { VirtioDevice, VirtioHost } from '../../virtio-mmio/device';
import {
  DeviceVirtqueue,
  VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_F_RING_EVENT_IDX,
  VIRTIO_F_RING_INDIRECT_DESC,
  VIRTIO_F_RING_RESET,
  VIRTIO_F_VERSION_1,
  type VirtqAddrs,
  VirtqFault,
} from '../queue';

export const bit = (n: number): bigint => 1n << BigInt(n);

/** Ring feature bits QEMU's virtio core adds to every device (REFERENCE §5–6). */
export const COMMON_FEATURES_LEGACY =
  bit(VIRTIO_F_NOTIFY_ON_EMPTY) |
  bit(VIRTIO_F_ANY_LAYOUT) |
  bit(VIRTIO_F_RING_INDIRECT_DESC) |
  bit(VIRTIO_F_RING_EVENT_IDX);
/** ANY_LAYOUT, which legacy virtio-blk withholds (its header must be a separate descriptor in legacy). */
export const ANY_LAYOUT = bit(VIRTIO_F_ANY_LAYOUT);
export const COMMON_FEATURES_MODERN =
  bit(VIRTIO_F_RING_INDIRECT_DESC) |
  bit(VIRTIO_F_RING_EVENT_IDX) |
  bit(VIRTIO_F_VERSION_1) |
  bit(VIRTIO_F_RING_RESET);

export abstract class VirtioDeviceModel implements VirtioDevice {
  /** Virtio device ID (1 net, 2 blk, 4 rng). */
  abstract readonly deviceId: number;
  /** Number of virtqueues (QueueNumMax is 1024 for each, 0 beyond). */
  abstract readonly numQueues: number;
  /** Config space bytes; reads past `configLen` return 0xff. */
  protected readonly config = new Uint8Array(256);
  protected readonly cfg = new DataView(this.config.buffer);
  abstract readonly configLen: number;

  /** Negotiated features (valid after FEATURES_OK / legacy DriverFeatures). */
  features = 0n;
  legacy = true;
  protected host: VirtioHost | null = null;
  protected readonly queues: (DeviceVirtqueue | null)[] = [];
  /** Set once a driver bug was seen; the device ignores its queues until reset. */
  broken: string | null = null;

  /** Device-specific feature bits offered (without the common ring bits). */
  protected abstract deviceFeatures(legacy: boolean): bigint;

  /** All 64 offered feature bits, as QEMU reports them in legacy or modern mode (REFERENCE §6). */
  hostFeatures(legacy: boolean): bigint {
    const common = legacy ? COMMON_FEATURES_LEGACY & ~this.withheldLegacy : COMMON_FEATURES_MODERN;
    return this.deviceFeatures(legacy) | common;
  }

  /** Common legacy bits this device does not offer (QEMU: virtio-blk clears ANY_LAYOUT). */
  protected readonly withheldLegacy: bigint = 0n;

  /** Connects the device to its transport. */
  attach(host: VirtioHost): void {
    this.host = host;
  }

  has(featureBit: number): boolean {
    return (this.features & bit(featureBit)) !== 0n;
  }

  /** Applies the driver's accepted features (masked to what is offered). */
  setFeatures(accepted: bigint, legacy: boolean): void {
    this.legacy = legacy;
    this.features = accepted & this.hostFeatures(legacy);
  }

  /**
   * Reads `size` (1, 2, 4) bytes of config space at `offset`, little-endian. An access reaching
   * past the end reads all ones as a whole (QEMU virtio_config_read*: `addr + size > config_len`).
   */
  readConfig(offset: number, size: 1 | 2 | 4): number {
    if (offset < 0 || offset + size > this.configLen)
      return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const o = offset + i;
      v = v * 256 + (o >= 0 && o < this.configLen ? this.config[o] : 0xff);
    }
    return v >>> 0;
  }

  /** Writes config space; only fields the device declares writable change (default: none). */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    this.configWrite(offset, size, value >>> 0);
  }
  protected configWrite(_offset: number, _size: number, _value: number): void {}

  /**
   * The driver made queue `index` ready at `addrs` (modern QueueReady=1, legacy QueuePFN≠0).
   * A bad placement puts the device in NEEDS_RESET.
   */
  queueReady(index: number, addrs: VirtqAddrs): void {
    if (index < 0 || index >= this.numQueues) return;
    const q = DeviceVirtqueue.create(this.hostRam(), addrs, {
      eventIdx: this.has(VIRTIO_F_RING_EVENT_IDX),
      indirect: this.has(VIRTIO_F_RING_INDIRECT_DESC),
    });
    if (q instanceof VirtqFault) {
      this.queues[index] = null;
      this.fail(`queue ${index}: ${q.reason}`);
      return;
    }
    this.queues[index] = q;
    this.onQueueReady(index);
  }

  /** The driver disabled queue `index` (QueueReady=0). */
  queueDisable(index: number): void {
    if (index >= 0 && index < this.numQueues) this.queues[index] = null;
  }

  /** QueueNotify: the driver has new buffers on `index`. Never throws. */
  notify(index: number): void {
    const q = this.queues[index];
    if (!q || this.broken) return;
    this.onNotify(index, q);
  }

  /** Device reset (Status=0, legacy QueuePFN=0): forget queues, features and errors. */
  reset(): void {
    this.queues.length = 0;
    this.features = 0n;
    this.broken = null;
    this.onReset();
  }

  /** Called once the driver wrote DRIVER_OK. */
  driverOk(): void {}

  /** Host resources (sockets, files) are released. */
  close(): void | Promise<void> {}

  protected onQueueReady(_index: number): void {}
  protected onReset(): void {}
  protected abstract onNotify(index: number, q: DeviceVirtqueue): void;

  /** The VM is stopped (-S): devices that check vm_running leave their queues alone. */
  protected vmStopped(): boolean {
    return this.host?.vmRunning === false;
  }

  protected hostRam(): GuestRam {
    if (!this.host) throw new Error(`virtio device ${this.deviceId} used before attach()`);
    return this.host.ram;
  }

  /** Pushes a used entry and interrupts the driver if the ring asks for it. */
  protected complete(q: DeviceVirtqueue, head: number, len: number): void {
    q.push(head, len);
    if (q.shouldNotify()) this.host?.interrupt(this.queues.indexOf(q));
  }

  /** A driver bug: stop processing until reset and report DEVICE_NEEDS_RESET. */
  protected fail(reason: string): void {
    if (this.broken) return;
    this.broken = reason;
    this.host?.needsReset(reason.startsWith('driver bug') ? reason : `driver bug: ${reason}`);
  }

  /** Pops the next chain, turning a walker fault into NEEDS_RESET. @returns the chain or null. */
  protected pop(q: DeviceVirtqueue) {
    if (this.broken) return null;
    const c = q.pop();
    if (c instanceof VirtqFault) {
      this.fail(c.message);
      return null;
    }
    return c;
  }
}
