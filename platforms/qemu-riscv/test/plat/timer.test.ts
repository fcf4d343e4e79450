// The one-shot timer on the machine, on each comparator (CLINT mtimecmp in M-mode, Sstc stimecmp and SBI
// set_timer in S-mode) and both clocks: the comparator value the hardware holds, firing, cancel, halts.
import { describe, expect, it } from 'vitest';
import { CSR_STIMECMP, CSR_TIME } from '../../src/isa/csr';
import { SBI_EXT_TIME, SBI_TIME_SET_TIMER } from '../../src/isa/sbi';
import type { MachineOptions } from '../../src/machine';
import { type Booted, type BootedOptions, onPlat } from './booted';

const MS = 1_000_000;
const KINDS: [string, BootedOptions][] = [
  ['CLINT mtimecmp (M-mode)', { bios: 'none' }],
  ['Sstc stimecmp (S-mode)', { bios: 'default' }],
  [
    'SBI set_timer (S-mode, a hart without Sstc)',
    { bios: 'default', tweak: (d) => ({ ...d, sstc: false }) },
  ],
];

/** What the comparator holds: mtimecmp of hart 0 as the CLINT sees it, or stimecmp. */
function comparator({ hart, machine }: Booted): bigint {
  return hart.mode === 'M' ? machine.board.mtimer.timecmp[0]! : BigInt(hart.csrr(CSR_STIMECMP));
}

/** The value the driver programs for "no deadline": all ones in mtimecmp, 2^53 - 1 through stimecmp/SBI. */
const never = (b: Booted) =>
  b.hart.mode === 'M' ? 2n ** 64n - 1n : BigInt(Number.MAX_SAFE_INTEGER);

/**
 * mtime at boot (the timer's zero), as [lo, hi]: monotonicNs() reads mtime between the two reads here,
 * so on the host clock the exact value lies in between; on the virtual clock lo = hi.
 */
function bootTicks({ hart, plat }: Booted): [bigint, bigint] {
  const t1 = BigInt(hart.csrr(CSR_TIME));
  const ticks = BigInt(plat.time.monotonicNs() / 100);
  const t2 = BigInt(hart.csrr(CSR_TIME));
  return [t1 - ticks, t2 - ticks];
}

/** Asserts that the comparator holds monotonic `ns` rounded up to the next 100 ns tick. */
function expectArmedAt(b: Booted, ns: number): void {
  const [lo, hi] = bootTicks(b);
  const k = BigInt(Math.ceil(ns / 100));
  const c = comparator(b);
  if (lo === hi) expect(c).toBe(lo + k);
  expect(c).toBeGreaterThanOrEqual(lo + k);
  expect(c).toBeLessThanOrEqual(hi + k);
}

for (const [kind, opts] of KINDS) {
  for (const clock of ['virtual', 'host'] as MachineOptions['clock'][]) {
    const on = (check: (b: Booted) => Promise<void> | void) => onPlat({ ...opts, clock }, check);
    const exact = clock === 'virtual';

    describe(`timer, ${kind}, ${clock} clock`, () => {
      it('set programs the deadline rounded up to a tick; re-arming replaces it; cancel programs never', () =>
        on((b) => {
          const { plat } = b;
          expect(plat.time.resolutionNs).toBe(100);
          expect(comparator(b)).toBe(never(b));
          const now = plat.time.monotonicNs();
          plat.time.setTimer(now + 50 * MS + 1234, () => {});
          expectArmedAt(b, now + 50 * MS + 1234);
          plat.time.setTimer(now + 40 * MS, () => {});
          expectArmedAt(b, now + 40 * MS);
          plat.time.cancelTimer();
          expect(comparator(b)).toBe(never(b));
        }));

      it('the handler fires once, at its deadline, in IRQ context; the comparator goes back to never', () =>
        on(async (b) => {
          const { plat } = b;
          const deadline = plat.time.monotonicNs() + 3 * MS + 50;
          const fired: { at: number; irqsOff: boolean }[] = [];
          plat.time.setTimer(deadline, () =>
            fired.push({ at: plat.time.monotonicNs(), irqsOff: plat.lcpu.irqsDisabled() }),
          );
          while (fired.length === 0) await plat.lcpu.halt();
          expect(fired[0]!.at).toBeGreaterThanOrEqual(deadline);
          if (exact) expect(fired[0]!.at).toBe(deadline + 50); // the next tick: 100 ns granularity
          expect(fired[0]!.irqsOff).toBe(true);
          expect(comparator(b)).toBe(never(b));
          const later = plat.time.monotonicNs() + 5 * MS;
          while (plat.time.monotonicNs() < later) await plat.lcpu.haltUntil(later);
          expect(fired).toHaveLength(1);
        }));

      it('a cancelled timer never fires; a replaced handler never runs', () =>
        on(async (b) => {
          const { plat } = b;
          const calls: string[] = [];
          const now = plat.time.monotonicNs();
          plat.time.setTimer(now + 1 * MS, () => calls.push('cancelled'));
          plat.time.cancelTimer();
          const end = now + 4 * MS;
          while (plat.time.monotonicNs() < end) await plat.lcpu.haltUntil(end);
          plat.time.setTimer(end + 1 * MS, () => calls.push('replaced'));
          plat.time.setTimer(end + 2 * MS, () => calls.push('kept'));
          while (calls.length === 0) await plat.lcpu.halt();
          expect(calls).toEqual(['kept']);
          if (exact) expect(plat.time.monotonicNs()).toBe(end + 2 * MS);
        }));

      it('a past deadline fires at the next interrupt window, not inside setTimer', () =>
        on(async (b) => {
          const { plat } = b;
          let fired = 0;
          plat.time.setTimer(plat.time.monotonicNs() - 1000, () => fired++);
          expect(fired).toBe(0);
          await plat.lcpu.poll();
          expect(fired).toBe(1);
        }));

      it('the halt wake-up and the timer share the comparator: the earlier is armed, the other restored', () =>
        on(async (b) => {
          const { plat } = b;
          const t0 = plat.time.monotonicNs();
          // On the host clock a loaded host may wake the hart late: gaps wide enough to keep the order.
          const u = exact ? MS : 20 * MS;
          let firedAt = -1;
          plat.time.setTimer(t0 + 5 * u, () => {
            firedAt = plat.time.monotonicNs();
          });
          // The halt deadline comes first: haltUntil returns at it; the timer's deadline is armed again.
          await plat.lcpu.haltUntil(t0 + 2 * u);
          expect(plat.time.monotonicNs()).toBeGreaterThanOrEqual(t0 + 2 * u);
          if (exact) expect(plat.time.monotonicNs()).toBe(t0 + 2 * u);
          expect(firedAt).toBe(-1);
          expectArmedAt(b, t0 + 5 * u);
          // The timer comes first: its interrupt ends the halt early; nothing is left armed.
          await plat.lcpu.haltUntil(t0 + 50 * u);
          expect(firedAt).toBeGreaterThanOrEqual(t0 + 5 * u);
          if (exact) expect(firedAt).toBe(t0 + 5 * u);
          expect(plat.time.monotonicNs()).toBeLessThan(t0 + 50 * u);
          expect(comparator(b)).toBe(never(b));
        }));
    });
  }
}

describe('timer hardware access', () => {
  it('CLINT: mtimecmp is written high word all-ones first, then low, then high (no early fire)', () =>
    onPlat({ bios: 'none' }, ({ plat, machine }) => {
      const writes: [number, number][] = [];
      const mt = machine.board.mtimer;
      const write = mt.write.bind(mt);
      mt.write = (off: number, size: number, v: number) => {
        writes.push([off, v]);
        write(off, size, v);
      };
      const ticks = machine.board.mtimer.mtime() + 0x1_2345_6789n;
      const ns = Number(ticks - machine.board.mtimer.mtime()) * 100 + plat.time.monotonicNs();
      plat.time.setTimer(ns, () => {});
      const want = machine.board.mtimer.timecmp[0]!;
      expect(writes).toEqual([
        [4, 0xffffffff],
        [0, Number(want & 0xffffffffn)],
        [4, Number(want >> 32n)],
      ]);
      expect(want >> 32n).toBeGreaterThan(0n);
    }));

  it('SBI: set_timer goes through the firmware (TIME extension) with the tick value; Sstc does not', async () => {
    for (const sstc of [true, false]) {
      const calls: [number, number, readonly number[]][] = [];
      await onPlat(
        {
          bios: 'default',
          tweak: (d) => ({ ...d, sstc }),
          before: (_h, m) => {
            const sbi = m.host.sbiCall.bind(m.host);
            m.host.sbiCall = (h, eid, fid, a) => {
              calls.push([eid, fid, [...a]]);
              return sbi(h, eid, fid, a);
            };
          },
        },
        (b) => {
          calls.length = 0;
          const deadline = b.plat.time.monotonicNs() + 7 * MS;
          b.plat.time.setTimer(deadline, () => {});
          const timerCalls = calls.filter(([eid]) => eid === SBI_EXT_TIME);
          const [boot] = bootTicks(b); // virtual clock: exact
          if (sstc) expect(timerCalls).toEqual([]);
          else
            expect(timerCalls).toEqual([
              [SBI_EXT_TIME, SBI_TIME_SET_TIMER, [Number(boot) + Math.ceil(deadline / 100)]],
            ]);
        },
      );
    }
  });
});
