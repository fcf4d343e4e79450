// Test taps on the machine: record what the kernel wrote to the finisher and asked of the SBI firmware.
import type { Machine } from '../../src/machine';

/** Logs finisher writes (`finisher 0x…`) and SBI calls (`sbi eid fid args…`) into `log`. Idempotent. */
export function tapPower(m: Machine, log: string[]): void {
  const f = m.board.finisher as typeof m.board.finisher & { tapped?: true };
  if (f.tapped) return;
  f.tapped = true;
  const write = f.write.bind(f);
  f.write = (off: number, size: number, v: number) => {
    log.push(`finisher 0x${v.toString(16)}`);
    write(off, size, v);
  };
  const sbi = m.host.sbiCall.bind(m.host);
  m.host.sbiCall = (h, eid, fid, a) => {
    log.push(`sbi 0x${eid.toString(16)} ${fid} ${a.join(' ')}`);
    return sbi(h, eid, fid, a);
  };
}
