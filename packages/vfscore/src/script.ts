// An interpreter of file-operation scripts over the vfscore API: the guest half of the differential
// test (vfscore/test/helpers/differential runs the host half through node:fs). It lives in src/ so a
// booted image can run the same scripts (apps/vfs-differential): plain values only, no host calls.
import type { RkVfs } from './api';
import * as C from './constants';

/** One operation: `k` names it; `p`/`q` paths, `s` a descriptor slot, `n`/`o`/`m`/`f`/`t`/`seed` arguments. */
export type RkOp = { k: string; [x: string]: any };

/** open(2) flags by index (`f` of an open op). */
export const RK_OP_FLAGS: readonly number[] = [
  C.O_RDONLY,
  C.O_WRONLY | C.O_CREAT,
  C.O_RDWR | C.O_CREAT | C.O_EXCL,
  C.O_RDWR | C.O_TRUNC,
  C.O_WRONLY | C.O_APPEND | C.O_CREAT,
  C.O_RDONLY | C.O_DIRECTORY,
  C.O_RDONLY | C.O_NOFOLLOW,
  C.O_RDWR,
  C.O_WRONLY | C.O_CREAT | C.O_TRUNC,
];

/** Descriptor slots a script may use. */
export const RK_OP_SLOTS = 4;

/** The bytes a write op writes: `n` bytes of a pattern seeded by `seed`. */
export function opBytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed + i * 7) & 0xff;
  return b;
}

/** What a stat result is compared on (no times, inodes, devices; no size for directories). */
export function opStat(mode: number, size: number, nlink: number): Record<string, number> {
  const type = mode & C.S_IFMT;
  return { type, perm: mode & 0o7777, ...(type === C.S_IFDIR ? { nlink } : { size, nlink }) };
}

/** FNV-1a (32 bits) of `b` with its length, as `len:hex`: data in a form short enough for a console. */
export function opDigest(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${b.length}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** How read data and file contents are rendered in results. */
export type RkOpData = (b: Uint8Array) => string;

/** The result tree: relative path → stat representation plus `data` or `target`. */
export type RkOpTree = Record<string, unknown>;

/**
 * Runs ops on an `RkVfs` below the directory `base` ("" for "/"): every result is a plain value or a
 * negative errno, as the host half returns for node:fs.
 */
export class RkOpRunner {
  readonly fds: (number | null)[] = new Array(RK_OP_SLOTS).fill(null);
  constructor(
    readonly v: RkVfs,
    readonly base = '',
    readonly data: RkOpData = opDigest,
  ) {}

  /** The guest path of a script path ("" stays "": ENOENT as on the host). */
  path(q: string): string {
    return q === '' ? '' : `${this.base}/${q}`;
  }
  private fd(s: number): number {
    return this.fds[s] ?? 1 << 20;
  }

  /** Runs one op. @returns its result: 0, a count, a string, a stat representation, or -errno. */
  async run(op: RkOp): Promise<unknown> {
    const v = this.v;
    const path = this.path(op.p ?? '');
    switch (op.k) {
      case 'open': {
        if (this.fds[op.s] !== null) return 'slot busy';
        const fd = await v.open(path, RK_OP_FLAGS[op.f]!, op.m);
        if (fd >= 0) this.fds[op.s] = fd;
        return Math.min(fd, 0);
      }
      case 'close': {
        const fd = this.fd(op.s);
        this.fds[op.s] = null;
        return v.close(fd);
      }
      case 'write':
        return v.write(this.fd(op.s), opBytes(op.n, op.seed));
      case 'read':
      case 'pread': {
        const b = new Uint8Array(op.n);
        const n =
          op.k === 'read' ? await v.read(this.fd(op.s), b) : await v.pread(this.fd(op.s), b, op.o);
        return n < 0 ? n : this.data(b.subarray(0, n));
      }
      case 'pwrite':
        return v.pwrite(this.fd(op.s), opBytes(op.n, op.seed), op.o);
      case 'ftruncate':
        return v.ftruncate(this.fd(op.s), op.n);
      case 'fstat':
      case 'stat':
      case 'lstat': {
        const s = await (op.k === 'fstat'
          ? v.fstat(this.fd(op.s))
          : op.k === 'stat'
            ? v.stat(path)
            : v.lstat(path));
        return typeof s === 'number' ? s : opStat(s.mode, s.size, s.nlink);
      }
      case 'fsync':
        return v.fsync(this.fd(op.s));
      case 'mkdir':
        return v.mkdir(path, 0o755);
      case 'rmdir':
        return v.rmdir(path);
      case 'unlink':
        return v.unlink(path);
      case 'rename':
        return v.rename(path, this.path(op.q));
      case 'link':
        return v.link(path, this.path(op.q));
      case 'symlink':
        return v.symlink(op.t, path);
      case 'readlink':
        return v.readlink(path);
      case 'truncate':
        return v.truncate(path, op.n);
      case 'chmod':
        return v.chmod(path, op.m);
      case 'access':
        return v.access(path, op.m);
      case 'readdir': {
        const names = await this.names(path);
        return typeof names === 'number' ? names : names.join('/');
      }
    }
    throw new Error(`unknown op '${op.k}'`);
  }

  /** Closes every descriptor the script left open. */
  async closeAll(): Promise<void> {
    for (const [s, fd] of this.fds.entries())
      if (fd !== null) {
        await this.v.close(fd);
        this.fds[s] = null;
      }
  }

  /** The sorted names in a directory, without "." and "..". */
  private async names(dir: string): Promise<string[] | number> {
    const fd = await this.v.open(dir, C.O_RDONLY | C.O_DIRECTORY);
    if (fd < 0) return fd;
    const all = await this.v.readdir(fd);
    await this.v.close(fd);
    if (typeof all === 'number') return all;
    return all
      .map((e) => e.name)
      .filter((n) => n !== '.' && n !== '..')
      .sort();
  }

  /** The tree below `base`. Throws when a walk fails (the tree changed under it: a bug either way). */
  async tree(dir = this.base === '' ? '/' : this.base, rel = ''): Promise<RkOpTree> {
    const out: RkOpTree = {};
    const names = await this.names(dir);
    if (typeof names === 'number') throw new Error(`readdir ${dir}: errno ${-names}`);
    for (const name of names) {
      const abs = `${dir === '/' ? '' : dir}/${name}`;
      const key = `${rel}${name}`;
      const st = await this.v.lstat(abs);
      if (typeof st === 'number') throw new Error(`lstat ${abs}: errno ${-st}`);
      const r = opStat(st.mode, st.size, st.nlink);
      const type = st.mode & C.S_IFMT;
      if (type === C.S_IFDIR) Object.assign(out, { [key]: r }, await this.tree(abs, `${key}/`));
      else if (type === C.S_IFLNK) out[key] = { ...r, target: await this.v.readlink(abs) };
      else {
        const f = await this.v.open(abs, C.O_RDONLY);
        const b = new Uint8Array(st.size);
        const n = f < 0 ? f : await this.v.read(f, b);
        if (f >= 0) await this.v.close(f);
        if (n < 0) throw new Error(`read ${abs}: errno ${-n}`);
        out[key] = { ...r, data: this.data(b.subarray(0, n)) };
      }
    }
    return out;
  }
}
