// sifive_test finisher at 0x00100000 (REFERENCE.md §14; QEMU hw/misc/sifive_test.c): writes at offset 0
// of PASS (0x5555) power off with 0, (code << 16) | FAIL (0x3333) with `code`, RESET (0x7777) reboot.
import { FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET } from '../../isa/memmap';
import type { MmioDevice } from '../mmio';

export interface PowerControl {
  powerOff(status: number): void;
  reset(): void;
}

export class SifiveTest implements MmioDevice {
  readonly name = 'riscv.sifive.test';
  readonly size = 0x1000;
  readonly validMin = 2;
  readonly validMax = 4;

  /** `-d guest_errors`: a write that is no command (QEMU's message). */
  guestError: (line: string) => void = () => {};

  constructor(private readonly power: PowerControl) {}

  read(): number {
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    const status = value & 0xffff;
    const code = (value >>> 16) & 0xffff;
    if (offset === 0 && status === FINISHER_FAIL) this.power.powerOff(code);
    else if (offset === 0 && status === FINISHER_PASS) this.power.powerOff(0);
    else if (offset === 0 && status === FINISHER_RESET) this.power.reset();
    else
      this.guestError(
        `sifive_test_write: write: addr=0x${offset.toString(16)} val=0x${(value >>> 0).toString(16).padStart(16, '0')}`,
      );
  }
}
