// Power control: SBI SRST in S-mode, the sifive_test finisher (syscon-poweroff) for exit codes and in M-mode.
// REFERENCE.md §14 and §16: FINISHER_FAIL carries a 16-bit code; SRST carries only success/failure.

import type { Hart } from '../isa/hart';
import { FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET } from '../isa/memmap';
import {
  SBI_EXT_SRST,
  SBI_SRST_REASON_NONE,
  SBI_SRST_REASON_SYSFAIL,
  SBI_SRST_SYSTEM_RESET,
  SBI_SRST_TYPE_COLD_REBOOT,
  SBI_SRST_TYPE_SHUTDOWN,
} from '../isa/sbi';

/** Thrown if the hardware ignored a power-off request (it should never return). */
export class PowerOffFailed extends Error {
  constructor(what: string) {
    super(`${what} did not stop the machine`);
    this.name = 'PowerOffFailed';
  }
}

export class PlatPower {
  constructor(
    private readonly hart: Hart,
    private readonly finisher: number | null,
  ) {}

  shutdown(status: number): never {
    const code = status & 0xffff;
    if (code !== 0 && this.finisher !== null) {
      this.hart.store32(this.finisher, ((code << 16) | FINISHER_FAIL) >>> 0);
    } else if (this.hart.mode === 'S') {
      const reason = code === 0 ? SBI_SRST_REASON_NONE : SBI_SRST_REASON_SYSFAIL;
      this.hart.ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN, reason);
    } else if (this.finisher !== null) {
      this.hart.store32(this.finisher, FINISHER_PASS);
    }
    throw new PowerOffFailed('shutdown');
  }

  restart(): never {
    if (this.hart.mode === 'S')
      this.hart.ecall(
        SBI_EXT_SRST,
        SBI_SRST_SYSTEM_RESET,
        SBI_SRST_TYPE_COLD_REBOOT,
        SBI_SRST_REASON_NONE,
      );
    else if (this.finisher !== null) this.hart.store32(this.finisher, FINISHER_RESET);
    throw new PowerOffFailed('restart');
  }

  crash(status = 1): never {
    return this.shutdown(status === 0 ? 1 : status);
  }
}
