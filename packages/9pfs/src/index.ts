// @runikraft/9pfs: 9P2000.L shares as a vfscore file system (Unikraft lib/9pfs) over rk9p.
import { Errno } from '@runikraft/errno';
import {
  P9_GETATTR_BASIC,
  p9TransportRegistry,
  RkP9Client,
  type RkP9TransportRegistry,
} from '@runikraft/rk9p';
import { defineLibrary } from '@runikraft/rkboot';
import { vfscoreOf } from '@runikraft/vfscore';
import type { RkFsMountArgs, RkFsType } from '@runikraft/vfscore/driver';
import { P9fs } from './fs';
import { inoOf, P9Node, typeOfMode } from './node';
import { parseP9fsOptions } from './options';

export { P9fs, type P9Handle, V9FS_MAGIC } from './fs';
export { p9ReadFull, p9WriteFull } from './io';
export { P9Node } from './node';
export { type P9fsCache, type P9fsOptions, parseP9fsOptions } from './options';

/**
 * The `9pfs` file-system type: `mount({ source: mount tag, options })` connects over the transport
 * named by `trans=` (default: the first registered, virtio in an image), negotiates msize, attaches
 * `aname` and returns the mounted fs. `log` receives why a mount was refused.
 * @returns from mount: -EINVAL bad options, -ENODEV no transport or no such tag, -EIO/-errno from
 * the server (Tattach refused), -ENOMEM.
 */
export function create9pfsType(
  transports: RkP9TransportRegistry,
  log: (line: string) => void = () => {},
): RkFsType {
  return {
    name: '9pfs',
    async mount(args: RkFsMountArgs) {
      const o = parseP9fsOptions(args.options);
      if (typeof o === 'string') {
        log(`9pfs: mount of '${args.source}' on ${args.target}: ${o}\n`);
        return -Errno.EINVAL;
      }
      const t = o.trans ? transports.byName(o.trans) : transports.default();
      if (!t) {
        log(`9pfs: no 9P transport${o.trans ? ` '${o.trans}'` : ''} is registered\n`);
        return -Errno.ENODEV;
      }
      let client: RkP9Client;
      try {
        client = await RkP9Client.connect(t, args.source, { msize: o.msize });
      } catch (e) {
        log(`9pfs: ${(e as Error).message}\n`);
        return -((e as { errno?: number }).errno ?? Errno.EIO);
      }
      try {
        const fid = await client.attach(o.aname, o.uname, o.uid);
        const a = await client.getattr(fid, P9_GETATTR_BASIC);
        const ino = inoOf(a.qid);
        return new P9fs(
          client,
          new P9Node(ino, typeOfMode(a.mode), fid, null, ''),
          o.cache,
          args.readonly,
          () => args.env.now(),
        );
      } catch (e) {
        log(`9pfs: attach to '${args.source}' (aname '${o.aname}'): ${(e as Error).message}\n`);
        client.close();
        return -((e as { errno?: number }).errno ?? Errno.EIO);
      }
    },
  };
}

/**
 * Registers the `9pfs` type with vfscore at `lib` level (transports registered by then: rk9p at
 * early, virtio at plat); mounts come from `vfs.fstab=tag:/mnt:9pfs:0:cache=loose:mkmp` or mount().
 * Refusal reasons go to the console.
 */
export const library = defineLibrary({
  name: '9pfs',
  version: '0.1.0',
  provides: ['9pfs'],
  requires: ['rk9p', 'vfscore'],
  initLevel: 'lib',
  init({ registry, plat }) {
    vfscoreOf(registry, plat).registerFsType(
      create9pfsType(p9TransportRegistry(registry), (line) => plat.console.out(line)),
    );
  },
});
