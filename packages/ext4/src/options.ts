// Mount options and the source: `cache=<KiB>` (the block cache bound for this mount), `ro`;
// the source names a block device: /dev/vda (the first rkblkdev), /dev/vdb, ..., or a device's name.
import type { RkBlkdev, RkBlkdevRegistry } from '@runikraft/rkblkdev';

export interface Ext4Options {
  cacheKiB: number;
  ro: boolean;
}

/** Parses `options`. @returns the options, or a message naming the bad one. */
export function parseExt4Options(options: string, defaults: Ext4Options): Ext4Options | string {
  const o = { ...defaults };
  for (const opt of options.split(',').filter(Boolean)) {
    const [k, v] = opt.split('=', 2) as [string, string | undefined];
    if (k === 'ro' && v === undefined) o.ro = true;
    else if (k === 'rw' && v === undefined) o.ro = false;
    else if (k === 'cache' && v !== undefined && /^\d+$/.test(v) && Number(v) > 0)
      o.cacheKiB = Number(v);
    else return `unknown or malformed option '${opt}' (known: ro, rw, cache=<KiB>)`;
  }
  return o;
}

/** The block device `source` names. @returns it, or a message. */
export function findDevice(disks: RkBlkdevRegistry, source: string): RkBlkdev | string {
  const m = /^\/dev\/vd([a-z])$/.exec(source);
  const dev = m ? disks.get(m[1]!.charCodeAt(0) - 97) : disks.all().find((d) => d.name === source);
  if (dev) return dev;
  const have = disks
    .all()
    .map((d) => `/dev/vd${String.fromCharCode(97 + d.id)} (${d.name})`)
    .join(', ');
  return `no block device '${source}' (have: ${have || 'none'})`;
}
