// The rkplat conformance kit: behaviour every platform must show, run inside a booted kernel context.
// Usage (a platform's test/conformance.test.ts): describeRkPlat('qemu-riscv', (fn) => bootAndRun(fn));
import { describe, expect, it } from 'vitest';
import type { RkPlat } from './api';

/** Runs `fn` in kernel context on a freshly booted platform and resolves when it has finished. */
export type RkPlatRunner = (fn: (plat: RkPlat) => Promise<void> | void) => Promise<void>;

const EINVAL = 22;
const ENOENT = 2;

/** Registers the rkplat conformance tests for the platform `name`. */
export function describeRkPlat(name: string, run: RkPlatRunner): void {
  describe(`rkplat conformance: ${name}`, () => {
    it('memory regions are sorted, disjoint, inside guest RAM, with free memory', () =>
      run((plat) => {
        const regions = plat.memory.regions();
        const { base, size } = plat.memory.phys;
        let end = 0;
        for (const r of regions) {
          expect(['free', 'reserved', 'kernel', 'devicetree', 'initrd']).toContain(r.type);
          expect(r.len).toBeGreaterThan(0);
          expect(r.pbase).toBeGreaterThanOrEqual(end);
          expect(r.pbase).toBeGreaterThanOrEqual(base);
          expect(r.pbase + r.len).toBeLessThanOrEqual(base + size);
          end = r.pbase + r.len;
        }
        expect(regions.some((r) => r.type === 'free' && r.len >= 1 << 20)).toBe(true);
        const dt = regions.find((r) => r.type === 'devicetree');
        if (dt) expect(dt.pbase).toBe(plat.bootinfo.dtbAddr);
      }));

    it('boot info: the device tree is in RAM and starts with the FDT magic', () =>
      run((plat) => {
        const { dtb, dtbAddr } = plat.bootinfo;
        expect(new DataView(dtb.buffer, dtb.byteOffset).getUint32(0)).toBe(0xd00dfeed);
        expect(plat.memory.phys.u8[dtbAddr - plat.memory.phys.base]).toBe(0xd0);
        expect(typeof plat.bootinfo.cmdline).toBe('string');
      }));

    it('console output reports the bytes written', () =>
      run((plat) => {
        expect(plat.console.out('conformance: é\n')).toBe(16);
        expect(plat.console.out(new Uint8Array([0x6f, 0x6b, 0x0a]))).toBe(3);
        expect(plat.console.in(new Uint8Array(4))).toBeGreaterThanOrEqual(0);
      }));

    it('the monotonic clock never goes back and has a sane resolution; the wall clock is after 2020', () =>
      run((plat) => {
        let last = plat.time.monotonicNs();
        for (let i = 0; i < 1000; i++) {
          const t = plat.time.monotonicNs();
          expect(t).toBeGreaterThanOrEqual(last);
          last = t;
        }
        expect(plat.time.resolutionNs).toBeGreaterThan(0);
        expect(plat.time.resolutionNs).toBeLessThanOrEqual(1_000_000);
        expect(plat.time.wallClockNs()).toBeGreaterThan(1_577_836_800n * 1_000_000_000n);
      }));

    it('the one-shot timer fires once, after its deadline, in IRQ context', () =>
      run(async (plat) => {
        const deadline = plat.time.monotonicNs() + 2_000_000;
        const fired: number[] = [];
        plat.time.setTimer(deadline, () => fired.push(plat.time.monotonicNs()));
        while (fired.length === 0) await plat.lcpu.halt();
        expect(fired[0]).toBeGreaterThanOrEqual(deadline);
        await plat.lcpu.haltUntil(plat.time.monotonicNs() + 1_000_000);
        expect(fired.length).toBe(1);
      }));

    it('a cancelled timer does not fire; re-arming replaces the deadline', () =>
      run(async (plat) => {
        let a = 0;
        let b = 0;
        const now = plat.time.monotonicNs();
        plat.time.setTimer(now + 1_000_000, () => a++);
        plat.time.cancelTimer();
        plat.time.setTimer(now + 500_000, () => a++);
        plat.time.setTimer(now + 1_500_000, () => b++);
        await plat.lcpu.haltUntil(now + 3_000_000);
        while (plat.time.monotonicNs() < now + 3_000_000)
          await plat.lcpu.haltUntil(now + 3_000_000);
        expect(a).toBe(0);
        expect(b).toBe(1);
      }));

    it('haltUntil returns no earlier than its deadline', () =>
      run(async (plat) => {
        const deadline = plat.time.monotonicNs() + 5_000_000;
        while (plat.time.monotonicNs() < deadline) await plat.lcpu.haltUntil(deadline);
        expect(plat.time.monotonicNs()).toBeGreaterThanOrEqual(deadline);
      }));

    it('interrupt save/restore nests', () =>
      run((plat) => {
        expect(plat.lcpu.irqsDisabled()).toBe(false);
        const outer = plat.lcpu.irqSave();
        expect(plat.lcpu.irqsDisabled()).toBe(true);
        const inner = plat.lcpu.irqSave();
        plat.lcpu.irqRestore(inner);
        expect(plat.lcpu.irqsDisabled()).toBe(true);
        plat.lcpu.irqRestore(outer);
        expect(plat.lcpu.irqsDisabled()).toBe(false);
        plat.lcpu.irqDisable();
        expect(plat.lcpu.irqsDisabled()).toBe(true);
        plat.lcpu.irqEnable();
        expect(plat.lcpu.id()).toBeLessThan(plat.lcpu.count());
      }));

    it('IRQ registration validates lines and chains handlers', () =>
      run((plat) => {
        expect(plat.irq.register(0, () => true)).toBe(-EINVAL);
        expect(plat.irq.register(100_000, () => true)).toBe(-EINVAL);
        const h = () => false;
        expect(plat.irq.unregister(3, h)).toBe(-ENOENT);
        expect(plat.irq.register(3, h)).toBe(0);
        expect(plat.irq.register(3, () => true)).toBe(0);
        expect(plat.irq.unregister(3, h)).toBe(0);
        expect(plat.irq.count(3)).toBe(0);
      }));

    it('device discovery lists nodes with compatible strings and registers', () =>
      run((plat) => {
        const all = plat.devices.all();
        expect(all.length).toBeGreaterThan(0);
        for (const d of all) expect(d.compatible.length).toBeGreaterThan(0);
        for (const d of plat.devices.find(all[0]!.compatible[0]!))
          expect(d.compatible).toContain(all[0]!.compatible[0]);
      }));
  });
}
