// @runikraft/ext4: ext2/ext3/ext4 file systems on rkblkdev disks as a vfscore file-system type.
import { Errno } from '@runikraft/errno';
import type { RkAlloc } from '@runikraft/rkalloc';
import type { RkBlkdevRegistry } from '@runikraft/rkblkdev';
import { defineLibrary } from '@runikraft/rkboot';
import { vfscoreOf } from '@runikraft/vfscore';
import type { RkFsMountArgs, RkFsType } from '@runikraft/vfscore/driver';
import { Ext4Fs } from './fs';
import { prepareJournal } from './jbd2/mount';
import { findDevice, parseExt4Options } from './options';
import type { Ext4MountError } from './superblock';
import { Ext4Volume } from './volume';

export { crc32c } from './crc32c';
export { Ext4Fs } from './fs';
export { dxHash } from './hash';
export { type Ext4Handle, Ext4Node } from './node';
export { type Ext4Options, parseExt4Options } from './options';
export { Ext4Volume } from './volume';

export interface Ext4TypeConfig {
  /** Where block cache buffers come from (guest RAM the device can DMA into). */
  readonly alloc: RkAlloc;
  readonly disks: RkBlkdevRegistry;
  /** Default block cache bound per mount, KiB (`cache=` overrides it per mount). */
  readonly cacheKiB?: number;
  /** Receives refusal reasons, corruption reports and warnings. */
  readonly log?: (line: string) => void;
}

/**
 * The `ext4` file-system type (also mounts ext2 and ext3): `mount({ source: '/dev/vda', options })`.
 * @returns from mount: the fs, or -EINVAL (bad options, not ext2/3/4, an unsupported incompat
 * feature — the log names it), -ENODEV (no such disk), -EUCLEAN (corrupt metadata), -EIO, -ENOMEM.
 */
export function createExt4Type(cfg: Ext4TypeConfig): RkFsType {
  const log = cfg.log ?? (() => {});
  return {
    name: 'ext4',
    async mount(args: RkFsMountArgs) {
      const o = parseExt4Options(args.options, { cacheKiB: cfg.cacheKiB ?? 8192, ro: false });
      if (typeof o === 'string') {
        log(`ext4: mount of '${args.source}' on ${args.target}: ${o}\n`);
        return -Errno.EINVAL;
      }
      const dev = findDevice(cfg.disks, args.source);
      if (typeof dev === 'string') {
        log(`ext4: ${dev}\n`);
        return -Errno.ENODEV;
      }
      const open = () =>
        Ext4Volume.open(dev, cfg.alloc, { cacheBytes: o.cacheKiB * 1024, log, name: args.source });
      const refused = (e: Ext4MountError) => {
        log(`ext4: cannot mount ${args.source} on ${args.target}: ${e.message}\n`);
        return -e.errno;
      };
      const first = await open();
      if (typeof first === 'number') return first;
      if (!(first instanceof Ext4Volume)) return refused(first);
      const why = [...first.sb.roReasons];
      for (const w of why) log(`ext4: ${args.source}: ${w}: mounted read-only\n`);
      const ro = args.readonly || o.ro || why.length > 0 || dev.info().readOnly;
      const jm = await prepareJournal(first, open, {
        writable: !ro,
        deviceReadOnly: dev.info().readOnly,
        now: args.env.now().sec,
        log: (l) => log(`ext4: ${args.source}: ${l}\n`),
      });
      if (typeof jm === 'number' || 'errno' in jm) return typeof jm === 'number' ? jm : refused(jm);
      const fs = await Ext4Fs.create(jm.vol, ro, args.env, jm.journal);
      if (typeof fs === 'number') jm.vol.cache.release();
      return fs;
    },
  };
}

export const EXT4_PARAMS = {
  cache: {
    type: 'number',
    default: 8192,
    min: 64,
    integer: true,
    doc: 'block cache bound per mount in KiB (LRU; the mount option cache= overrides it)',
  },
} as const;

/** Registers the `ext4` type with vfscore at `lib` level (disks are registered at `plat`). */
export const library = defineLibrary({
  name: 'ext4',
  version: '0.1.0',
  provides: ['ext4'],
  requires: ['rkalloc', 'rkblkdev', 'vfscore'],
  initLevel: 'lib',
  paramPrefix: 'ext4',
  params: EXT4_PARAMS,
  init({ registry, plat, params }) {
    vfscoreOf(registry, plat).registerFsType(
      createExt4Type({
        alloc: registry.get('rkalloc').forPurpose('ext4'),
        disks: registry.get('rkblkdev'),
        cacheKiB: params.cache,
        log: (line) => plat.console.out(line),
      }),
    );
  },
});
