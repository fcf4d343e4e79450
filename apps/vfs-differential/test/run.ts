// Boots vfs-differential on scripts and compares every printed result and tree with node:fs running
// the same scripts on host tmpfs directories (the host half of vfscore's differential kit). Shared by
// test/boot.test.ts (a few seeded scripts) and the soak job tools/bench/src/vfsdiff (many).
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { writeCpio } from '@runikraft/rkcpio';
import { opDigest, type RkOp } from '@runikraft/vfscore/script';
import { debugfs, fsck, haveE2fs, mkfs } from '../../../packages/ext4/test/helpers/image';
import { Host, hostTree } from '../../../packages/vfscore/test/helpers/host-fs';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';

export type Image = Parameters<Machine['boot']>[0];

/** Builds the app's image (rk build); `appDir` for callers bundled elsewhere (tools/bench). */
export async function buildDifferential(
  appDir = new URL('..', import.meta.url).pathname,
): Promise<Image> {
  const { imagePath } = await buildImage(appDir);
  return loadImage(imagePath);
}

/** The 9pfs mounts: tag = cache mode, mounted on /<tag> by vfs.fstab. */
export const CACHE_MODES = ['none', 'loose'] as const;

/** The ext4 target: a fresh mkfs.ext4 image on virtio-blk, mounted on /ext4 (when e2fsprogs is here). */
export const WITH_EXT4 = haveE2fs;

/**
 * A tree as rdump can reproduce it: debugfs rdump writes every name of a hard-linked file as a file of
 * its own and does not restore directory modes, so link counts and directory modes are left out.
 */
function plain(tree: unknown): unknown {
  return JSON.parse(JSON.stringify(tree), (k, v) => {
    if (k === 'nlink') return undefined;
    return v && typeof v === 'object' && v.type === 0o040000 ? { ...v, perm: undefined } : v;
  });
}

export interface DiffOutcome {
  /** One line per disagreement: target, script, op (or "tree"), guest and host values. */
  mismatches: string[];
  /** Results and trees compared. */
  compared: number;
  exit: { status: number; reason: string };
  out: string;
}

function initrdOf(seqs: RkOp[][]): Uint8Array {
  const data = new TextEncoder().encode(JSON.stringify({ seqs }));
  return writeCpio([{ name: 'ops.json', mode: 0o100644, data }]);
}

/** The guest's lines: `<target> <script> <op|tree> <json>` → value. */
function guestResults(out: string): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const line of out.split('\n')) {
    const r = /^vfsdiff: (\S+) (\d+) (\d+|tree) (.*)$/.exec(line);
    if (r) m.set(`${r[1]} ${r[2]} ${r[3]}`, JSON.parse(r[4]!));
  }
  return m;
}

/**
 * Boots the image with the scripts in its initrd and one --virtfs share per cache mode, then runs
 * each script through node:fs and compares; `top` is a scratch directory (removed by the caller).
 */
export async function runDifferential(
  image: Image,
  seqs: RkOp[][],
  top: string,
  legacy = false,
): Promise<DiffOutcome> {
  const shares = CACHE_MODES.map((c) => join(top, `share-${c}`));
  for (const d of shares) nfs.mkdirSync(d);
  const plan = await createVirtioDevicesFromArgs({
    virtfs: CACHE_MODES.map((c, i) => `local,path=${shares[i]},mount_tag=${c},security_model=none`),
  });
  const disk = WITH_EXT4 ? mkfs(top, '32M') : null;
  if (disk) debugfs(disk, 'rmdir lost+found', true);
  const blk = disk
    ? await createVirtioDevicesFromArgs({
        drive: [`file=${disk},if=none,format=raw,id=d0`],
        device: ['virtio-blk-device,drive=d0'],
      })
    : null;
  const fstab = [
    ...CACHE_MODES.map((c) => `${c}:/${c}:9pfs:0:cache=${c}:mkmp`),
    ...(disk ? ['/dev/vda:/ext4:ext4:0::mkmp'] : []),
  ].join(' ');
  let out = '';
  let exit: DiffOutcome['exit'];
  try {
    const m = new Machine({
      console: (t) => {
        out += t;
        if (process.env.RK_SHOW) process.stdout.write(t);
      },
      clock: 'virtual',
      virtioForceLegacy: legacy,
      memory: 128 << 20,
      initrd: initrdOf(seqs),
      append: `rkboot.banner=off "vfs.fstab=${fstab}"`,
    });
    for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
    for (const d of blk?.devices ?? []) m.plugVirtio(d.model);
    exit = await m.boot(image);
  } finally {
    await plan.close();
    await blk?.close();
  }
  const guest = guestResults(out);
  const mismatches: string[] = [];
  let compared = 0;
  const check = (key: string, host: unknown) => {
    compared++;
    const want = JSON.parse(JSON.stringify(host));
    const got = guest.get(key);
    if (!isDeepStrictEqual(got, want))
      mismatches.push(`${key}: guest ${JSON.stringify(got)}, host ${JSON.stringify(want)}`);
  };
  const ext4Dump = disk ? join(top, 'ext4-rdump') : '';
  if (disk) {
    // the disk the guest wrote: e2fsck finds nothing to fix, and rdump is compared per script below
    const [status, report] = fsck(disk);
    if (status !== 0) mismatches.push(`e2fsck -fn on the ext4 disk: status ${status}\n${report}`);
    nfs.mkdirSync(ext4Dump);
    debugfs(disk, `rdump / ${ext4Dump}`);
  }
  for (const t of ['ramfs', ...CACHE_MODES.map((c) => `/${c}`), ...(disk ? ['/ext4'] : [])])
    for (const [i, ops] of seqs.entries()) {
      const host = new Host(join(top, `host${t.replace('/', '-')}-${i}`), opDigest);
      for (const [j, op] of ops.entries()) check(`${t} ${i} ${j}`, await host.run(op));
      for (const fd of host.fds) if (fd !== null) nfs.closeSync(fd);
      const tree = hostTree(host.root, opDigest);
      check(`${t} ${i} tree`, tree);
      // what the guest left in the share, seen by the host
      const share = t === '/ext4' ? ext4Dump : shares[CACHE_MODES.indexOf(t.slice(1) as never)];
      if (
        share &&
        !isDeepStrictEqual(plain(hostTree(join(share, `run-${i}`), opDigest)), plain(tree))
      )
        mismatches.push(
          `${t} ${i}: the ${t === '/ext4' ? 'disk' : 'share'}'s run-${i} differs from node:fs's tree`,
        );
    }
  return { mismatches, compared, exit, out };
}
