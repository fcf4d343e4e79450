// Drives a device model without a transport: fake host (records interrupts, NEEDS_RESET), rings
// built by hand in a guarded RAM, features negotiated as a driver would.

import type { VirtioDeviceModel } from '../../src/machine/virtio/devices/model';
import type { VirtioHost } from '../../src/machine/virtio-mmio/device';
import { guardedRam, RAM_BASE, TestRing } from './guest-ram';

export class FakeHost implements VirtioHost {
  interrupts = 0;
  configChanges = 0;
  resets: string[] = [];
  traces: string[] = [];
  /** Host work begun and not yet released. */
  hostWorkHeld = 0;
  constructor(readonly ram = guardedRam(1 << 20)) {}
  interrupt(): void {
    this.interrupts++;
  }
  configChanged(): void {
    this.configChanges++;
  }
  needsReset(m: string): void {
    this.resets.push(m);
  }
  trace(m: string): void {
    this.traces.push(m);
  }
  hostWork(): () => void {
    this.hostWorkHeld++;
    let done = false;
    return () => {
      if (!done) this.hostWorkHeld--;
      done = true;
    };
  }
}

export const QSIZE = 16;
/** Queue i lives at RAM_BASE + 0x10000*(i+1): desc +0, avail +0x1000, used +0x2000. Buffers from +0x80000. */
export function ringAddrs(i: number) {
  const b = RAM_BASE + 0x10000 * (i + 1);
  return { size: QSIZE, desc: b, avail: b + 0x1000, used: b + 0x2000 };
}
export const BUFS = RAM_BASE + 0x80000;

export function bringUp<D extends VirtioDeviceModel>(
  dev: D,
  opts: { legacy?: boolean; features?: bigint } = {},
) {
  const host = new FakeHost();
  dev.attach(host);
  const legacy = opts.legacy ?? false;
  dev.setFeatures(opts.features ?? dev.hostFeatures(legacy), legacy);
  const rings: TestRing[] = [];
  for (let i = 0; i < dev.numQueues; i++) {
    const a = ringAddrs(i);
    dev.queueReady(i, a);
    rings.push(new TestRing(host.ram, QSIZE, a.desc, a.avail, a.used));
  }
  dev.driverOk();
  return { host, rings, ram: host.ram };
}
