// Test helpers: tiny guest images written against the Hart contract only, and machine builders.
import type { Hart, ImageEntry } from '../../src/isa/hart';
import { FINISHER_FAIL, FINISHER_PASS, VIRT_TEST, VIRT_UART0 } from '../../src/isa/memmap';
import { SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET } from '../../src/isa/sbi';
import { BufferConsole, Machine, type MachineOptions } from '../../src/machine';

/** Polled UART output, as a minimal driver (REFERENCE.md §12). */
export function uartPuts(hart: Hart, s: string): void {
  for (const c of new TextEncoder().encode(s)) {
    while (!(hart.load8(VIRT_UART0 + 5) & 0x20));
    hart.store8(VIRT_UART0, c);
  }
}

/** Powers off with `status`: SRST in S-mode (status 0/1), the finisher otherwise. */
export function powerOff(hart: Hart, status: number): never {
  if (hart.mode === 'S' && status <= 1) hart.ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, status);
  else hart.store32(VIRT_TEST, status ? ((status << 16) | FINISHER_FAIL) >>> 0 : FINISHER_PASS);
  throw new Error('power-off returned');
}

/** A machine with a BufferConsole, a fixed rng seed and the given options. */
export function testMachine(opts: MachineOptions = {}): { m: Machine; con: BufferConsole } {
  const con = new BufferConsole();
  const m = new Machine({
    memory: 16 * 1024 * 1024,
    rngSeed: new Uint8Array(32).fill(7),
    console: con,
    ...opts,
  });
  return { m, con };
}

/** Boots `body` as the image; the guest powers off with body's return value. */
export async function runGuest(
  opts: MachineOptions,
  body: (hart: Hart, a0: number, a1: number) => number | Promise<number>,
) {
  const { m, con } = testMachine(opts);
  const entry: ImageEntry = async (hart, a0, a1) => {
    const status = await body(hart, a0, a1);
    powerOff(hart, status);
  };
  const exit = await m.boot(entry);
  return { exit, out: con.output, m, con };
}
