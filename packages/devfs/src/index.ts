// @runikraft/devfs: device nodes for vfscore (Unikraft lib/devfs), mounted on /dev at boot.
import { Errno, RkError } from '@runikraft/errno';
import { defineLibrary } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import type {} from '@runikraft/rkswrand';
import { O_RDWR, vfscoreOf } from '@runikraft/vfscore';
import type { RkFsType } from '@runikraft/vfscore/driver';
import {
  consoleDevice,
  fullDevice,
  nullDevice,
  type RkConsolePort,
  type RkDevfsDevice,
  randomDevice,
  zeroDevice,
} from './device';
import { Devfs } from './fs';

export * from './device';
export { DEVFS_MAGIC, Devfs, type DevHandle, type DevNode } from './fs';

/** What the standard nodes need; each absent part leaves its nodes out. */
export interface RkDevfsSources {
  rng?: { getrandom(buf: Uint8Array, flags?: number): number; addEntropy(b: Uint8Array): void };
  console?: RkConsolePort;
  /** Console input through the canonical line discipline (tty.ts); raw bytes when false or absent. */
  consoleCanonical?: boolean;
  /** More devices for every mount (name → device). */
  extra?: ReadonlyMap<string, RkDevfsDevice>;
}

/** The `devfs` type: each mount has null, zero, full, and random/urandom/console when given. */
export function createDevfsType(src: RkDevfsSources = {}): RkFsType {
  return {
    name: 'devfs',
    mount(args) {
      if (args.options !== '') return -Errno.EINVAL;
      const fs = new Devfs(args.env);
      fs.add('null', nullDevice);
      fs.add('zero', zeroDevice);
      fs.add('full', fullDevice);
      if (src.rng) {
        fs.add('random', randomDevice(8, src.rng));
        fs.add('urandom', randomDevice(9, src.rng));
      }
      if (src.console)
        fs.add('console', consoleDevice(src.console, { canonical: src.consoleCanonical }));
      for (const [name, dev] of src.extra ?? []) fs.add(name, dev);
      return fs;
    },
  };
}

export const DEVFS_PARAMS = {
  automount: { type: 'boolean', default: true, doc: 'mount devfs on /dev at boot' },
  stdio: {
    type: 'boolean',
    default: true,
    doc: 'open /dev/console as descriptors 0, 1 and 2 when none is open',
  },
  icanon: {
    type: 'boolean',
    default: true,
    doc: 'console input in canonical mode (echo, line editing, CR as NL, Ctrl-D as EOF); false: raw bytes',
  },
} as const;

/** Registers `devfs` and (devfs.automount) mounts it on /dev after the root, then the stdio descriptors. */
export const library = defineLibrary({
  name: 'devfs',
  version: '0.1.0',
  provides: ['devfs'],
  requires: ['vfscore'],
  initLevel: 'sys',
  params: DEVFS_PARAMS,
  async init({ registry, plat, params }) {
    const v = vfscoreOf(registry, plat);
    const sched = registry.tryGet('rksched');
    // One listener on the platform console's input interrupt, set at the first blocked read or
    // poll watcher: it wakes the reads and tells the watchers.
    const listeners = new Set<() => void>();
    let hooked = false;
    const listen = (l: () => void): (() => void) => {
      if (!hooked) {
        plat.console.onInput(() => {
          for (const f of [...listeners]) f();
        });
        hooked = true;
      }
      listeners.add(l);
      return () => void listeners.delete(l);
    };
    let wq: ReturnType<NonNullable<typeof sched>['waitQueue']> | null = null;
    const console: RkConsolePort = {
      out: (b) => plat.console.out(b),
      in: (b) => plat.console.in(b),
      onInput: listen,
      ...(sched && {
        waitInput: () => {
          if (!wq) {
            const q = sched.waitQueue();
            listen(() => q.wakeAll());
            wq = q;
          }
          // no lost wake-up: nothing runs between the empty read and this park (DESIGN §4)
          return wq.wait();
        },
      }),
    };
    v.registerFsType(
      createDevfsType({
        rng: registry.tryGet('rkswrand'),
        console,
        consoleCanonical: params.icanon,
      }),
    );
    if (!params.automount) return;
    const r = await v.mkdir('/dev', 0o755);
    if (r < 0 && r !== -Errno.EEXIST) throw new RkError(r, 'devfs: creating /dev');
    const m = await v.mount('devfs', '/dev', 'devfs');
    if (m < 0) throw new RkError(m, 'devfs: mounting /dev');
    if (params.stdio && v.fcntl(0, 1) === -Errno.EBADF) {
      const fd = await v.open('/dev/console', O_RDWR);
      if (fd !== 0)
        throw new RkError(
          fd < 0 ? fd : Errno.EBUSY,
          `devfs: opening /dev/console as fd 0 gave ${fd}`,
        );
      v.dup2(0, 1);
      v.dup2(0, 2);
    }
  },
});
