// vfs-differential: the guest half of the differential test in a booted image. Reads scripts of file
// operations from /ops.json (its initrd), runs each on a fresh ramfs mount and in a fresh directory of
// every 9pfs and ext4 mount, and prints every result and the resulting tree; the host runs the same scripts
// through node:fs and compares (test/boot.test.ts).
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import { O_RDONLY, type RkVfs } from '@runikraft/vfscore';
import { type RkOp, RkOpRunner } from '@runikraft/vfscore/script';

type Say = (s: string) => void;

/** The whole file at `path`, or -errno. */
async function slurp(v: RkVfs, path: string): Promise<string | number> {
  const fd = await v.open(path, O_RDONLY);
  if (fd < 0) return fd;
  const st = await v.fstat(fd);
  if (typeof st === 'number') return st;
  const buf = new Uint8Array(st.size);
  for (let off = 0; off < buf.length; ) {
    const n = await v.read(fd, buf.subarray(off));
    if (n <= 0) return n < 0 ? n : -5;
    off += n;
  }
  await v.close(fd);
  return new TextDecoder().decode(buf);
}

/** Runs one script below `base` and prints `<target> <seq> <op> <result>` lines, then the tree. */
async function runScript(v: RkVfs, say: Say, label: string, base: string, ops: RkOp[]) {
  const r = new RkOpRunner(v, base);
  for (const [j, op] of ops.entries()) say(`${label} ${j} ${JSON.stringify(await r.run(op))}`);
  await r.closeAll();
  say(`${label} tree ${JSON.stringify(await r.tree())}`);
}

/** Where the scripts run: "ramfs" (a fresh mount each) and every 9pfs and ext4 mount point. */
function targets(v: RkVfs): string[] {
  const shared = (type: string) => type === '9pfs' || type === 'ext4';
  return ['ramfs', ...v.mounts().flatMap((m) => (shared(m.type) ? [m.target] : []))];
}

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const say: Say = (s) => plat.console.out(`vfsdiff: ${s}\n`);
  const v = registry.get('vfscore');
  const text = await slurp(v, '/ops.json');
  if (typeof text === 'number') {
    say(`/ops.json: errno ${-text} (boot with an initrd holding the scripts)`);
    return 1;
  }
  const seqs = (JSON.parse(text) as { seqs: RkOp[][] }).seqs;
  v.umask(0o022);
  for (const t of targets(v)) {
    for (const [i, ops] of seqs.entries()) {
      const base = t === 'ramfs' ? `/ramfs-${i}` : `${t === '/' ? '' : t}/run-${i}`;
      let r = await v.mkdir(base, 0o755);
      if (r === 0 && t === 'ramfs') r = await v.mount('none', base, 'ramfs');
      if (r < 0) {
        say(`${t} ${i}: preparing ${base}: errno ${-r}`);
        return 1;
      }
      await runScript(v, say, `${t} ${i}`, base, ops);
      if (t === 'ramfs') await v.umount(base);
    }
  }
  // write-back caches (ext4's) reach their disks before the host looks at them
  const synced = await v.sync();
  say(
    `done: ${seqs.length} scripts on ${targets(v).join(' ')}${synced < 0 ? `; sync: errno ${-synced}` : ''}`,
  );
  return synced < 0 ? 1 : 0;
}
