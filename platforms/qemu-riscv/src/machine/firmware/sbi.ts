// The SBI firmware that S-mode kernels call (REFERENCE.md §16; SBI spec v2.0; behaviour and error codes of
// OpenSBI v1.1 on virt): BASE, TIME, IPI, RFENCE, HSM, SRST, legacy v0.1 calls and, beyond v1.1, DBCN.
import { EXC_LOAD_ACCESS_FAULT, IRQ_S_SOFT } from '../../isa/csr';
import type { SbiRet } from '../../isa/hart';
import * as S from '../../isa/sbi';
import { toU64 } from '../hart/csr-encoding';
import type { HartImpl } from '../hart/hart';
import { type HsmControl, hsmCall } from './hsm';

const IMPL_ID_OPENSBI = 1;
const IMPL_VERSION = 0x10001; // OpenSBI v1.1
const MARCHID = 0x70216;
const EXT_LEGACY_LAST = 0x0f;

/** What the firmware drives: console (through the UART registers), power, harts, guest memory. */
export interface SbiPlatform extends HsmControl {
  uartRead(reg: number): number;
  uartWrite(reg: number, value: number): void;
  powerOff(status: number): void;
  reset(): void;
  /** An S-mode load of 8 bytes (PMP applies). @returns null on an access fault. */
  loadU64(hart: HartImpl, pa: number): bigint | null;
  /** Guest RAM that S-mode may use for DBCN buffers: the range lies in RAM outside the firmware. */
  ramRange(pa: number, len: number): Uint8Array | null;
  /** DBCN present (SBI 2.0) — OpenSBI v1.1 lacks it; the model has it unless disabled. */
  dbcn: boolean;
}

const ok = (value = 0): SbiRet => ({ error: S.SBI_SUCCESS, value });
const err = (error: number): SbiRet => ({ error, value: 0 });

/** uart8250_putc: wait for THRE, write THR. */
function putc(p: SbiPlatform, ch: number): void {
  for (let i = 0; i < 1000 && !(p.uartRead(5) & 0x20); i++);
  p.uartWrite(0, ch & 0xff);
}

/** uart8250_getc: RBR if LSR.DR, else -1. */
function getc(p: SbiPlatform): number {
  return p.uartRead(5) & 0x01 ? p.uartRead(0) : -1;
}

/** Harts targeted by (hart_mask, hart_mask_base) that can take an IPI. @returns them or an SBI error. */
export function ipiTargets(p: HsmControl, mask: number, base: number): number[] | number {
  const all = toU64(base) === 0xffffffffffffffffn;
  const n = p.hartCount();
  const b = all ? 0 : base;
  if (!all && (!Number.isSafeInteger(b) || b < 0 || b >= n)) return S.SBI_ERR_INVALID_PARAM;
  const m = all ? 0xffffffffffffffffn : toU64(mask);
  const out: number[] = [];
  for (let i = 0; i < 64 && b + i < n; i++)
    if ((m >> BigInt(i)) & 1n && p.hartState(b + i) === S.SBI_HSM_STATE_STARTED) out.push(b + i);
  return out;
}

function base(p: SbiPlatform, fid: number, a: readonly number[]): SbiRet {
  switch (fid) {
    case S.SBI_BASE_GET_SPEC_VERSION:
      return ok(p.dbcn ? 0x02000000 : 0x01000000);
    case S.SBI_BASE_GET_IMPL_ID:
      return ok(IMPL_ID_OPENSBI);
    case S.SBI_BASE_GET_IMPL_VERSION:
      return ok(IMPL_VERSION);
    case S.SBI_BASE_PROBE_EXT:
      return ok(probe(p, a[0] ?? 0) ? 1 : 0);
    case S.SBI_BASE_GET_MVENDORID:
      return ok(0);
    case S.SBI_BASE_GET_MARCHID:
    case S.SBI_BASE_GET_MIMPID:
      return ok(MARCHID);
    default:
      return err(S.SBI_ERR_NOT_SUPPORTED);
  }
}

function probe(p: SbiPlatform, eid: number): boolean {
  if (eid >= 0 && eid <= EXT_LEGACY_LAST) return true;
  return (
    [
      S.SBI_EXT_BASE,
      S.SBI_EXT_TIME,
      S.SBI_EXT_IPI,
      S.SBI_EXT_RFENCE,
      S.SBI_EXT_HSM,
      S.SBI_EXT_SRST,
    ].includes(eid) ||
    (p.dbcn && eid === S.SBI_EXT_DBCN)
  );
}

function systemReset(p: SbiPlatform, type: number, reason: number): SbiRet {
  if (
    !(type >= 0 && type <= 2) ||
    !(reason === S.SBI_SRST_REASON_NONE || reason === S.SBI_SRST_REASON_SYSFAIL)
  )
    return err(S.SBI_ERR_INVALID_PARAM);
  if (type === S.SBI_SRST_TYPE_SHUTDOWN) p.powerOff(reason === S.SBI_SRST_REASON_SYSFAIL ? 1 : 0);
  else p.reset();
  return err(S.SBI_ERR_FAILED); // not reached: the hart stops inside powerOff/reset
}

function dbcn(p: SbiPlatform, fid: number, a: readonly number[]): SbiRet {
  const [num = 0, lo = 0, hi = 0] = a;
  if (fid === 2) {
    putc(p, a[0] ?? 0);
    return ok(0);
  }
  if (fid !== 0 && fid !== 1) return err(S.SBI_ERR_NOT_SUPPORTED);
  const buf = hi === 0 ? p.ramRange(lo, num) : null;
  if (!buf) return err(S.SBI_ERR_INVALID_PARAM);
  if (fid === 0) {
    for (const b of buf) putc(p, b);
    return ok(buf.length);
  }
  let n = 0;
  for (; n < buf.length; n++) {
    const c = getc(p);
    if (c < 0) break;
    buf[n] = c;
  }
  return ok(n);
}

/** Legacy v0.1 calls return their result in a0 only; a1 keeps the caller's value. */
function legacy(p: SbiPlatform, hart: HartImpl, eid: number, a: readonly number[]): SbiRet {
  const ret = (v: number): SbiRet => ({ error: v, value: a[1] ?? 0 });
  switch (eid) {
    case S.SBI_EXT_LEGACY_SET_TIMER:
      hart.writeStimecmp(toU64(a[0] ?? 0));
      return ret(0);
    case S.SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
      putc(p, a[0] ?? 0);
      return ret(0);
    case S.SBI_EXT_LEGACY_CONSOLE_GETCHAR:
      return ret(getc(p));
    case S.SBI_EXT_LEGACY_CLEAR_IPI:
      hart.setIrqLine(IRQ_S_SOFT, false);
      return ret(0);
    case S.SBI_EXT_LEGACY_SEND_IPI:
    case 0x05:
    case 0x06:
    case 0x07: {
      const mask = p.loadU64(hart, a[0] ?? 0);
      if (mask === null) {
        // OpenSBI redirects the faulting unprivileged load to S-mode; a0 is left as it was.
        hart.trap(EXC_LOAD_ACCESS_FAULT, false, a[0] ?? 0);
        return { error: a[0] ?? 0, value: a[1] ?? 0 };
      }
      if (eid === S.SBI_EXT_LEGACY_SEND_IPI) {
        const t = ipiTargets(p, Number(mask), 0);
        if (typeof t === 'number') return ret(t);
        for (const h of t) p.raiseSsip(h);
      }
      return ret(0);
    }
    case S.SBI_EXT_LEGACY_SHUTDOWN:
      p.powerOff(0);
      return ret(0);
    default:
      return ret(S.SBI_ERR_NOT_SUPPORTED);
  }
}

/** One S-mode ecall (a7 = eid, a6 = fid, a0..a5 = args). */
export function sbiCall(
  p: SbiPlatform,
  hart: HartImpl,
  eid: number,
  fid: number,
  a: readonly number[],
): SbiRet {
  if (eid >= 0 && eid <= EXT_LEGACY_LAST) return legacy(p, hart, eid, a);
  switch (eid) {
    case S.SBI_EXT_BASE:
      return base(p, fid, a);
    case S.SBI_EXT_TIME:
      if (fid !== S.SBI_TIME_SET_TIMER) return err(S.SBI_ERR_NOT_SUPPORTED);
      hart.writeStimecmp(toU64(a[0] ?? 0));
      return ok(0);
    case S.SBI_EXT_IPI: {
      if (fid !== S.SBI_IPI_SEND_IPI) return err(S.SBI_ERR_NOT_SUPPORTED);
      const t = ipiTargets(p, a[0] ?? 0, a[1] ?? 0);
      if (typeof t === 'number') return err(t);
      for (const h of t) p.raiseSsip(h);
      return ok(0);
    }
    case S.SBI_EXT_RFENCE: {
      if (fid < 0 || fid > 6) return err(S.SBI_ERR_NOT_SUPPORTED);
      const t = ipiTargets(p, a[0] ?? 0, a[1] ?? 0);
      return typeof t === 'number' ? err(t) : ok(0); // no TLBs or caches to flush in this model
    }
    case S.SBI_EXT_HSM:
      return hsmCall(p, hart, fid, a);
    case S.SBI_EXT_SRST:
      if (fid !== S.SBI_SRST_SYSTEM_RESET) return err(S.SBI_ERR_NOT_SUPPORTED);
      return systemReset(p, a[0] ?? 0, a[1] ?? 0);
    case S.SBI_EXT_DBCN:
      return p.dbcn ? dbcn(p, fid, a) : err(S.SBI_ERR_NOT_SUPPORTED);
    default:
      return err(S.SBI_ERR_NOT_SUPPORTED);
  }
}
