// MTimer.mtimeNumber (the `time` CSR's read, no BigInt while mtime is below 2^53) against mtime()
// read as the CSR did before (signed 64-bit as a number): equal for every mtime the guest can write,
// including past 2^53 and with bit 63 set, on a virtual clock stepped between reads.
import { describe, expect, it } from 'vitest';
import { MachineClock } from '../../src/machine/clock';
import { MTimer } from '../../src/machine/devices/clint';

const harts = [{ setIrqLine: () => {} }];

describe('MTimer.mtimeNumber', () => {
  it('agrees with mtime() for every written value and as the clock moves', () => {
    const clock = new MachineClock('virtual');
    const t = new MTimer(clock, harts);
    const same = () => expect(t.mtimeNumber()).toBe(Number(BigInt.asIntN(64, t.mtime())));
    same();
    clock.advanceTo(123_456_789);
    same();
    expect(t.mtimeNumber()).toBe(1_234_567);
    for (const v of [
      0n,
      1n,
      0xffff_ffffn,
      1n << 32n,
      (1n << 52n) - 1n,
      (1n << 53n) - 5n, // crosses 2^53 as the clock moves: the BigInt path takes over
      1n << 60n,
      (1n << 63n) - 1n,
      1n << 63n, // bit 63: a negative number, as the CSR always read it
      0xffff_ffff_ffff_fff0n, // wraps through 0 as the clock moves
    ]) {
      t.write64(0x7ff8, v);
      same();
      for (let i = 1; i <= 3; i++) {
        clock.advanceTo(123_456_789 + i * 1000);
        same();
      }
    }
    t.write64(0x7ff8, 0xffff_ffff_ffff_fff0n);
    clock.advanceTo(123_456_789 + 10_000); // +100 ticks from the write: wrapped past 0
    same();
    expect(t.mtimeNumber()).toBeGreaterThan(0);
    t.reset();
    same();
  });
});
