// The small-file workload of the in-process file-API benchmarks (vfs/main.ts, ext4/main.ts): `files`
// empty files created, stat'ed and unlinked in one new directory, on a vfscore instance and, as the
// baseline of the same run, with node:fs in a host directory. Both sides run the same steps.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { O_CREAT, O_WRONLY, type RkVfsCore } from '@runikraft/vfscore';

/** Operations per second of each step. */
export interface SmallFileRates {
  readonly create: number;
  readonly stat: number;
  readonly unlink: number;
}

const rates = (files: number, t: readonly number[]): SmallFileRates => {
  const rate = (ms: number) => files / (ms / 1e3);
  return { create: rate(t[1]! - t[0]!), stat: rate(t[2]! - t[1]!), unlink: rate(t[3]! - t[2]!) };
};

/** The workload in `/s` of `v` (which must not exist). */
export async function rkSmallFiles(v: RkVfsCore, files: number): Promise<SmallFileRates> {
  const names = Array.from({ length: files }, (_, i) => `/s/f${i}`);
  if ((await v.mkdir('/s', 0o755)) < 0) throw new Error('small files: mkdir /s failed');
  const t = [performance.now()];
  for (const n of names) await v.close(await v.open(n, O_CREAT | O_WRONLY, 0o644));
  t.push(performance.now());
  for (const n of names) await v.stat(n);
  t.push(performance.now());
  for (const n of names) await v.unlink(n);
  t.push(performance.now());
  await v.rmdir('/s');
  return rates(files, t);
}

/** The same workload with node:fs in `dir`/s. */
export function nodeSmallFiles(dir: string, files: number): SmallFileRates {
  const d = join(dir, 's');
  nfs.mkdirSync(d);
  const names = Array.from({ length: files }, (_, i) => join(d, `f${i}`));
  const t = [performance.now()];
  for (const n of names) nfs.closeSync(nfs.openSync(n, 'w', 0o644));
  t.push(performance.now());
  for (const n of names) nfs.statSync(n);
  t.push(performance.now());
  for (const n of names) nfs.unlinkSync(n);
  t.push(performance.now());
  nfs.rmdirSync(d);
  return rates(files, t);
}
