// The README's usage example (test/example.ts, verbatim) run against the fake config space.
import { createRegistry } from '@runikraft/rkboot';
import type { RkPlat } from '@runikraft/rkplat';
import { expect, it } from 'vitest';
import { pciBus } from '../src/driver';
import { registerMyNic } from './example';
import { FakeConfigSpace, fakeHostBridge, HOST_BRIDGE } from './fake-config';

it('the README example binds the NIC the bus finds, at its assigned BAR and routed line', () => {
  const writes: string[] = [];
  const irqs: number[] = [];
  const plat = {
    devices: {
      write: (a: number, w: number, v: number) => writes.push(`${a.toString(16)}/${w}=${v}`),
    },
    irq: { register: (irq: number) => irqs.push(irq) && 0 },
  } as unknown as RkPlat;
  const registry = createRegistry();
  expect(registerMyNic(registry as never, plat, () => true)).toBe(0);
  const cfg = new FakeConfigSpace({
    0: { 0: HOST_BRIDGE },
    2: {
      0: {
        vendor: 0x8086,
        device: 0x100e,
        classCode: 0x020000,
        bars: [{ size: 0x20000, kind: 'mem32' }],
        pin: 1,
      },
    },
  });
  pciBus(registry as never).addHostBridge(fakeHostBridge(cfg));
  expect(writes).toEqual(['40000010/4=1']);
  expect(irqs).toEqual([34]);
  expect(pciBus(registry as never).devices()[1]!.driver).toBe('my-nic');
});
