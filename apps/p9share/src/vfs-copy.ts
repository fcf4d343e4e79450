// The same copy through the file API (vfscore): /mnt is the 9P share tagged `vshare` (the same host
// directory, a second device: one connection per device) mounted by vfs.fstab with 9pfs; / is ramfs. /mnt/in → /copy (hashing) → /mnt/out-vfs.
import type { RkVfs } from '@runikraft/vfscore';
import {
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_RDONLY,
  O_WRONLY,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
} from '@runikraft/vfscore';
import { sha256Hex } from './sha256';

type Say = (s: string) => void;

function must<T>(what: string, r: T | number): T {
  if (typeof r === 'number' && r < 0) throw new Error(`${what}: errno ${-r}`);
  return r as T;
}

async function readFile(v: RkVfs, path: string, size: number): Promise<Uint8Array> {
  const fd = must(`open ${path}`, await v.open(path, O_RDONLY));
  const out = new Uint8Array(size);
  for (let off = 0; off < size; ) {
    const n = must(`read ${path}`, await v.read(fd, out.subarray(off)));
    if (n === 0) break;
    off += n;
  }
  must(`close ${path}`, await v.close(fd));
  return out;
}

async function writeFile(v: RkVfs, path: string, data: Uint8Array): Promise<void> {
  const fd = must(`create ${path}`, await v.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644));
  for (let off = 0; off < data.length; )
    off += must(`write ${path}`, await v.write(fd, data.subarray(off)));
  must(`close ${path}`, await v.close(fd));
}

/** Copies the tree at `from` to `to` (created), calling `seen` for every regular file. */
async function copyTree(
  v: RkVfs,
  from: string,
  to: string,
  rel: string,
  seen?: (rel: string, data: Uint8Array) => void,
): Promise<number> {
  must(`mkdir ${to}`, await v.mkdir(to, 0o755));
  const fd = must(`open ${from}`, await v.open(from, O_RDONLY | O_DIRECTORY));
  const ents = must(`readdir ${from}`, await v.readdir(fd));
  must(`close ${from}`, await v.close(fd));
  let n = 0;
  for (const e of ents
    .map((x) => x.name)
    .filter((x) => x !== '.' && x !== '..')
    .sort()) {
    const src = `${from}/${e}`;
    const dst = `${to}/${e}`;
    const r = rel ? `${rel}/${e}` : e;
    const st = must(`lstat ${src}`, await v.lstat(src));
    const type = st.mode & S_IFMT;
    if (type === S_IFDIR) n += await copyTree(v, src, dst, r, seen);
    else if (type === S_IFLNK)
      must(`symlink ${dst}`, await v.symlink(must(`readlink ${src}`, await v.readlink(src)), dst));
    else {
      const data = await readFile(v, src, st.size);
      seen?.(r, data);
      await writeFile(v, dst, data);
    }
    n++;
  }
  return n;
}

/** /mnt/in → /copy → /mnt/out-vfs. @returns 0, or 1 after saying what failed. */
export async function vfsCopy(v: RkVfs, say: Say): Promise<number> {
  try {
    const m = v.mounts().find((x) => x.target === '/mnt');
    say(`vfs: /mnt is ${m ? `${m.type} from '${m.source}' (${m.options})` : 'not a mount'}`);
    const n = await copyTree(v, '/mnt/in', '/copy', '', (rel, d) =>
      say(`vfs file ${rel} ${d.length} ${sha256Hex(d)}`),
    );
    await copyTree(v, '/copy', '/mnt/out-vfs', '');
    say(`vfs: copied ${n} entries into ramfs and back out`);
    return 0;
  } catch (e) {
    say(`vfs: ${(e as Error).message}`);
    return 1;
  }
}
