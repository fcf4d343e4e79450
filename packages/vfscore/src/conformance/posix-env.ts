// Runs a kit subject under a fresh vfscore instance mounted at "/", for the POSIX-level checks.
import { errnoName } from '@runikraft/errno';
import { RkVfsCore } from '../vfs';
import { fail, type RkFsKitFactory } from './env';

/** A wall clock for the kit: 2026-01-01, one microsecond per reading. */
export function kitClock(): () => { sec: number; nsec: number } {
  let us = Date.UTC(2026, 0, 1) * 1000;
  return () => {
    us++;
    return { sec: Math.floor(us / 1e6), nsec: (us % 1e6) * 1000 };
  };
}

export async function withVfs(
  make: RkFsKitFactory,
  fn: (v: RkVfsCore) => Promise<void>,
): Promise<void> {
  const s = await make();
  try {
    const v = new RkVfsCore({ now: kitClock() });
    v.registerFsType({ name: 'kit', mount: () => s.fs });
    const r = await v.mount('kit', '/', 'kit');
    if (r < 0) fail(`mounting the subject at / failed with ${errnoName(r)}`);
    await fn(v);
  } finally {
    await s.close?.();
  }
}

/** Asserts a call's result: `want` >= 0 exact success value (or any success if undefined), or -errno. */
export async function call(
  what: string,
  p: Promise<unknown> | unknown,
  want?: number,
): Promise<any> {
  const r = await p;
  const got = typeof r === 'number' ? r : 0;
  if (want === undefined ? got < 0 : got !== want)
    fail(
      `${what}: expected ${want === undefined ? 'success' : want < 0 ? errnoName(want) : want}, got ${got < 0 ? errnoName(got) : got}`,
    );
  return r;
}
