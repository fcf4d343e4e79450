// Generated trees for mkfs.ext4 -d: deep directories, a many-entry directory, sparse files (many
// extents, so the extent tree grows past the inode), a file of more than 4 GiB logical size, fast and
// slow symlinks, hard links, files of awkward sizes; and a walker that reads a tree back through
// vfscore for comparison with node:fs.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import type { RkVfsCore } from '@runikraft/vfscore';
import * as C from '@runikraft/vfscore';

export interface TreeOptions {
  /** Entries in many/ (the issue asks for 10,000). */
  many: number;
  /** Depth of deep/. */
  depth: number;
  huge: boolean;
  seed: number;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

function bytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

export const HUGE_SIZE = 5 * 2 ** 30 + 12345;
/** Where the huge file has data: both sides of the 4 GiB line and its last bytes. */
export const HUGE_DATA = [0, 2 ** 32 - 100, HUGE_SIZE - 5000];

export function makeTree(dir: string, o: TreeOptions): void {
  const r = rng(o.seed);
  nfs.mkdirSync(dir, { recursive: true });
  let d = join(dir, 'deep');
  for (let i = 0; i < o.depth; i++) d = join(d, `level-${i}`);
  nfs.mkdirSync(d, { recursive: true });
  nfs.writeFileSync(join(d, 'bottom.txt'), 'the bottom\n');
  nfs.mkdirSync(join(dir, 'many'));
  for (let i = 0; i < o.many; i++) {
    const name = `entry-${i.toString(36)}-${'x'.repeat(i % 23)}`;
    nfs.writeFileSync(join(dir, 'many', name), i % 50 === 0 ? bytes(i % 3000, r) : '');
  }
  for (const n of [0, 1, 1023, 1024, 1025, 4095, 4096, 4097, 65536, 100_000, 1_500_000])
    nfs.writeFileSync(join(dir, `size-${n}`), bytes(n, r));
  // sparse: 40 islands of 4 KiB every 256 KiB → 40 extents → an index level below the inode
  const fd = nfs.openSync(join(dir, 'sparse'), 'w');
  for (let i = 0; i < 40; i++)
    nfs.writeSync(fd, bytes(4096, r), 0, 4096, i * 262144 + (i % 3) * 100);
  nfs.ftruncateSync(fd, 40 * 262144 + 7);
  nfs.closeSync(fd);
  const hole = nfs.openSync(join(dir, 'all-hole'), 'w');
  nfs.ftruncateSync(hole, 3 * 2 ** 20);
  nfs.closeSync(hole);
  if (o.huge) {
    const h = nfs.openSync(join(dir, 'huge'), 'w');
    for (const at of HUGE_DATA) nfs.writeSync(h, bytes(5000, r), 0, 5000, at);
    nfs.ftruncateSync(h, HUGE_SIZE);
    nfs.closeSync(h);
  }
  nfs.mkdirSync(join(dir, 'links'));
  nfs.symlinkSync('../size-1024', join(dir, 'links', 'fast'));
  nfs.symlinkSync(`${'long/'.repeat(40)}target`, join(dir, 'links', 'slow'));
  nfs.symlinkSync('x'.repeat(59), join(dir, 'links', 'fast-59'));
  nfs.symlinkSync('y'.repeat(60), join(dir, 'links', 'slow-60'));
  nfs.writeFileSync(join(dir, 'links', 'hard-a'), 'three names\n');
  nfs.linkSync(join(dir, 'links', 'hard-a'), join(dir, 'links', 'hard-b'));
  nfs.linkSync(join(dir, 'links', 'hard-a'), join(dir, 'deep', 'hard-c'));
  nfs.writeFileSync(join(dir, 'ünïcødé-名前'), 'utf-8 name\n');
  nfs.chmodSync(join(dir, 'size-1'), 0o600);
  nfs.mkdirSync(join(dir, 'empty-dir'), 0o700);
}

/** Bytes of a file to compare: all of it, or for big sparse files 8 KiB windows at `HUGE_DATA`-like spots. */
export function windows(size: number): [number, number][] {
  if (size <= 64 << 20) return [[0, size]];
  const at = [0, 2 ** 32 - 4096, 2 ** 32, size - 8192, ...HUGE_DATA];
  return at.filter((a) => a < size).map((a) => [a, Math.min(8192, size - a)]);
}

export interface Entry {
  type: number;
  perm: number;
  size?: number;
  nlink: number;
  data?: string;
  target?: string;
}

const digest = (chunks: Uint8Array[]) =>
  chunks.map((c) => Buffer.from(c).toString('base64')).join('|');

export function hostWalk(
  dir: string,
  rel = '',
  out = new Map<string, Entry>(),
): Map<string, Entry> {
  for (const name of nfs.readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const key = `${rel}/${name}`;
    const st = nfs.lstatSync(abs);
    const e: Entry = { type: st.mode & C.S_IFMT, perm: st.mode & 0o7777, nlink: st.nlink };
    if (st.isDirectory()) {
      out.set(key, e);
      hostWalk(abs, key, out);
      continue;
    }
    e.size = st.size;
    if (st.isSymbolicLink()) e.target = nfs.readlinkSync(abs);
    else {
      const fd = nfs.openSync(abs, 'r');
      e.data = digest(
        windows(st.size).map(([a, n]) => {
          const b = new Uint8Array(n);
          nfs.readSync(fd, b, 0, n, a);
          return b;
        }),
      );
      nfs.closeSync(fd);
    }
    out.set(key, e);
  }
  return out;
}

export async function guestWalk(
  v: RkVfsCore,
  dir = '',
  out = new Map<string, Entry>(),
): Promise<Map<string, Entry>> {
  const fd = await v.open(dir || '/', C.O_RDONLY | C.O_DIRECTORY);
  if (fd < 0) throw new Error(`open ${dir}: ${fd}`);
  const all = await v.readdir(fd);
  await v.close(fd);
  if (typeof all === 'number') throw new Error(`readdir ${dir}: ${all}`);
  const names = all
    .map((x) => x.name)
    .filter((n) => n !== '.' && n !== '..' && !(dir === '' && n === 'lost+found'));
  for (const name of names.sort()) {
    const key = `${dir}/${name}`;
    const st = await v.lstat(key);
    if (typeof st === 'number') throw new Error(`lstat ${key}: ${st}`);
    const type = st.mode & C.S_IFMT;
    const e: Entry = { type, perm: st.mode & 0o7777, nlink: st.nlink };
    if (type === C.S_IFDIR) {
      out.set(key, e);
      await guestWalk(v, key, out);
      continue;
    }
    e.size = st.size;
    if (type === C.S_IFLNK) {
      const t = await v.readlink(key);
      if (typeof t === 'number') throw new Error(`readlink ${key}: ${t}`);
      e.target = t;
    } else {
      const f = await v.open(key, C.O_RDONLY);
      if (f < 0) throw new Error(`open ${key}: ${f}`);
      const chunks: Uint8Array[] = [];
      for (const [a, n] of windows(st.size)) {
        const b = new Uint8Array(n);
        const got = await v.pread(f, b, a);
        if (got !== n) throw new Error(`pread ${key} at ${a}: ${got} of ${n}`);
        chunks.push(b);
      }
      await v.close(f);
      e.data = digest(chunks);
    }
    out.set(key, e);
  }
  return out;
}
