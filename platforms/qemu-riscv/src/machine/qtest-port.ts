// The machine as the qtest protocol sees it (QEMU softmmu/qtest.c): debug reads/writes of the physical
// address space (holes read 0), the qtest-driven virtual clock and the GPIO commands.
import type { PhysBus } from './bus';
import type { MachineClock } from './clock';
import type { QtestIrq } from './qtest-irq';

const U64 = (1n << 64n) - 1n;

export class QtestPort {
  /** @internal made by the machine */
  constructor(
    private readonly bus: PhysBus,
    private readonly clock: MachineClock,
    /** irq_intercept_in/out and set_irq_in over the machine's QOM tree. @internal */
    readonly irq: QtestIrq,
  ) {}

  /** address_space_read of `len` bytes (addresses beyond 2^53 are holes). */
  readBytes(addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    // Split at 2^64 wrap-around, as QEMU's address arithmetic does not wrap within one access.
    const a = addr & U64;
    if (a + BigInt(len) > 1n << 53n) {
      for (let i = 0; i < len; i++) {
        const b = a + BigInt(i);
        if (b < 1n << 53n) out[i] = this.bus.debugRead(Number(b), 1)[0];
      }
      return out;
    }
    return this.bus.debugRead(Number(a), len);
  }

  writeBytes(addr: bigint, data: Uint8Array): void {
    const a = addr & U64;
    if (a + BigInt(data.length) > 1n << 53n) {
      for (let i = 0; i < data.length; i++) {
        const b = a + BigInt(i);
        if (b < 1n << 53n) this.bus.debugWrite(Number(b), data.subarray(i, i + 1));
      }
      return;
    }
    this.bus.debugWrite(Number(a), data);
  }

  /** A `width`-byte little-endian read (the rk CLI's QtestTarget). */
  read(addr: bigint, width: 1 | 2 | 4 | 8): bigint {
    const b = this.readBytes(addr, width);
    let v = 0n;
    for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  write(addr: bigint, width: 1 | 2 | 4 | 8, value: bigint): void {
    const b = new Uint8Array(width);
    for (let i = 0; i < width; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.writeBytes(addr, b);
  }

  /** QEMU_CLOCK_VIRTUAL in ns. */
  clockNs(): bigint {
    return BigInt(this.clock.nowNs());
  }

  /** clock_step: by `ns`, or to the next timer deadline (nothing armed: no move). */
  clockStep(ns?: bigint): void {
    const now = this.clock.nowNs();
    if (ns === undefined) {
      const next = this.clock.nextDeadline();
      if (Number.isFinite(next)) this.warp(next);
      return;
    }
    this.warp(now + Number(ns));
  }

  /** clock_set: to `ns` (never backwards). */
  clockSet(ns: bigint): void {
    this.warp(Number(ns));
  }

  /** qtest_clock_warp: advance deadline by deadline, running each timer at its own time. */
  private warp(dest: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const now = this.clock.nowNs();
      if (now >= dest) return;
      const next = this.clock.nextDeadline();
      this.clock.advanceTo(Math.min(dest, next));
    }
  }
}
