// `-device` / `-global` parsing and the argument → device-model factory, with precise errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createVirtioDevicesFromArgs,
  parseDevice,
  parseGlobal,
} from '../../src/machine/virtio/devices/args';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';

describe('parseDevice / parseGlobal', () => {
  it('parses the QEMU spellings', () => {
    expect(
      parseDevice('virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc,bus=virtio-mmio-bus.3'),
    ).toMatchObject({
      kind: 'virtio-net-device',
      netdev: 'n0',
      slot: 3,
      mac: Uint8Array.of(0x52, 0x54, 0, 0xaa, 0xbb, 0xcc),
    });
    expect(parseDevice('virtio-blk-device,drive=d0,serial=abc')).toMatchObject({
      kind: 'virtio-blk-device',
      drive: 'd0',
      serial: 'abc',
    });
    expect(parseDevice('virtio-rng-device')).toEqual({
      kind: 'virtio-rng-device',
      id: undefined,
      slot: undefined,
      rng: undefined,
    });
    expect(parseDevice('virtio-rng-device,rng=r0')).toMatchObject({ rng: 'r0' });
    expect(parseGlobal('virtio-mmio.force-legacy=false')).toEqual({ forceLegacy: false });
  });

  it('parses virtio-*-pci as the same model with a PCI placement', () => {
    expect(parseDevice('virtio-net-pci,netdev=n0,addr=1f.7,disable-legacy=on')).toMatchObject({
      kind: 'virtio-net-device',
      netdev: 'n0',
      pci: { slot: 0x1f, fn: 7, disableLegacy: true, disableModern: undefined },
    });
    expect(
      parseDevice('virtio-blk-pci,drive=d0,bus=pcie.0,disable-modern=on,addr=0x0a'),
    ).toMatchObject({ kind: 'virtio-blk-device', pci: { slot: 10, fn: 0, disableModern: true } });
    expect(parseDevice('virtio-rng-pci,disable-legacy=auto').pci).toEqual({
      disableLegacy: undefined,
      disableModern: undefined,
      multifunction: false,
    });
    expect(parseDevice('virtio-rng-device').pci).toBeUndefined();
  });

  it('rejects what QEMU would, with the offending part named', () => {
    expect(() => parseDevice('virtio-net-device,netdev=n,mac=01:00:00:00:00:01')).toThrow(
      /is a multicast address/,
    );
    expect(() => parseDevice('virtio-net-device,netdev=n,mac=zz')).toThrow(
      /mac=zz is not a MAC address/,
    );
    expect(() => parseDevice('virtio-blk-device,drive=d,bus=virtio-mmio-bus.8')).toThrow(
      /virtio-mmio-bus.0 … virtio-mmio-bus.7/,
    );
    expect(() => parseDevice('virtio-net-pci,netdev=n,addr=20')).toThrow(
      /addr=20 is not SLOT\[\.FN\] \(slot 0\.\.1f hexadecimal/,
    );
    expect(() => parseDevice('virtio-rng-pci,addr=3.8')).toThrow(/addr=3\.8 is not SLOT/);
    expect(() => parseDevice('virtio-rng-pci,bus=virtio-mmio-bus.0')).toThrow(
      /bus=virtio-mmio-bus.0 is not pcie.0/,
    );
    expect(() => parseDevice('virtio-rng-pci,disable-legacy=on,disable-modern=on')).toThrow(
      /neither modern nor legacy mode is enabled/,
    );
    expect(() => parseDevice('virtio-rng-pci,disable-legacy=maybe')).toThrow(
      "-device virtio-rng-pci: 'disable-legacy=maybe' is not on, off or auto",
    );
    expect(() => parseDevice('virtio-rng-pci,slot=1')).toThrow(
      "-device virtio-rng-pci: unknown parameter 'slot'",
    );
    expect(() => parseDevice('e1000,netdev=n')).toThrow("-device: unknown device 'e1000'");
    expect(() => parseDevice('virtio-rng-device,foo=1')).toThrow(
      "-device virtio-rng-device: unknown parameter 'foo'",
    );
    expect(() => parseGlobal('virtio-mmio.force-legacy=maybe')).toThrow(/expected on or off/);
    expect(() => parseGlobal('isa-serial.chardev=x')).toThrow(/only virtio-mmio.force-legacy/);
  });
});

describe('createVirtioDevicesFromArgs', () => {
  it('creates models wired to their backends in command-line order', async () => {
    const img = join(mkdtempSync(join(tmpdir(), 'rk-args-')), 'd.img');
    writeFileSync(img, new Uint8Array(1 << 20));
    const plan = await createVirtioDevicesFromArgs({
      netdev: ['hubport,id=n0,hubid=5'],
      drive: [`file=${img},if=none,format=raw,id=d0,readonly=on`],
      device: [
        'virtio-net-device,netdev=n0',
        'virtio-blk-device,drive=d0,bus=virtio-mmio-bus.2',
        'virtio-rng-device',
      ],
    });
    expect(plan.devices.map((d) => d.model.constructor)).toEqual([VirtioNet, VirtioBlk, VirtioRng]);
    expect(plan.devices[1].slot).toBe(2);
    expect((plan.devices[1].model as VirtioBlk).backend.readOnly).toBe(true);
    await plan.close();
  });

  it('cross-checks references and slots', async () => {
    await expect(
      createVirtioDevicesFromArgs({ device: ['virtio-net-device,netdev=nx'] }),
    ).rejects.toThrow('netdev=nx does not name a -netdev');
    await expect(
      createVirtioDevicesFromArgs({
        netdev: ['hubport,id=a,hubid=1'],
        device: ['virtio-net-device,netdev=a', 'virtio-net-device,netdev=a'],
      }),
    ).rejects.toThrow(/netdev=a is already used/);
    await expect(
      createVirtioDevicesFromArgs({
        device: [
          'virtio-rng-device,bus=virtio-mmio-bus.1',
          'virtio-rng-device,bus=virtio-mmio-bus.1',
        ],
      }),
    ).rejects.toThrow(/virtio-mmio-bus.1 is already taken/);
    await expect(
      createVirtioDevicesFromArgs({ device: Array(9).fill('virtio-rng-device') }),
    ).rejects.toThrow(/8 virtio-mmio slots/);
    await expect(
      createVirtioDevicesFromArgs({ netdev: ['hubport,id=a,hubid=1', 'hubport,id=a,hubid=2'] }),
    ).rejects.toThrow('-netdev id=a is defined twice');
  });

  it('places -pci devices on the PCIe bus: no virtio-mmio slot limit, addresses checked', async () => {
    const plan = await createVirtioDevicesFromArgs({
      device: [...Array(9).fill('virtio-rng-pci'), 'virtio-rng-device,bus=virtio-mmio-bus.0'],
    });
    expect(plan.devices.map((d) => d.pci !== undefined)).toEqual([...Array(9).fill(true), false]);
    await plan.close();
    await expect(
      createVirtioDevicesFromArgs({
        device: ['virtio-rng-pci,addr=3', 'virtio-rng-pci,addr=03.0'],
      }),
    ).rejects.toThrow(
      '-device virtio-rng-pci: PCI: slot 3.0 not available, in use by virtio-rng-pci',
    );
    await expect(
      createVirtioDevicesFromArgs({ device: ['virtio-rng-pci,addr=0'] }),
    ).rejects.toThrow(/slot 0\.0 not available, in use by the host bridge/);
    await expect(
      createVirtioDevicesFromArgs({ device: ['virtio-blk-pci,drive=dx'] }),
    ).rejects.toThrow('-device virtio-blk-pci: drive=dx does not name a -drive');
  });

  it('a virtio-net-device without a netdev is a NIC with no peer, as on QEMU (TX dropped)', async () => {
    const plan = await createVirtioDevicesFromArgs({ device: ['virtio-net-device'] });
    expect(plan.devices[0].model).toBeInstanceOf(VirtioNet);
    expect(plan.devices[0].spec).toMatchObject({ kind: 'virtio-net-device', netdev: undefined });
    await plan.close();
  });

  it('virtio-rng-device,rng= draws from -object rng-random (its file) or rng-builtin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rng-obj-'));
    writeFileSync(join(dir, 'bytes'), Uint8Array.of(1, 2, 3, 4, 5));
    const plan = await createVirtioDevicesFromArgs({
      object: [`rng-random,id=r0,filename=${join(dir, 'bytes')}`, 'rng-builtin,id=r1'],
      device: ['virtio-rng-device,rng=r0', 'virtio-rng-device,rng=r1'],
    });
    expect(plan.devices.map((d) => d.model instanceof VirtioRng)).toEqual([true, true]);
    const { createRngBackend } = await import('../../src/machine/backends/rng/args');
    const r = createRngBackend({ type: 'rng-random', id: 'x', filename: join(dir, 'bytes') });
    const got = new Uint8Array(8);
    expect([r.fill(got), [...got.subarray(0, 5)]]).toEqual([5, [1, 2, 3, 4, 5]]);
    r.close();
    await plan.close();
    await expect(
      createVirtioDevicesFromArgs({ device: ['virtio-rng-device,rng=r9'] }),
    ).rejects.toThrow("Device 'r9' not found");
    await expect(
      createVirtioDevicesFromArgs({ object: [`rng-random,id=r0,filename=${join(dir, 'none')}`] }),
    ).rejects.toThrow(`Could not open '${join(dir, 'none')}'`);
    await expect(createVirtioDevicesFromArgs({ object: ['rng-egd,id=e'] })).rejects.toThrow(
      "object type 'rng-egd' is not modelled",
    );
  });
});
