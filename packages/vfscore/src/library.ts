// The vfscore library: one RkVfsCore per image (shared with the fs-type libraries, whatever their
// init order) and, at the rootfs init level, the root mount, the initrd and the fstab mounts.
import { Errno, RkError } from '@runikraft/errno';
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import type { RkPlat } from '@runikraft/rkplat';
import { coarseWallClock } from './clock';
import { unpackCpio } from './initrd';
import { RkVfsCore } from './vfs';

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    vfscore: RkVfsCore;
  }
}

/**
 * The image's vfscore: the one in the registry, or a new one provided there (file times from the
 * RTC's wall clock, read at most once a millisecond as Linux's coarse clock).
 */
export function vfscoreOf(registry: RkRegistry, plat: RkPlat): RkVfsCore {
  const have = registry.tryGet('vfscore');
  if (have) return have;
  const v = new RkVfsCore({ now: coarseWallClock(plat.time) });
  registry.provide('vfscore', v);
  return v;
}

export const VFSCORE_PARAMS = {
  rootfs: {
    type: 'string',
    default: 'ramfs',
    doc: "file-system type mounted on / ('initrd': a ramfs filled from the initrd; '' none)",
  },
  rootdev: { type: 'string', default: 'none', doc: 'source of the root mount' },
  rootopts: { type: 'string', default: '', doc: 'options of the root mount' },
  rootflags: {
    type: 'number',
    default: 0,
    min: 0,
    integer: true,
    doc: 'flags of the root mount (1 = read-only)',
  },
  fstab: {
    type: 'string',
    default: '',
    doc: 'more mounts, space-separated source:target:type[:flags[:options[:mkmp]]]',
  },
} as const;

/** `vfs.rootfs=`, `vfs.fstab=` ... (Unikraft's parameter names). */
export const library = defineLibrary({
  name: 'vfscore',
  version: '0.1.0',
  provides: ['vfscore'],
  requires: ['rkplat'],
  initLevel: 'rootfs',
  paramPrefix: 'vfs',
  params: VFSCORE_PARAMS,
  async init({ registry, plat, params }) {
    const v = vfscoreOf(registry, plat);
    const initrd = params.rootfs === 'initrd';
    if (params.rootfs !== '') {
      const type = initrd ? 'ramfs' : params.rootfs;
      const r = await v.mount(params.rootdev, '/', type, params.rootflags, params.rootopts);
      if (r < 0)
        throw new RkError(
          r,
          `mounting the root (vfs.rootfs=${params.rootfs}${r === -Errno.ENODEV ? `: no such file-system type; composed: ${[...v.st.fsTypes.keys()].join(', ') || 'none'}` : ''})`,
        );
    }
    if (initrd) {
      const range = plat.bootinfo.initrd;
      if (!range)
        throw new RkError(
          Errno.ENOENT,
          'vfs.rootfs=initrd but the machine has no initrd (-initrd FILE)',
        );
      const phys = plat.memory.phys;
      const n = await unpackCpio(
        v,
        phys.u8.subarray(range.start - phys.base, range.end - phys.base),
      );
      plat.console.out(`vfscore: initrd: ${n} entries unpacked to /\n`);
    }
    if (params.fstab !== '') {
      const r = await v.mountFstab(params.fstab);
      if (r !== 0) throw new RkError(Errno.EINVAL, r);
    }
  },
  // After main returned (rkboot runs term only then: a panic powers off without it, so a kernel in
  // an unknown state never writes to a disk — the journal keeps what was committed). A failing mount
  // is logged with its mount point and the others still go down; power-off proceeds either way.
  async term({ registry }) {
    const v = registry.tryGet('vfscore');
    if (!v) return;
    for (const p of await v.shutdown()) registry.get('rkdebug').err(`vfscore: ${p}`);
  },
});
