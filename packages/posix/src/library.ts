// The posix library: provides the `posix` API, which makes processes (descriptor table, threads,
// environment) over the composed kernel — vfscore for files and the console, rksched/rklock for
// threads, rktime's clocks, rkswrand for getrandom and rknet for sockets when composed.
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import type {} from '@runikraft/rknet';
import type {} from '@runikraft/rkswrand';
import { getTime } from '@runikraft/rktime';
import type {} from '@runikraft/vfscore';
import { RkPosix, type RkPosixOptions } from './process';

/** What a new process gets beyond the kernel's services. */
export interface RkProcessSpec {
  argv?: readonly string[];
  env?: readonly string[];
  /**
   * The kernel's descriptors (vfscore's 0, 1, 2 on /dev/console at boot) to give the process as
   * its own 0, 1, 2 (each a duplicate: closing it leaves the kernel's open). Default [0, 1, 2].
   */
  stdio?: readonly number[];
  uname?: RkPosixOptions['uname'];
}

/** The `posix` API. */
export interface RkPosixApi {
  /** A new process with its own descriptor table (stdio duplicated from the kernel's). */
  createProcess(spec?: RkProcessSpec): Promise<RkPosix>;
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    posix: RkPosixApi;
  }
}

/** The `posix` API over a booted image's registry. */
export function createPosixApi(registry: RkRegistry): RkPosixApi {
  let nextPid = 1;
  return {
    async createProcess(spec = {}) {
      const vfs = registry.tryGet('vfscore') ?? null;
      const clocks = getTime(registry).clocks;
      const p = new RkPosix({
        sched: registry.get('rksched'),
        clockNs: (id) => clocks.nowNs(id as 0 | 1 | 2 | 3),
        vfs,
        random: registry.tryGet('rkswrand') ?? null,
        net: () => registry.tryGet('rknet') ?? null,
        argv: spec.argv,
        env: spec.env,
        pid: nextPid++,
        uname: spec.uname,
      });
      if (vfs) await inheritStdio(p, spec.stdio ?? [0, 1, 2]);
      return p;
    },
  };
}

/**
 * Gives `p` duplicates of the kernel's vfscore descriptors `fds` as its 0, 1, 2 ... — except where
 * `p` already has that descriptor (a pipe made its stdin), which it keeps.
 */
export async function inheritStdio(p: RkPosix, fds: readonly number[]): Promise<void> {
  const vfs = p.files.vfs;
  if (!vfs) return;
  for (const [i, kfd] of fds.entries()) {
    if (p.fdtab.get(i)) continue;
    const dup = vfs.dup(kfd);
    if (dup < 0) continue;
    await p.files.adopt(vfs, dup, false, i); // i is free: it lands there
  }
}

export const library = defineLibrary({
  name: 'posix',
  version: '0.1.0',
  provides: ['posix'],
  requires: ['rksched', 'rktime'],
  initLevel: 'sys',
  init({ registry }) {
    registry.provide('posix', createPosixApi(registry));
  },
});
