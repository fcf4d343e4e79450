// virtio-mmio transport (REFERENCE.md §4; virtio 1.2 §4.2): placement, empty slots, legacy and modern
// register files through a dummy device that records what the transport tells it.
import { describe, expect, it } from 'vitest';
import {
  chooseVirtioSlot,
  createQtestSession,
  parseVirtioBus,
  type VirtioDevice,
  type VirtioHost,
  type VirtqAddrs,
} from '../../src/machine';
import { testMachine } from './guest';

class DummyDevice implements VirtioDevice {
  readonly deviceId = 4;
  readonly numQueues = 2;
  readonly configLen = 6;
  host: VirtioHost | null = null;
  readonly log: string[] = [];
  readonly config = new Uint8Array([1, 2, 3, 4, 5, 6]);
  hostFeatures(legacy: boolean): bigint {
    return legacy ? 0x39000001n : 0x0000010130000001n;
  }
  queueSizeDefault(i: number): number {
    return i === 0 ? 8 : 64;
  }
  setFeatures(f: bigint, legacy: boolean): void {
    this.log.push(`features ${f.toString(16)} ${legacy ? 'legacy' : 'modern'}`);
  }
  readConfig(o: number, size: 1 | 2 | 4): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.config[o + i];
    return v;
  }
  writeConfig(o: number, size: 1 | 2 | 4, value: number): void {
    this.log.push(`config ${o} ${size} ${value.toString(16)}`);
  }
  attach(host: VirtioHost): void {
    this.host = host;
  }
  queueReady(i: number, a: VirtqAddrs): void {
    this.log.push(
      `ready ${i} ${a.size} ${a.desc.toString(16)} ${a.avail.toString(16)} ${a.used.toString(16)}`,
    );
  }
  queueDisable(i: number): void {
    this.log.push(`disable ${i}`);
  }
  notify(i: number): void {
    this.log.push(`notify ${i}`);
    this.host?.interrupt();
  }
  reset(): void {
    this.log.push('reset');
  }
  driverOk(): void {
    this.log.push('driver-ok');
  }
}

function rig(legacy: boolean) {
  const { m } = testMachine({ bios: 'none', virtioForceLegacy: legacy });
  const dev = new DummyDevice();
  const slot = m.plugVirtio(dev);
  const q = createQtestSession(m.qtest);
  const base = 0x10001000 + slot * 0x1000;
  const r = (off: number) => Number(BigInt(q(`readl 0x${(base + off).toString(16)}`).slice(3)));
  const w = (off: number, v: number) =>
    q(`writel 0x${(base + off).toString(16)} 0x${v.toString(16)}`);
  dev.log.length = 0;
  return { m, dev, slot, q, r, w, base };
}

describe('placement', () => {
  it('first device slot 7, then 6; bus=virtio-mmio-bus.N pins; a 9th is refused', () => {
    const { m } = testMachine();
    expect(m.plugVirtio(new DummyDevice())).toBe(7);
    expect(m.plugVirtio(new DummyDevice(), 0)).toBe(0);
    expect(m.plugVirtio(new DummyDevice())).toBe(6);
    expect(() => m.plugVirtio(new DummyDevice(), 0)).toThrow(/virtio-mmio-bus.0/);
    for (let i = 0; i < 5; i++) m.plugVirtio(new DummyDevice());
    expect(() => m.plugVirtio(new DummyDevice())).toThrow(/No 'virtio-bus'/);
    expect(parseVirtioBus('virtio-mmio-bus.3')).toBe(3);
    expect(() => parseVirtioBus('virtio-mmio-bus.8')).toThrow(/not found/);
    expect(() => chooseVirtioSlot([], 9)).toThrow(/does not exist/);
  });
});

describe('legacy transport (Version 1, QEMU default)', () => {
  it('identity, features, PFN queues, notify/interrupt/ACK, config, reset', () => {
    const { m, dev, slot, r, w, q, base } = rig(true);
    expect([r(0), r(4), r(8), r(0xc)]).toEqual([0x74726976, 1, 4, 0x554d4551]);
    expect(q(`readb 0x${base.toString(16)}`)).toBe('OK 0x0000000000000000'); // plugged: wrong size reads 0
    expect(r(0x10)).toBe(0x39000001);
    w(0x14, 5); // any nonzero selects word 1, which legacy reads as 0
    expect(r(0x10)).toBe(0);
    w(0x20, 0x1);
    w(0x24, 1);
    w(0x20, 0xff); // ignored: legacy has only word 0
    expect(dev.log).toEqual(['features 1 legacy']);
    w(0x28, 4096);
    w(0x30, 0);
    expect(r(0x34)).toBe(1024);
    w(0x38, 2048); // > 1024: ignored
    w(0x38, 16);
    w(0x3c, 4096);
    w(0x40, 0x80123);
    expect(r(0x40)).toBe(0x80123);
    expect(dev.log.at(-1)).toBe('ready 0 16 80123000 80123100 80124000');
    w(0x30, 2);
    expect(r(0x34)).toBe(0); // no queue 2
    w(0x30, 5000); // ≥ 1024: ignored, still 2
    expect(r(0x34)).toBe(0);
    w(0x50, 1); // queue 1 has no ring: not forwarded
    w(0x50, 0);
    expect(dev.log.at(-1)).toBe('notify 0');
    expect(r(0x60)).toBe(1);
    expect(m.board.plic.isPending(slot + 1)).toBe(true);
    w(0x64, 1);
    expect(r(0x60)).toBe(0);
    expect(m.board.plic.isPending(slot + 1)).toBe(true); // latched until claimed
    expect(r(0x44)).toBe(0); // QueueReady is modern-only
    expect(r(0xfc)).toBe(0);
    expect(r(0xb0)).toBe(0xffffffff);
    // config: 1/2/4-byte, all-ones past configLen
    expect(q(`readw 0x${(base + 0x100).toString(16)}`)).toBe('OK 0x0000000000000201');
    expect(r(0x100)).toBe(0x04030201);
    expect(r(0x104)).toBe(0xffffffff);
    q(`writeb 0x${(base + 0x101).toString(16)} 0x77`);
    q(`writel 0x${(base + 0x104).toString(16)} 1`); // past the end: ignored
    expect(dev.log.at(-1)).toBe('config 1 1 77');
    w(0x70, 7);
    expect(dev.log.at(-1)).toBe('driver-ok');
    w(0x40, 0); // PFN 0 resets the device
    expect([r(0x70), r(0x40), dev.log.at(-1)]).toEqual([0, 0, 'reset']);
  });
});

describe('modern transport (Version 2, force-legacy=false)', () => {
  it('64-bit features, FEATURES_OK, queue addresses, QueueReady, generation, NEEDS_RESET, reset', () => {
    const { dev, r, w } = rig(false);
    expect(r(4)).toBe(2);
    expect(r(0x10)).toBe(0x30000001);
    w(0x14, 1);
    expect(r(0x10)).toBe(0x101);
    w(0x70, 3);
    w(0x24, 0);
    w(0x20, 1);
    w(0x24, 1);
    w(0x20, 1);
    expect(dev.log).toEqual([]); // latched until FEATURES_OK
    w(0x70, 0xb);
    expect(dev.log).toEqual(['features 100000001 modern']);
    expect(r(0x70)).toBe(0xb);
    w(0x30, 1);
    expect(r(0x34)).toBe(1024);
    w(0x38, 32);
    for (const [off, v] of [
      [0x80, 0x1000],
      [0x84, 1],
      [0x90, 0x2000],
      [0x94, 0],
      [0xa0, 0x3000],
      [0xa4, 0],
    ] as const)
      w(off, v);
    w(0x44, 1);
    expect(r(0x44)).toBe(1);
    expect(dev.log.at(-1)).toBe('ready 1 32 100001000 2000 3000');
    w(0x40, 5); // legacy register: ignored
    expect(r(0x40)).toBe(0);
    dev.host?.configChanged(); // before DRIVER_OK: nothing
    expect([r(0x60), r(0xfc)]).toEqual([0, 0]);
    w(0x70, 0xf);
    dev.host?.configChanged();
    expect([r(0x60), r(0xfc)]).toEqual([3, 1]); // QEMU virtio_notify_config: ISR 0x3
    dev.host?.needsReset('driver bug: test');
    expect(r(0x70) & 0x40).toBe(0x40);
    w(0x44, 0);
    expect(dev.log.at(-1)).toBe('disable 1');
    w(0x44, 1);
    w(0x70, 0);
    // ConfigGeneration survives the reset (QEMU virtio_reset leaves it): 2 config changes so far
    expect([r(0x70), r(0x44), r(0xfc), r(0x60)]).toEqual([0, 0, 2, 0]);
    expect(dev.log.at(-1)).toBe('reset');
  });
});

describe('empty slot', () => {
  it('reads Magic/Version/Vendor, 0 elsewhere, and ignores writes', () => {
    const { m } = testMachine({ bios: 'none' });
    const q = createQtestSession(m.qtest);
    expect(q('readl 0x10001000')).toBe('OK 0x0000000074726976');
    expect(q('readl 0x10001004')).toBe('OK 0x0000000000000001');
    expect(q('readl 0x10001008')).toBe('OK 0x0000000000000000');
    expect(q('readl 0x1000100c')).toBe('OK 0x00000000554d4551');
    q('writel 0x10001070 0xf');
    expect(q('readl 0x10001070')).toBe('OK 0x0000000000000000');
    expect(q('readl 0x10001034')).toBe('OK 0x0000000000000000');
  });
});
