// The wall clock on the machine: read from the goldfish RTC (low word first, which latches the high word),
// in both boot modes and on both clocks; without an RTC it counts from boot.
import { describe, expect, it } from 'vitest';
import { MODES, onPlat } from './booted';

/** 2023-11-14T22:13:20.987654321Z: both 32-bit halves of the ns count are non-zero. */
const EPOCH = 1_700_000_000_987_654_321n;

for (const [bios, mode] of MODES) {
  describe(`wall clock, ${mode}`, () => {
    it('virtual clock: the RTC epoch plus machine time, to the nanosecond; low word read first', () =>
      onPlat({ bios, rtcEpochNs: EPOCH }, async ({ plat, machine }) => {
        const rtc = machine.board.rtc;
        const read = rtc.read.bind(rtc);
        const reads: number[] = [];
        rtc.read = (off: number) => {
          reads.push(off);
          return read(off);
        };
        expect(plat.time.wallClockNs()).toBe(EPOCH + BigInt(machine.clock.nowNs()));
        expect(reads).toEqual([0, 4]);
        const t0 = plat.time.wallClockNs();
        await plat.lcpu.haltUntil(plat.time.monotonicNs() + 5_000_000);
        expect(plat.time.wallClockNs() - t0).toBe(5_000_000n);
      }));

    it('host clock: between the RTC values read just before and after', () =>
      onPlat({ bios, clock: 'host', rtcEpochNs: EPOCH }, ({ plat, machine }) => {
        for (let i = 0; i < 100; i++) {
          const lo = machine.board.rtc.count();
          const t = plat.time.wallClockNs();
          const hi = machine.board.rtc.count();
          expect(t >= lo && t <= hi).toBe(true);
        }
      }));

    it('without an RTC in the device tree, the wall clock is the time since boot', () =>
      onPlat({ bios, tweak: (d) => ({ ...d, rtc: null }) }, async ({ plat }) => {
        await plat.lcpu.haltUntil(plat.time.monotonicNs() + 2_000_000);
        expect(plat.time.wallClockNs()).toBe(BigInt(plat.time.monotonicNs()));
      }));
  });
}
