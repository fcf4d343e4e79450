// The rkplat conformance kit: behaviour every platform must show, run inside a booted kernel context.
// Usage (a platform's test/conformance.test.ts): describeRkPlat('qemu-riscv', (fn) => bootAndRun(fn), irqSource).
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkPlat } from './api';

/** Runs `fn` in kernel context on a freshly booted platform and resolves when it has finished. */
export type RkPlatRunner = (fn: (plat: RkPlat) => Promise<void> | void) => Promise<void>;

/**
 * A device the platform's harness can make interrupt on demand (e.g. an RTC alarm set in the past),
 * so the kit can check real delivery through `plat.irq`. Made in kernel context by {@link RkPlatIrqSourceFactory}.
 */
export interface RkPlatIrqSource {
  /** The interrupt line the device raises, as `plat.irq.register` takes it; no handler may be on it at boot. */
  readonly line: number;
  /** Makes the device assert its interrupt; it is taken at the next interrupt window (halt, poll, irqRestore). */
  raise(): void;
  /** Acknowledges the interrupt at the device (a handler that claims it calls this). */
  ack(): void;
}

/** Builds the interrupt source for a freshly booted platform (kernel context). */
export type RkPlatIrqSourceFactory = (plat: RkPlat) => RkPlatIrqSource;

const { EINVAL, ENOENT } = Errno;

/** How long the kit waits for an interrupt to arrive (monotonic time). */
const DELIVERY_NS = 20_000_000;

/** Halts until `done()` holds or {@link DELIVERY_NS} pass. @returns whether `done()` held. */
async function waitFor(plat: RkPlat, done: () => boolean): Promise<boolean> {
  const end = plat.time.monotonicNs() + DELIVERY_NS;
  while (!done()) {
    const now = plat.time.monotonicNs();
    if (now >= end) return false;
    await plat.lcpu.haltUntil(Math.min(end, now + 1_000_000));
  }
  return true;
}

/**
 * Registers the rkplat conformance tests for the platform `name`; `irqSource` gives the kit a device
 * whose interrupt it can raise, for the delivery cases.
 */
export function describeRkPlat(
  name: string,
  run: RkPlatRunner,
  irqSource: RkPlatIrqSourceFactory,
): void {
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

    it('the coarse clock is the latest clock read, never ahead of the clock, and a timer interrupt moves it', () =>
      run(async (plat) => {
        for (let i = 0; i < 100; i++) {
          const read = plat.time.monotonicNs();
          const coarse = plat.time.coarseMonotonicNs();
          expect(coarse).toBeGreaterThanOrEqual(read);
          expect(plat.time.monotonicNs()).toBeGreaterThanOrEqual(coarse);
        }
        const deadline = plat.time.monotonicNs() + 2_000_000;
        let fired = false;
        plat.time.setTimer(deadline, () => {
          fired = true;
        });
        while (!fired) await plat.lcpu.halt();
        expect(plat.time.coarseMonotonicNs()).toBeGreaterThanOrEqual(deadline);
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

    it('IRQ registration validates lines; unregister finds the handler', () =>
      run((plat) => {
        expect(plat.irq.register(0, () => true)).toBe(-EINVAL);
        expect(plat.irq.register(100_000, () => true)).toBe(-EINVAL);
        expect(plat.irq.register(1.5, () => true)).toBe(-EINVAL);
        const h = () => false;
        expect(plat.irq.unregister(3, h)).toBe(-ENOENT);
        expect(plat.irq.register(3, h)).toBe(0);
        expect(plat.irq.register(3, () => true)).toBe(0);
        expect(plat.irq.unregister(3, h)).toBe(0);
        expect(plat.irq.unregister(3, h)).toBe(-ENOENT);
        expect(plat.irq.count(3)).toBe(0);
      }));

    describeIrqDelivery(run, irqSource);

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

/** Interrupt delivery through `plat.irq`, with a real device interrupt from the harness's source. */
function describeIrqDelivery(run: RkPlatRunner, irqSource: RkPlatIrqSourceFactory): void {
  describe('interrupt delivery', () => {
    it('a raised interrupt runs the chain in registration order; "not mine" passes it on, "handled" stops it', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        const seen: string[] = [];
        const before = plat.irq.count(src.line);
        const mark = (tag: string, claim: boolean) => (irq: number) => {
          seen.push(`${tag}:${irq}`);
          if (claim) src.ack();
          return claim;
        };
        expect(plat.irq.register(src.line, mark('a', false))).toBe(0);
        expect(plat.irq.register(src.line, mark('b', true))).toBe(0);
        expect(plat.irq.register(src.line, mark('c', true))).toBe(0);
        expect(seen).toEqual([]);
        src.raise();
        expect(await waitFor(plat, () => seen.length > 0)).toBe(true);
        expect(seen).toEqual([`a:${src.line}`, `b:${src.line}`]);
        expect(plat.irq.count(src.line)).toBe(before + 1);
      }));

    it('handlers run in IRQ context: interrupts disabled, enabled again afterwards', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        const disabled: boolean[] = [];
        plat.irq.register(src.line, () => {
          disabled.push(plat.lcpu.irqsDisabled());
          src.ack();
          return true;
        });
        src.raise();
        expect(await waitFor(plat, () => disabled.length > 0)).toBe(true);
        expect(disabled).toEqual([true]);
        expect(plat.lcpu.irqsDisabled()).toBe(false);
      }));

    it('an interrupt no handler accepts is still completed: the next one is delivered too', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        let calls = 0;
        const before = plat.irq.count(src.line);
        plat.irq.register(src.line, () => {
          calls++;
          src.ack();
          return false;
        });
        for (let n = 1; n <= 3; n++) {
          src.raise();
          expect(await waitFor(plat, () => calls === n)).toBe(true);
        }
        expect(plat.irq.count(src.line)).toBe(before + 3);
      }));

    it('an unregistered handler is no longer called; the rest of the chain still is', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        const seen: string[] = [];
        const a = () => {
          seen.push('a');
          return true;
        };
        plat.irq.register(src.line, a);
        plat.irq.register(src.line, () => {
          seen.push('b');
          src.ack();
          return true;
        });
        expect(plat.irq.unregister(src.line, a)).toBe(0);
        src.raise();
        expect(await waitFor(plat, () => seen.length > 0)).toBe(true);
        expect(seen).toEqual(['b']);
      }));

    it('a chain changed during dispatch (a handler removing itself, adding another) changes from the next interrupt', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        const seen: string[] = [];
        const last = () => {
          seen.push('last');
          src.ack();
          return true;
        };
        const once = (irq: number) => {
          seen.push('once');
          plat.irq.unregister(irq, once);
          plat.irq.register(irq, last);
          return false;
        };
        plat.irq.register(src.line, once);
        plat.irq.register(src.line, () => {
          seen.push('next');
          src.ack();
          return true;
        });
        src.raise();
        expect(await waitFor(plat, () => seen.length > 0)).toBe(true);
        expect(seen).toEqual(['once', 'next']);
        seen.length = 0;
        src.raise();
        expect(await waitFor(plat, () => seen.length > 0)).toBe(true);
        expect(seen).toEqual(['next']);
        expect(plat.irq.unregister(src.line, last)).toBe(0);
      }));

    it('a line whose chain is empty again is masked: its interrupt is not delivered', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        let calls = 0;
        const h = () => {
          calls++;
          src.ack();
          return true;
        };
        plat.irq.register(src.line, h);
        plat.irq.unregister(src.line, h);
        const before = plat.irq.count(src.line);
        src.raise();
        expect(await waitFor(plat, () => calls > 0)).toBe(false);
        expect(plat.irq.count(src.line)).toBe(before);
        src.ack();
      }));

    it('an interrupt raised with interrupts saved off waits for irqRestore', () =>
      run(async (plat) => {
        const src = irqSource(plat);
        let calls = 0;
        plat.irq.register(src.line, () => {
          calls++;
          src.ack();
          return true;
        });
        const flags = plat.lcpu.irqSave();
        src.raise();
        for (let i = 0; i < 100; i++) await plat.lcpu.poll();
        expect(calls).toBe(0);
        plat.lcpu.irqRestore(flags);
        expect(await waitFor(plat, () => calls > 0)).toBe(true);
        expect(calls).toBe(1);
      }));
  });
}
