// ext4-tree: walks /data (an ext4 disk mounted by `vfs.fstab=/dev/vda:/data:ext4`) and prints one
// line per entry — `D path perm nlink`, `F path perm nlink size digest`, `L path target` — then
// `ext4-tree: done N entries` and the block cache figures. Exit 0 when every call succeeded.
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import type { RkVfs } from '@runikraft/vfscore';
import { O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFLNK, S_IFMT } from '@runikraft/vfscore';
import { digest, windows } from './digest';

class WalkError extends Error {}

function must<T>(what: string, r: T | number): T {
  if (typeof r === 'number' && r < 0) throw new WalkError(`${what}: errno ${-r}`);
  return r as T;
}

async function walk(v: RkVfs, dir: string, rel: string, say: (s: string) => void): Promise<number> {
  const fd = must(`open ${dir}`, await v.open(dir, O_RDONLY | O_DIRECTORY));
  const ents = must(`readdir ${dir}`, await v.readdir(fd));
  must(`close ${dir}`, await v.close(fd));
  let n = 0;
  const names = ents
    .map((e) => e.name)
    .filter((x) => x !== '.' && x !== '..' && !(rel === '' && x === 'lost+found'));
  for (const name of names.sort()) {
    const path = `${dir}/${name}`;
    const r = `${rel}/${name}`;
    const st = must(`lstat ${path}`, await v.lstat(path));
    const perm = (st.mode & 0o7777).toString(8);
    n++;
    if ((st.mode & S_IFMT) === S_IFDIR) {
      say(`D ${r} ${perm} ${st.nlink}`);
      n += await walk(v, path, r, say);
    } else if ((st.mode & S_IFMT) === S_IFLNK) {
      say(`L ${r} ${must(`readlink ${path}`, await v.readlink(path))}`);
    } else {
      const f = must(`open ${path}`, await v.open(path, O_RDONLY));
      const chunks: Uint8Array[] = [];
      for (const [at, len] of windows(st.size)) {
        const b = new Uint8Array(len);
        for (let got = 0; got < len; ) {
          const k = must(`read ${path}`, await v.pread(f, b.subarray(got), at + got));
          if (k === 0) throw new WalkError(`read ${path}: EOF at ${at + got} of ${st.size}`);
          got += k;
        }
        chunks.push(b);
      }
      must(`close ${path}`, await v.close(f));
      say(`F ${r} ${perm} ${st.nlink} ${st.size} ${digest(chunks)}`);
    }
  }
  return n;
}

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const v = registry.get('vfscore');
  const say = (s: string) => plat.console.out(`ext4-tree: ${s}\n`);
  try {
    const n = await walk(v, '/data', '', say);
    say(`done ${n} entries`);
  } catch (e) {
    if (!(e instanceof WalkError)) throw e;
    say(`failed: ${e.message}`);
    return 1;
  }
  const disk = registry.get('rkblkdev').get(0);
  if (disk) say(`disk reads ${disk.stats.reads} (${disk.stats.bytesRead} B)`);
  return 0;
}
