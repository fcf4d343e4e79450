// Test harness: a round-robin scheduler on the simulated platform (virtual clock: a halt jumps to
// the next deadline), rktime's clocks over it, and a process; `withFs` adds vfscore over ramfs.
import { createRamfsType } from '@runikraft/ramfs';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { RkClocks } from '@runikraft/rktime';
import { RkVfsCore } from '@runikraft/vfscore';
import { RkPosix, type RkPosixOptions } from '../src/index';

export function setup(opts: Partial<RkPosixOptions> = {}) {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 8 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const clocks = new RkClocks(plat.time, sched);
  const px = new RkPosix({
    sched,
    clockNs: (id) => clocks.nowNs(id as 0 | 1 | 2 | 3),
    ...opts,
  });
  /** Runs `body` as the main thread; returns its status. */
  const run = (body: () => Promise<unknown>) =>
    sched.runMain(async () => {
      await body();
      return 0;
    });
  return { plat, sched, clocks, px, run };
}

/** As setup, with vfscore over ramfs mounted on / (in the simulated RAM). */
export async function withFs(opts: Partial<RkPosixOptions> = {}) {
  const plat0 = createSimPlat({ memBytes: 8 << 20 });
  const phys = plat0.memory.phys;
  const vfs = new RkVfsCore({ now: () => ({ sec: 1_700_000_000, nsec: 0 }) });
  vfs.registerFsType(createRamfsType(createBuddyAlloc(phys, phys.base, phys.size)));
  const r = await vfs.mount('none', '/', 'ramfs');
  if (r !== 0) throw new Error(`mount: ${r}`);
  return { ...setup({ vfs, ...opts }), vfs };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
