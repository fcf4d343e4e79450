// p9share: copies the tree `in/` of the 9P share `share` into guest memory, hashing every file
// (SHA-256), and writes it back to `out/` of the same share — through rk9p and the virtio-9p driver.
// Prints one line per file (`p9share: file <path> <size> <sha256>`) so the host can check both ways.

import { P9_DOTL, P9_QTDIR, P9_QTSYMLINK, RkP9Client, type RkP9Fid } from '@runikraft/rk9p';
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import { sha256Hex } from './sha256';
import { vfsCopy } from './vfs-copy';

type Entry = { path: string; kind: 'dir' | 'file' | 'link'; data?: Uint8Array; target?: string };

async function readAll(c: RkP9Client, f: RkP9Fid): Promise<Uint8Array> {
  const a = await c.getattr(f);
  const out = new Uint8Array(a.size);
  await c.lopen(f, P9_DOTL.O_RDONLY);
  for (let off = 0; off < out.length; ) {
    const n = await c.read(f, off, out.subarray(off));
    if (n === 0) break;
    off += n;
  }
  return out;
}

/** Lists `dir` (an unopened fid), recursing; every entry's fid is clunked. */
async function copyIn(c: RkP9Client, dir: RkP9Fid, prefix: string, out: Entry[]): Promise<void> {
  const d = await c.walk(dir, []);
  await c.lopen(d, P9_DOTL.O_RDONLY | P9_DOTL.O_DIRECTORY);
  const names: string[] = [];
  for (let cookie = 0n; ; ) {
    const ents = await c.readdir(d, cookie);
    if (ents.length === 0) break;
    for (const e of ents) if (e.name !== '.' && e.name !== '..') names.push(e.name);
    cookie = ents[ents.length - 1].offset;
  }
  await c.clunk(d);
  for (const name of names.sort()) {
    const f = await c.walk(dir, [name]);
    const path = prefix ? `${prefix}/${name}` : name;
    if (f.qid.type & P9_QTDIR) {
      out.push({ path, kind: 'dir' });
      await copyIn(c, f, path, out);
    } else if (f.qid.type & P9_QTSYMLINK)
      out.push({ path, kind: 'link', target: await c.readlink(f) });
    else out.push({ path, kind: 'file', data: await readAll(c, f) });
    await c.clunk(f);
  }
}

async function copyOut(c: RkP9Client, root: RkP9Fid, entries: Entry[]): Promise<void> {
  for (const e of entries) {
    const parts = e.path.split('/');
    const name = parts.pop()!;
    const dir = await c.walk(root, parts);
    if (e.kind === 'dir') await c.mkdir(dir, name, 0o755);
    else if (e.kind === 'link') await c.symlink(dir, name, e.target!);
    else {
      const f = await c.walk(dir, []);
      await c.lcreate(f, name, P9_DOTL.O_WRONLY | P9_DOTL.O_CREAT | P9_DOTL.O_EXCL, 0o644);
      for (let off = 0; off < e.data!.length; ) off += await c.write(f, off, e.data!.subarray(off));
      await c.clunk(f);
    }
    await c.clunk(dir);
  }
}

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`p9share: ${s}\n`);
  const virtio = registry.get('rk9p').byName('virtio');
  if (!virtio?.devices().includes('share')) {
    say(`no 9P share tagged 'share' (devices: ${virtio?.devices().join(', ') ?? 'none'})`);
    return 1;
  }
  const c = await RkP9Client.connect(virtio, 'share', { msize: 512 * 1024 });
  const root = await c.attach('');
  say(`connected, msize ${c.dev.msize}`);
  const src = await c.walk(root, ['in']);
  const entries: Entry[] = [];
  await copyIn(c, src, '', entries);
  await c.clunk(src);
  let bytes = 0;
  for (const e of entries) {
    if (e.kind === 'file') {
      bytes += e.data!.length;
      say(`file ${e.path} ${e.data!.length} ${sha256Hex(e.data!)}`);
    } else say(`${e.kind} ${e.path}${e.target ? ` -> ${e.target}` : ''}`);
  }
  await c.mkdir(root, 'out', 0o755);
  const out = await c.walk(root, ['out']);
  await copyOut(c, out, entries);
  await c.clunk(out);
  say(`copied ${entries.length} entries, ${bytes} bytes in and out; fids left ${c.openFids - 1}`);
  await c.clunk(root);
  c.close();
  // the same through vfscore when the image composes it (9pfs on /mnt from vfs.fstab, ramfs on /)
  const vfs = registry.tryGet('vfscore');
  return vfs ? vfsCopy(vfs, say) : 0;
}
