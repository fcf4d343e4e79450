// The driver registry: matching, binding in either order, enabling decode and bus mastering, refusal.

import { Errno } from '@runikraft/errno';
import { createRegistry } from '@runikraft/rkboot';
import { describe, expect, it } from 'vitest';
import type { RkPciDevice, RkPciDriver } from '../src/api';
import { pciBus, pciMatch, RkPciBusImpl } from '../src/bus';
import { FakeConfigSpace, fakeHostBridge, HOST_BRIDGE, VIRTIO_NET_MODERN } from './fake-config';

const IO_DEV = {
  vendor: 0x1af4,
  device: 0x1001,
  classCode: 0x010000,
  bars: [{ size: 0x40, kind: 'io' as const }],
  pin: 1,
};

function world() {
  return new FakeConfigSpace({
    0: { 0: HOST_BRIDGE },
    1: { 0: VIRTIO_NET_MODERN },
    2: { 0: IO_DEV },
  });
}

function driver(name: string, ids: RkPciDriver['ids'], rc = 0) {
  const seen: RkPciDevice[] = [];
  const cmds: number[] = [];
  const drv: RkPciDriver = {
    name,
    ids,
    addDev(dev) {
      seen.push(dev);
      cmds.push(dev.configRead(0x04, 2));
      return rc;
    },
  };
  return { drv, seen, cmds };
}

describe('RkPciBus', () => {
  it('pciMatch: absent fields match anything, classes compare under their mask', () => {
    const dev = {
      vendorId: 0x1af4,
      deviceId: 0x1041,
      classCode: 0x020000,
      subsystemVendorId: 0x1af4,
      subsystemId: 1,
    } as RkPciDevice;
    expect(pciMatch({}, dev)).toBe(true);
    expect(pciMatch({ vendorId: 0x1af4, deviceId: 0x1041 }, dev)).toBe(true);
    expect(pciMatch({ vendorId: 0x1af4, deviceId: 0x1000 }, dev)).toBe(false);
    expect(pciMatch({ classCode: 0x020000 }, dev)).toBe(true);
    expect(pciMatch({ classCode: 0x02ffff, classMask: 0xff0000 }, dev)).toBe(true);
    expect(pciMatch({ classCode: 0x010000, classMask: 0xff0000 }, dev)).toBe(false);
    expect(pciMatch({ subsystemId: 2 }, dev)).toBe(false);
  });

  it('a driver registered before enumeration binds when the bridge arrives, with decode and mastering on', () => {
    const bus = new RkPciBusImpl();
    const net = driver('net', [{ vendorId: 0x1af4, deviceId: 0x1041 }]);
    const blk = driver('blk', [{ classCode: 0x010000, classMask: 0xff0000 }]);
    expect(bus.registerDriver(net.drv)).toBe(0);
    expect(bus.registerDriver(blk.drv)).toBe(0);
    bus.addHostBridge(fakeHostBridge(world()));
    expect(net.seen.map((d) => d.name)).toEqual(['0000:00:01.0']);
    expect(blk.seen.map((d) => d.name)).toEqual(['0000:00:02.0']);
    expect(net.cmds).toEqual([0x6]); // memory BARs only: MEM | MASTER
    expect(blk.cmds).toEqual([0x5]); // an I/O BAR only: IO | MASTER
    expect(bus.devices().map((d) => d.driver)).toEqual([undefined, 'net', 'blk']);
    expect(bus.stats()).toHaveLength(1);
  });

  it('a driver registered after enumeration is offered the unbound functions; names are unique', () => {
    const bus = new RkPciBusImpl();
    bus.addHostBridge(fakeHostBridge(world()));
    const any = driver('any', [{ vendorId: 0x1af4 }]);
    expect(bus.registerDriver(any.drv)).toBe(0);
    expect(any.seen.map((d) => d.name)).toEqual(['0000:00:01.0', '0000:00:02.0']);
    expect(bus.registerDriver(driver('any', []).drv)).toBe(-Errno.EEXIST);
    const late = driver('late', [{ vendorId: 0x1af4 }]);
    bus.registerDriver(late.drv);
    expect(late.seen).toEqual([]); // already bound
  });

  it('a refusing driver leaves the function disabled and free for the next one', () => {
    const bus = new RkPciBusImpl();
    const no = driver('no', [{ vendorId: 0x1af4, deviceId: 0x1041 }], -Errno.ENODEV);
    bus.registerDriver(no.drv);
    const cfg = world();
    bus.addHostBridge(fakeHostBridge(cfg));
    expect(no.seen).toHaveLength(1);
    expect(cfg.read(0, 1, 0, 0x04, 2)).toBe(0);
    const yes = driver('yes', [{ deviceId: 0x1041 }]);
    bus.registerDriver(yes.drv);
    expect(bus.devices()[1]!.driver).toBe('yes');
  });

  it('pciBus: one shared bus per registry', () => {
    const registry = createRegistry();
    expect(pciBus(registry as never)).toBe(pciBus(registry as never));
    expect(registry.get('rkpci')).toBe(pciBus(registry as never));
  });
});
