// One virtio-mmio transport slot (REFERENCE.md §4; virtio 1.2 §4.2; QEMU hw/virtio/virtio-mmio.c):
// legacy (Version 1, PFN queues) or modern (Version 2) register file, status/reset, InterruptStatus/ACK,
// ConfigGeneration, config space, the IRQ line to the PLIC; an empty slot answers Magic/Version/Vendor.
import type { GuestRam } from '../../isa/hart';
import type { IrqLine } from '../devices/irq';
import type { MmioDevice } from '../mmio';
import { VIRTQUEUE_MAX_SIZE } from '../virtio/queue/constants';
import { legacyLayout } from '../virtio/queue/layout';
import type { VirtioDevice, VirtioHost } from './device';
import * as R from './regs';

const QUEUE_MAX = 1024; // VIRTIO_QUEUE_MAX

interface ProxyQueue {
  num: number;
  desc: [number, number];
  avail: [number, number];
  used: [number, number];
  enabled: number;
}

interface Vring {
  num: number;
  desc: number;
  avail: number;
  used: number;
  align: number;
}

const hi32 = (lo: number, hi: number): number => hi * 2 ** 32 + lo;

export class VirtioMmioTransport implements MmioDevice, VirtioHost {
  readonly name: string;
  readonly size = 0x200;
  readonly validMin = 1;
  readonly validMax = 0;
  device: VirtioDevice | null = null;
  /** The VM's run state, shared by the board's transports (false under -S until the VM starts). */
  runState: { running: boolean } = { running: true };
  /** Queues notified while the VM was stopped, for a device that waits for it. */
  private readonly deferred = new Set<number>();
  status = 0;
  isr = 0;
  generation = 0;
  private queueSel = 0;
  private hostFeaturesSel = 0;
  private guestFeaturesSel = 0;
  private readonly guestFeatures: [number, number] = [0, 0];
  private guestPageShift = 0;
  private readonly proxy = new Map<number, ProxyQueue>();
  private vrings: Vring[] = [];

  constructor(
    readonly slot: number,
    readonly legacy: boolean,
    readonly ram: GuestRam,
    private readonly irq: IrqLine,
    private readonly log: (line: string) => void,
    private readonly beginHostWork: () => () => void = () => () => {},
  ) {
    this.name = `virtio-mmio.${slot}`;
  }

  plug(dev: VirtioDevice): void {
    this.device = dev;
    dev.attach(this);
    this.resetAll();
  }

  // ---- VirtioHost (device → transport) ----

  interrupt(): void {
    this.isr |= 1;
    this.updateIrq();
  }

  hostWork(): () => void {
    return this.beginHostWork();
  }

  configChanged(): void {
    if (!(this.status & R.STATUS_DRIVER_OK)) return;
    // QEMU virtio_notify_config sets ISR 0x3 (both bits), so InterruptStatus reads 3, not 2
    this.isr |= 3;
    this.generation = (this.generation + 1) >>> 0;
    this.updateIrq();
  }

  needsReset(message: string): void {
    this.trace(message);
    if (this.legacy) return; // virtio_error only sets NEEDS_RESET for VERSION_1 devices
    this.status |= R.STATUS_NEEDS_RESET;
    this.configChanged();
  }

  trace(message: string): void {
    this.log(`virtio-mmio.${this.slot}: ${message}`);
  }

  private updateIrq(): void {
    this.irq(this.isr !== 0);
  }

  // ---- reset ----

  /** virtio_reset: device state back to power-on (queues, features, status, ISR). */
  private virtioReset(): void {
    const dev = this.device;
    this.status = 0;
    this.isr = 0;
    this.queueSel = 0;
    // ConfigGeneration is not reset: QEMU's virtio_reset leaves vdev->generation counting
    this.vrings = [];
    if (dev)
      for (let i = 0; i < dev.numQueues; i++)
        this.vrings.push({
          num: dev.queueSizeDefault?.(i) ?? 256,
          desc: 0,
          avail: 0,
          used: 0,
          align: 4096,
        });
    dev?.setFeatures(0n, this.legacy);
    dev?.reset();
    this.updateIrq();
  }

  private softReset(): void {
    if (this.legacy) return;
    for (const q of this.proxy.values()) q.enabled = 0;
  }

  /** Machine reset (virtio_mmio_reset + the device's reset). */
  get vmRunning(): boolean {
    return this.runState.running;
  }

  /** The VM started: notifications that waited are processed now (QEMU's vm state change handlers). */
  vmStarted(): void {
    const dev = this.device;
    for (const q of this.deferred) if (dev && this.vrings[q]?.desc) dev.notify(q);
    this.deferred.clear();
  }

  resetAll(): void {
    this.deferred.clear();
    this.virtioReset();
    this.softReset();
    this.hostFeaturesSel = 0;
    this.guestFeaturesSel = 0;
    this.guestPageShift = 0;
    if (!this.legacy) {
      this.guestFeatures[0] = this.guestFeatures[1] = 0;
      this.proxy.clear();
    }
  }

  private pq(i: number): ProxyQueue {
    let q = this.proxy.get(i);
    if (!q) {
      q = { num: 0, desc: [0, 0], avail: [0, 0], used: [0, 0], enabled: 0 };
      this.proxy.set(i, q);
    }
    return q;
  }

  // ---- register file ----

  read(offset: number, size: number): number {
    const dev = this.device;
    if (!dev) {
      if (offset === R.MAGIC_VALUE) return R.MAGIC;
      if (offset === R.VERSION) return this.legacy ? 1 : 2;
      if (offset === R.VENDOR_ID) return R.VENDOR;
      return 0;
    }
    if (offset >= R.CONFIG) {
      const off = offset - R.CONFIG;
      if (off + size > dev.configLen) return 2 ** (8 * size) - 1;
      return dev.readConfig(off, size as 1 | 2 | 4) >>> 0;
    }
    if (size !== 4) {
      this.trace(`wrong size (${size}) read of register 0x${offset.toString(16)}`);
      return 0;
    }
    return this.readReg(dev, offset) >>> 0;
  }

  private readReg(dev: VirtioDevice, offset: number): number {
    const v = this.vrings[this.queueSel];
    switch (offset) {
      case R.MAGIC_VALUE:
        return R.MAGIC;
      case R.VERSION:
        return this.legacy ? 1 : 2;
      case R.DEVICE_ID:
        return dev.deviceId;
      case R.VENDOR_ID:
        return R.VENDOR;
      case R.DEVICE_FEATURES: {
        const f = dev.hostFeatures(this.legacy);
        if (this.legacy) return this.hostFeaturesSel ? 0 : Number(f & 0xffffffffn);
        return Number((f >> BigInt(32 * this.hostFeaturesSel)) & 0xffffffffn);
      }
      case R.QUEUE_NUM_MAX:
        return v?.num ? VIRTQUEUE_MAX_SIZE : 0;
      case R.QUEUE_PFN:
        if (!this.legacy) return 0;
        return v ? Math.floor(v.desc / 2 ** this.guestPageShift) % 2 ** 32 : 0;
      case R.QUEUE_READY:
        if (this.legacy) return 0;
        return this.proxy.get(this.queueSel)?.enabled ?? 0;
      case R.INTERRUPT_STATUS:
        return this.isr;
      case R.STATUS:
        return this.status;
      case R.CONFIG_GENERATION:
        return this.legacy ? 0 : this.generation;
      case R.SHM_LEN_LOW:
      case R.SHM_LEN_HIGH:
        return 0xffffffff;
      default:
        return 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    const dev = this.device;
    if (!dev) return;
    if (offset >= R.CONFIG) {
      const off = offset - R.CONFIG;
      if (off + size <= dev.configLen) dev.writeConfig(off, size as 1 | 2 | 4, value >>> 0);
      return;
    }
    if (size !== 4) {
      this.trace(`wrong size (${size}) write of register 0x${offset.toString(16)}`);
      return;
    }
    this.writeReg(dev, offset, value >>> 0);
  }

  private writeReg(dev: VirtioDevice, offset: number, value: number): void {
    const sel = this.queueSel;
    switch (offset) {
      case R.DEVICE_FEATURES_SEL:
        this.hostFeaturesSel = value ? 1 : 0;
        return;
      case R.DRIVER_FEATURES:
        if (!this.legacy) this.guestFeatures[this.guestFeaturesSel] = value;
        else if (this.guestFeaturesSel)
          this.trace('legacy DriverFeatures write with DriverFeaturesSel 1 ignored');
        else dev.setFeatures(BigInt(value), true);
        return;
      case R.DRIVER_FEATURES_SEL:
        this.guestFeaturesSel = value ? 1 : 0;
        return;
      case R.GUEST_PAGE_SIZE:
        if (!this.legacy) {
          this.trace('GuestPageSize written in modern mode (ignored)');
          return;
        }
        this.guestPageShift = value === 0 ? 0 : 31 - Math.clz32(value & -value);
        return;
      case R.QUEUE_SEL:
        if (value < QUEUE_MAX) this.queueSel = value;
        return;
      case R.QUEUE_NUM:
        this.setNum(sel, value);
        if (!this.legacy) this.pq(sel).num = value;
        else this.updateRings(dev, sel);
        return;
      case R.QUEUE_ALIGN:
        if (!this.legacy) {
          this.trace('QueueAlign written in modern mode (ignored)');
          return;
        }
        if (this.vrings[sel] && value) {
          this.vrings[sel].align = value;
          this.updateRings(dev, sel);
        }
        return;
      case R.QUEUE_PFN:
        if (!this.legacy) {
          this.trace('QueuePFN written in modern mode (ignored)');
          return;
        }
        if (value === 0) {
          this.virtioReset();
          return;
        }
        if (this.vrings[sel]?.num) {
          this.vrings[sel].desc = value * 2 ** this.guestPageShift;
          this.updateRings(dev, sel);
        }
        return;
      case R.QUEUE_READY:
        if (this.legacy) {
          this.trace('QueueReady written in legacy mode (ignored)');
          return;
        }
        this.setReady(dev, sel, value);
        return;
      case R.QUEUE_NOTIFY:
        if (value >= dev.numQueues || !this.vrings[value]?.desc) return;
        if (dev.pausesWhileStopped && !this.vmRunning) this.deferred.add(value);
        else dev.notify(value);
        return;
      case R.INTERRUPT_ACK:
        this.isr &= ~value;
        this.updateIrq();
        return;
      case R.STATUS:
        this.writeStatus(dev, value);
        return;
      case R.QUEUE_DESC_LOW:
      case R.QUEUE_DESC_HIGH:
      case R.QUEUE_DRIVER_LOW:
      case R.QUEUE_DRIVER_HIGH:
      case R.QUEUE_DEVICE_LOW:
      case R.QUEUE_DEVICE_HIGH: {
        if (this.legacy) {
          this.trace('modern queue address written in legacy mode (ignored)');
          return;
        }
        const q = this.pq(sel);
        const half = (offset & 4) >>> 2;
        if (offset < R.QUEUE_DRIVER_LOW) q.desc[half] = value;
        else if (offset < R.QUEUE_DEVICE_LOW) q.avail[half] = value;
        else q.used[half] = value;
        return;
      }
      default:
        this.trace(`write to read-only or unknown register 0x${offset.toString(16)}`);
    }
  }

  /** virtio_queue_set_num: only for an existing queue, 1..1024. */
  private setNum(sel: number, value: number): void {
    const v = this.vrings[sel];
    if (!v || value === 0 || value > VIRTQUEUE_MAX_SIZE) return;
    v.num = value;
  }

  /** virtio_queue_update_rings (legacy contiguous layout). */
  private updateRings(dev: VirtioDevice, sel: number): void {
    const v = this.vrings[sel];
    if (!v?.num || !v.desc || !v.align) return;
    const addrs = legacyLayout(v.desc, v.num, v.align);
    v.avail = addrs.avail;
    v.used = addrs.used;
    dev.queueReady(sel, addrs);
  }

  private setReady(dev: VirtioDevice, sel: number, value: number): void {
    const q = this.pq(sel);
    if (!value) {
      q.enabled = 0;
      if (sel < dev.numQueues) dev.queueDisable(sel);
      return;
    }
    this.setNum(sel, q.num);
    const v = this.vrings[sel];
    if (v?.num) {
      v.desc = hi32(q.desc[0], q.desc[1]);
      v.avail = hi32(q.avail[0], q.avail[1]);
      v.used = hi32(q.used[0], q.used[1]);
    }
    q.enabled = 1;
    if (v?.num) dev.queueReady(sel, { size: v.num, desc: v.desc, avail: v.avail, used: v.used });
  }

  private writeStatus(dev: VirtioDevice, value: number): void {
    if (!this.legacy && value & R.STATUS_FEATURES_OK)
      dev.setFeatures(
        (BigInt(this.guestFeatures[1]) << 32n) | BigInt(this.guestFeatures[0]),
        false,
      );
    const was = this.status;
    this.status = value & 0xff;
    if (this.status & R.STATUS_DRIVER_OK && !(was & R.STATUS_DRIVER_OK)) dev.driverOk();
    if (this.status === 0) {
      this.virtioReset();
      this.softReset();
    }
  }
}
