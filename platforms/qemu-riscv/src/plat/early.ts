// Early console and panic, before the device tree is parsed: SBI legacy putchar in S-mode, the `virt`
// machine's UART0 and finisher at their fixed addresses in M-mode (as Linux's earlycon does).
import { utf8Encode } from '@runikraft/fdt';
import type { Hart } from '../isa/hart';
import { FINISHER_FAIL, VIRT_TEST, VIRT_UART0 } from '../isa/memmap';
import {
  SBI_EXT_LEGACY_CONSOLE_PUTCHAR,
  SBI_EXT_SRST,
  SBI_SRST_REASON_SYSFAIL,
  SBI_SRST_SYSTEM_RESET,
  SBI_SRST_TYPE_SHUTDOWN,
} from '../isa/sbi';

function earlyPuts(hart: Hart, s: string): void {
  for (const b of utf8Encode(s)) {
    if (hart.mode === 'S') hart.ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, b);
    else hart.store8(VIRT_UART0, b);
  }
}

/** Prints `reason` and powers off with status 1. Never returns. */
export function earlyPanic(hart: Hart, reason: string): never {
  earlyPuts(hart, `PANIC (early): ${reason}\n`);
  if (hart.mode === 'S')
    hart.ecall(
      SBI_EXT_SRST,
      SBI_SRST_SYSTEM_RESET,
      SBI_SRST_TYPE_SHUTDOWN,
      SBI_SRST_REASON_SYSFAIL,
    );
  else hart.store32(VIRT_TEST, ((1 << 16) | FINISHER_FAIL) >>> 0);
  throw new Error(`early panic did not stop the machine: ${reason}`);
}
