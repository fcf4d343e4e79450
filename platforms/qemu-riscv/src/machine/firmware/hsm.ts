// SBI Hart State Management (SBI v2.0 §9; OpenSBI v1.1 lib/sbi/sbi_hsm.c error codes): hart 0 runs the
// image, the others start STOPPED; hart_start runs the image's secondary entry (ImageEntry.secondary) on
// the target with a0 = hartid, a1 = opaque. The model has no code at guest addresses: start_addr is
// checked as OpenSBI does, and any address S-mode may execute stands for the image's secondary entry.
import type { SbiRet } from '../../isa/hart';
import * as S from '../../isa/sbi';
import type { HartImpl } from '../hart/hart';

export const HSM_START_PENDING = 2;

export interface HsmControl {
  hartCount(): number;
  /** SBI_HSM_STATE_* of a hart. */
  hartState(hartid: number): number;
  /** Starts a stopped hart (state becomes START_PENDING, then STARTED when its entry runs). */
  startHart(hartid: number, startAddr: number, opaque: number): void;
  /** Stops the calling hart. */
  stopHart(hart: HartImpl): void;
  /** The image has a secondary entry (without one, no start address holds code a hart could run). */
  hasSecondaryEntry(): boolean;
  /** True where S-mode may not execute (OpenSBI's own image). */
  firmwareOwns(pa: number): boolean;
  raiseSsip(hartid: number): void;
}

const RET_DEFAULT = 0x00000000;
const NON_RET_DEFAULT = 0x80000000;

export function hsmCall(p: HsmControl, hart: HartImpl, fid: number, a: readonly number[]): SbiRet {
  const err = (error: number): SbiRet => ({ error, value: 0 });
  const valid = (h: number) => Number.isSafeInteger(h) && h >= 0 && h < p.hartCount();
  switch (fid) {
    case S.SBI_HSM_HART_START: {
      const [h = -1, addr = 0, opaque = 0] = a;
      if (!valid(h)) return err(S.SBI_ERR_INVALID_PARAM);
      if (p.firmwareOwns(addr)) return err(S.SBI_ERR_INVALID_ADDRESS);
      const st = p.hartState(h);
      if (st === S.SBI_HSM_STATE_STARTED) return err(S.SBI_ERR_ALREADY_AVAILABLE);
      if (st !== S.SBI_HSM_STATE_STOPPED) return err(S.SBI_ERR_INVALID_PARAM);
      if (!p.hasSecondaryEntry()) return err(S.SBI_ERR_INVALID_ADDRESS); // no code at start_addr
      p.startHart(h, addr, opaque);
      return { error: S.SBI_SUCCESS, value: 0 };
    }
    case S.SBI_HSM_HART_STOP:
      p.stopHart(hart);
      return err(S.SBI_ERR_FAILED); // not reached for a started hart
    case S.SBI_HSM_HART_GET_STATUS: {
      const h = a[0] ?? -1;
      if (!valid(h)) return err(S.SBI_ERR_INVALID_PARAM);
      return { error: S.SBI_SUCCESS, value: p.hartState(h) };
    }
    case S.SBI_HSM_HART_SUSPEND: {
      const type = (a[0] ?? 0) >>> 0;
      // Retentive default suspend behaves as wfi; returning at once is an allowed (spurious) wake-up.
      if (type === RET_DEFAULT) return { error: S.SBI_SUCCESS, value: 0 };
      if (type === NON_RET_DEFAULT) return err(S.SBI_ERR_NOT_SUPPORTED);
      return err(S.SBI_ERR_INVALID_PARAM);
    }
    default:
      return err(S.SBI_ERR_NOT_SUPPORTED);
  }
}
