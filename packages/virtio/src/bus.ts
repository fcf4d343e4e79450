// The virtio bus (Linux virtio_dev_probe; Unikraft virtio_bus.c): binds the net/blk/rng/9p drivers to a
// device on any transport; and the virtio-mmio probe (Linux virtio_mmio.c), which finds the slots in
// the device tree and skips empty ones. virtio-pci devices arrive through rkpci (pci-bus.ts).

import { Errno } from '@runikraft/errno';
import { p9TransportRegistry, type RkP9TransportReq } from '@runikraft/rk9p';
import type { RkBlkdev } from '@runikraft/rkblkdev';
import { blkdevRegistry } from '@runikraft/rkblkdev/driver';
import type { RkNetbuf, RkNetdev } from '@runikraft/rknetdev';
import { netdevRegistry } from '@runikraft/rknetdev/driver';
import type { RkPlat } from '@runikraft/rkplat';
import {
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VirtioBlkDriver,
} from './blk';
import { type DmaAllocator, dmaAlloc } from './dma';
import { VIRTIO_NET_F_MAC, VIRTIO_NET_F_MTU, VIRTIO_NET_F_STATUS, VirtioNetDriver } from './net';
import { readMountTag, VIRTIO_9P_MOUNT_TAG, VirtioP9Driver, VirtioP9Transport } from './p9';
import * as R from './regs';
import { VirtioRngDriver } from './rng';
import { VirtioMmio } from './transport';
import { VIRTIO_ISR_CONFIG, VIRTIO_ISR_VQ, type VirtioTransport } from './virtio-dev';
import { Vring, vringBytes } from './vring';
import { DriverWaiter, type RkSchedLike } from './waiter';

export interface VirtioBusDevice {
  readonly transport: 'mmio' | 'pci';
  /** MMIO: the slot's base; PCI: the CPU address of the common configuration (modern) or BAR0 (legacy). */
  readonly base: number;
  /** "10008000" for a virtio-mmio slot, "0000:00:01.0" for a PCI function. */
  readonly location: string;
  readonly irq: number;
  readonly deviceId: number;
  readonly version: number;
  readonly features: bigint;
  /** Guest nanoseconds spent initialising this device. */
  readonly initNs: number;
  readonly netdev?: RkNetdev;
  readonly blkdev?: RkBlkdev;
  readonly rng?: VirtioRngDriver;
  /** A virtio-9p device, reachable through rk9p's "virtio" transport by its mount tag. */
  readonly p9?: VirtioP9Driver;
  /** Why the device was not bound, if it was not. */
  readonly error?: string;
}

export interface VirtioBusOptions {
  readonly plat: RkPlat;
  readonly dma: DmaAllocator;
  readonly registry: Parameters<typeof netdevRegistry>[0] &
    Parameters<typeof blkdevRegistry>[0] &
    Parameters<typeof p9TransportRegistry>[0];
  /** The scheduler, looked up when a caller parks (it may register after the bus probes). */
  readonly sched?: () => RkSchedLike | undefined;
  /** Ring size to ask for (capped by QueueNumMax); default 256. */
  readonly queueSize?: number;
}

const bit = (n: number) => 1n << BigInt(n);
const RING = bit(R.VIRTIO_F_RING_EVENT_IDX);

/** Probes every `virtio,mmio` node. @returns one entry per populated slot, in device-tree order. */
export function probeVirtioMmio(o: VirtioBusOptions): VirtioBusDevice[] {
  const out: VirtioBusDevice[] = [];
  for (const node of o.plat.devices.find('virtio,mmio')) {
    const reg = node.reg[0];
    if (!reg) continue;
    const irq = node.interrupts[0];
    const t = new VirtioMmio(o.plat.devices, reg.addr, irq ?? -1);
    if (!t.present()) continue;
    const t0 = o.plat.time.monotonicNs();
    // Linux's virtio_mmio probe fails without an IRQ; binding anyway would park I/O forever
    const r =
      irq === undefined || !Number.isSafeInteger(irq) || irq <= 0
        ? {
            features: 0n,
            error: `${node.path}: no usable interrupt specifier (interrupts = [${node.interrupts.join(', ')}])`,
          }
        : bindVirtio(o, t);
    out.push({
      transport: 'mmio',
      base: reg.addr,
      location: t.location,
      irq: t.irq,
      deviceId: t.deviceId,
      version: t.version,
      initNs: o.plat.time.monotonicNs() - t0,
      ...r,
    });
  }
  return out;
}

/** What binding adds to a device's entry. */
export type VirtioBinding = Omit<
  VirtioBusDevice,
  'transport' | 'base' | 'location' | 'irq' | 'deviceId' | 'version' | 'initNs'
>;

/**
 * Resets the device, negotiates, registers its interrupt handler, sets up its queues and registers it
 * with rknetdev / rkblkdev / rk9p (or returns the rng driver). @returns the binding, `error` if refused.
 */
export function bindVirtio(o: VirtioBusOptions, t: VirtioTransport): VirtioBinding {
  const phys = o.plat.memory.phys;
  const wanted: Record<number, bigint> = {
    [R.VIRTIO_ID_NET]:
      bit(VIRTIO_NET_F_MAC) | bit(VIRTIO_NET_F_STATUS) | bit(VIRTIO_NET_F_MTU) | RING,
    [R.VIRTIO_ID_BLOCK]:
      bit(VIRTIO_BLK_F_RO) |
      bit(VIRTIO_BLK_F_BLK_SIZE) |
      bit(VIRTIO_BLK_F_FLUSH) |
      bit(VIRTIO_BLK_F_SEG_MAX) |
      RING,
    [R.VIRTIO_ID_RNG]: RING,
    [R.VIRTIO_ID_9P]: bit(VIRTIO_9P_MOUNT_TAG) | RING,
  };
  if (!(t.deviceId in wanted))
    return { features: 0n, error: `no driver for virtio device ${t.deviceId}` };
  t.reset();
  t.addStatus(R.VIRTIO_CONFIG_S_ACKNOWLEDGE);
  t.addStatus(R.VIRTIO_CONFIG_S_DRIVER);
  const features = t.negotiate(wanted[t.deviceId]);
  let onIrq: () => void = () => {};
  const waiter = new DriverWaiter(o.plat, o.sched ?? (() => undefined));
  const handler = () => {
    const isr = t.ackInterrupt();
    if (isr & VIRTIO_ISR_VQ) onIrq();
    if (isr & VIRTIO_ISR_CONFIG) waiter.wake();
    return isr !== 0;
  };
  let registered = false;
  const failed = (error: string) => {
    if (registered) o.plat.irq.unregister(t.irq, handler);
    t.addStatus(R.VIRTIO_CONFIG_S_FAILED);
    return { features: features ?? 0n, error };
  };
  if (features === null)
    return failed('the device refused FEATURES_OK (or lacks VERSION_1 in modern mode)');
  const rc = o.plat.irq.register(t.irq, handler);
  if (rc < 0) return failed(`cannot register a handler for IRQ ${t.irq} (${rc})`);
  registered = true;
  const eventIdx = (features & RING) !== 0n;
  const makeRing = <T>(q: number, want: number): Vring<T> | number => {
    const max = t.queueMax(q);
    if (max === 0) return -Errno.ENODEV; // queue absent
    let size = 1;
    while (size * 2 <= Math.min(max, want, o.queueSize ?? 256)) size *= 2;
    // legacy virtio-pci: QueueNum is read-only, the ring must have the device's size
    if (t.fixedQueueSize) size = max;
    if (size & (size - 1)) return -Errno.EINVAL; // split rings index modulo a power of two
    const pa = dmaAlloc(o.dma, vringBytes(size));
    if (pa < 0) return pa;
    const ring = new Vring<T>(phys, pa, size, eventIdx);
    // the ring's memory stays allocated: the device may have seen its addresses (as Linux, no reuse)
    if (!t.setupQueue(q, size, ring.desc, ring.avail, ring.used)) return -Errno.EIO;
    return ring;
  };
  let result: VirtioBinding;
  if (t.deviceId === R.VIRTIO_ID_9P) {
    // Linux p9_virtio_probe: without the mount tag feature a device cannot be named
    const tag = features & bit(VIRTIO_9P_MOUNT_TAG) ? readMountTag(t) : null;
    if (tag === null) return failed('virtio-9p without a usable mount tag');
    const ring = makeRing<RkP9TransportReq>(0, o.queueSize ?? 128);
    if (typeof ring === 'number') return failed(`cannot set up queue 0: ${ring}`);
    const drv = new VirtioP9Driver(tag, t, phys, ring, o.dma, waiter);
    onIrq = () => drv.onInterrupt();
    virtioP9Transport(o.registry).add(drv);
    t.addStatus(R.VIRTIO_CONFIG_S_DRIVER_OK);
    return { features, p9: drv };
  }
  if (t.deviceId === R.VIRTIO_ID_NET) {
    const drv = new VirtioNetDriver(t, phys, features, (q, n) => makeRing<RkNetbuf>(q, n));
    const { dev, handle } = netdevRegistry(o.registry).register(
      `virtio-net@${t.location}`,
      phys,
      drv,
    );
    drv.attach(handle);
    onIrq = () => drv.onInterrupt();
    result = { features, netdev: dev };
  } else {
    const ring = makeRing<number>(0, o.queueSize ?? 256);
    if (typeof ring === 'number') return failed(`cannot set up queue 0: ${ring}`);
    if (t.deviceId === R.VIRTIO_ID_BLOCK) {
      const slots = dmaAlloc(o.dma, Math.max(32, VirtioBlkDriver.slotBytes(ring.size)), 32);
      if (slots < 0) return failed('out of DMA memory for request headers');
      const drv = new VirtioBlkDriver(t, phys, ring, slots, waiter, features);
      const { dev, handle } = blkdevRegistry(o.registry).register(
        `virtio-blk@${t.location}`,
        phys,
        drv,
      );
      drv.attach(handle);
      onIrq = () => drv.onInterrupt();
      result = { features, blkdev: dev };
    } else {
      const buf = dmaAlloc(o.dma, 64, 64);
      if (buf < 0) return failed('out of DMA memory for the entropy buffer');
      const drv = new VirtioRngDriver(t, phys, ring, buf, waiter);
      onIrq = () => drv.onInterrupt();
      result = { features, rng: drv };
    }
    t.addStatus(R.VIRTIO_CONFIG_S_DRIVER_OK);
  }
  return result;
}

/** The one "virtio" transport in rk9p's registry, created and registered on first use. */
function virtioP9Transport(registry: VirtioBusOptions['registry']): VirtioP9Transport {
  const reg = p9TransportRegistry(registry);
  const t = reg.byName('virtio');
  if (t instanceof VirtioP9Transport) return t;
  const created = new VirtioP9Transport();
  reg.register(created);
  return created;
}
