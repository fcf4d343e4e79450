// Linux errno (what vfscore, rknet and rksched return as -errno) → WASI errno (what a preview1 import
// returns). The two numberings share names, so the table is built by name once.
import { Errno } from '@runikraft/errno';
import { WasiErrno } from './abi';

const ALIAS: Record<string, keyof typeof WasiErrno> = { OPNOTSUPP: 'NOTSUP' };

const LINUX_TO_WASI: number[] = (() => {
  const t: number[] = [];
  for (const [name, code] of Object.entries(Errno)) {
    const bare = name.slice(1);
    const w = ALIAS[bare] ?? bare;
    if (w in WasiErrno) t[code] = WasiErrno[w as keyof typeof WasiErrno];
  }
  return t;
})();

/**
 * The WASI errno for a kernel result: 0 for a non-negative result, the mapped code for `-errno`.
 * A Linux errno WASI has no name for (EUCLEAN, say) becomes EIO, the closest POSIX catch-all.
 */
export function wasiErrno(result: number): number {
  if (result >= 0) return WasiErrno.SUCCESS;
  return LINUX_TO_WASI[-result] ?? WasiErrno.IO;
}
