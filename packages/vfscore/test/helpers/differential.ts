// The differential kit: seeded random sequences of file operations (fast-check) run through
// vfscore on the file system under test and through node:fs on a host directory (Linux's own
// semantics); results, errno, data read and the resulting trees must agree. Used by ramfs's and
// 9pfs's differential tests, which list their own intended differences. Never compared here: fd
// numbers (the host process holds others), directory st_size/st_blocks, times, inode numbers.
import * as nfs from 'node:fs';
import { constants as osc } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RkVfsCore } from '../../src/index';
import * as C from '../../src/index';

/** A fresh directory on tmpfs (/dev/shm when there is one) for host runs and shares. */
export function scratchDir(prefix: string): string {
  const shm = nfs.existsSync('/dev/shm') ? '/dev/shm' : (process.env.TMPDIR ?? '/tmp');
  return nfs.mkdtempSync(join(shm, prefix));
}

export const UMASK = 0o022;

const PATHS = ['a', 'b', 'd', 'd/a', 'd/e', 'd/e/f', 'l', 'd/l', 'a/x', 'd/', 'd/e/', 'l/', ''];
// Relative targets that stay inside the run directory: the host's "/" and ".." above it are not the
// guest's (an absolute or escaping target would reach the host's real tree).
const TARGETS = ['a', 'd', 'd/../a', 'nowhere', 'l', 'd/e', 'd/e/../../b'];
const FLAGS = [
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
const p = fc.constantFrom(...PATHS);
const slot = fc.nat(3);
export type Op = { k: string; [x: string]: any };
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('open'),
    p,
    f: fc.nat(FLAGS.length - 1),
    s: slot,
    m: fc.constantFrom(0o644, 0o600, 0o755),
  }),
  fc.record({ k: fc.constant('close'), s: slot }),
  fc.record({ k: fc.constant('write'), s: slot, n: fc.nat(9000), seed: fc.nat(255) }),
  fc.record({ k: fc.constant('read'), s: slot, n: fc.nat(9000) }),
  fc.record({ k: fc.constant('pread'), s: slot, n: fc.nat(5000), o: fc.nat(12000) }),
  fc.record({
    k: fc.constant('pwrite'),
    s: slot,
    n: fc.nat(5000),
    o: fc.nat(12000),
    seed: fc.nat(255),
  }),
  fc.record({ k: fc.constant('ftruncate'), s: slot, n: fc.nat(12000) }),
  fc.record({ k: fc.constant('fstat'), s: slot }),
  fc.record({ k: fc.constant('fsync'), s: slot }),
  fc.record({ k: fc.constant('mkdir'), p }),
  fc.record({ k: fc.constant('rmdir'), p }),
  fc.record({ k: fc.constant('unlink'), p }),
  fc.record({ k: fc.constant('rename'), p, q: p }),
  fc.record({ k: fc.constant('link'), p, q: p }),
  fc.record({ k: fc.constant('symlink'), t: fc.constantFrom(...TARGETS), p }),
  fc.record({ k: fc.constant('readlink'), p }),
  fc.record({ k: fc.constant('stat'), p }),
  fc.record({ k: fc.constant('lstat'), p }),
  fc.record({ k: fc.constant('truncate'), p, n: fc.nat(9000) }),
  fc.record({ k: fc.constant('chmod'), p, m: fc.constantFrom(0o600, 0o755, 0o4711, 0o000) }),
  fc.record({ k: fc.constant('access'), p, m: fc.constantFrom(C.F_OK, C.X_OK, C.R_OK | C.W_OK) }),
  fc.record({ k: fc.constant('readdir'), p }),
);

const ok = (fn: () => unknown): number => {
  fn();
  return 0;
};
const errnoOf = (e: unknown): number => {
  const code = (e as NodeJS.ErrnoException).code;
  const n = code ? (osc.errno as Record<string, number>)[code] : undefined;
  if (n === undefined) throw e;
  return -n;
};
const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);
const statRepr = (mode: number, size: number, nlink: number) => {
  const type = mode & C.S_IFMT;
  return { type, perm: mode & 0o7777, ...(type === C.S_IFDIR ? { nlink } : { size, nlink }) };
};

/** The host side: node:fs on a fresh tmpfs directory. Every result is a plain value or -errno. */
export class Host {
  readonly root: string;
  readonly fds: (number | null)[] = [null, null, null, null];
  constructor(root: string) {
    this.root = root;
    nfs.mkdirSync(this.root);
  }
  path = (q: string) => (q === '' ? '' : `${this.root}/${q}`);
  async run(op: Op): Promise<unknown> {
    try {
      return this.exec(op);
    } catch (e) {
      return errnoOf(e);
    }
  }
  private fd(s: number): number {
    const fd = this.fds[s];
    if (fd === null || fd === undefined) throw Object.assign(new Error('EBADF'), { code: 'EBADF' });
    return fd;
  }
  /**
   * read(2) of 0 bytes: node:fs returns 0 without the system call, so Linux's checks (EBADF on a
   * write-only fd, EISDIR) are probed by a 1-byte pread at 0, which moves no offset.
   */
  private readNothing(s: number): string {
    nfs.readSync(this.fd(s), new Uint8Array(1), 0, 1, 0);
    return '';
  }
  private exec(op: Op): unknown {
    switch (op.k) {
      case 'open': {
        if (this.fds[op.s] !== null) return 'slot busy';
        this.fds[op.s] = nfs.openSync(this.path(op.p), FLAGS[op.f]!, op.m);
        return 0;
      }
      case 'close': {
        const fd = this.fd(op.s);
        this.fds[op.s] = null;
        nfs.closeSync(fd);
        return 0;
      }
      case 'write':
        return nfs.writeSync(this.fd(op.s), bytes(op.n, op.seed), 0, op.n, null);
      case 'read': {
        if (op.n === 0) return this.readNothing(op.s);
        const b = new Uint8Array(op.n);
        const n = nfs.readSync(this.fd(op.s), b, 0, op.n, null);
        return [...b.subarray(0, n)].join();
      }
      case 'pread': {
        if (op.n === 0) return this.readNothing(op.s);
        const b = new Uint8Array(op.n);
        const n = nfs.readSync(this.fd(op.s), b, 0, op.n, op.o);
        return [...b.subarray(0, n)].join();
      }
      case 'pwrite':
        return nfs.writeSync(this.fd(op.s), bytes(op.n, op.seed), 0, op.n, op.o);
      case 'ftruncate':
        return ok(() => nfs.ftruncateSync(this.fd(op.s), op.n));
      case 'fstat': {
        const s = nfs.fstatSync(this.fd(op.s));
        return statRepr(s.mode, s.size, s.nlink);
      }
      case 'fsync':
        return ok(() => nfs.fsyncSync(this.fd(op.s)));
      case 'mkdir':
        return ok(() => nfs.mkdirSync(this.path(op.p), 0o755));
      case 'rmdir':
        return ok(() => nfs.rmdirSync(this.path(op.p)));
      case 'unlink':
        return ok(() => nfs.unlinkSync(this.path(op.p)));
      case 'rename':
        return ok(() => nfs.renameSync(this.path(op.p), this.path(op.q)));
      case 'link':
        return ok(() => nfs.linkSync(this.path(op.p), this.path(op.q)));
      case 'symlink':
        return ok(() => nfs.symlinkSync(op.t, this.path(op.p)));
      case 'readlink':
        return nfs.readlinkSync(this.path(op.p));
      case 'stat':
      case 'lstat': {
        const s = (op.k === 'stat' ? nfs.statSync : nfs.lstatSync)(this.path(op.p));
        return statRepr(s.mode, s.size, s.nlink);
      }
      case 'truncate':
        return ok(() => nfs.truncateSync(this.path(op.p), op.n));
      case 'chmod':
        return ok(() => nfs.chmodSync(this.path(op.p), op.m));
      case 'access':
        return ok(() => nfs.accessSync(this.path(op.p), op.m));
      case 'readdir':
        return nfs.readdirSync(this.path(op.p)).sort().join('/');
    }
    throw new Error(`unknown op ${op.k}`);
  }
}

/** The guest side: vfscore with the file system under test mounted at "/". */
export class Guest {
  readonly fds: (number | null)[] = [null, null, null, null];
  constructor(readonly v: RkVfsCore) {}
  path = (q: string) => (q === '' ? '' : `/${q}`);
  private fd(s: number): number {
    return this.fds[s] ?? 1 << 20;
  }
  async run(op: Op): Promise<unknown> {
    const v = this.v;
    const path = this.path(op.p ?? '');
    switch (op.k) {
      case 'open': {
        if (this.fds[op.s] !== null) return 'slot busy';
        const fd = await v.open(path, FLAGS[op.f]!, op.m);
        if (fd >= 0) this.fds[op.s] = fd;
        return Math.min(fd, 0);
      }
      case 'close': {
        const fd = this.fd(op.s);
        this.fds[op.s] = null;
        return v.close(fd);
      }
      case 'write':
        return v.write(this.fd(op.s), bytes(op.n, op.seed));
      case 'read':
      case 'pread': {
        const b = new Uint8Array(op.n);
        const n =
          op.k === 'read' ? await v.read(this.fd(op.s), b) : await v.pread(this.fd(op.s), b, op.o);
        return n < 0 ? n : [...b.subarray(0, n)].join();
      }
      case 'pwrite':
        return v.pwrite(this.fd(op.s), bytes(op.n, op.seed), op.o);
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
        return typeof s === 'number' ? s : statRepr(s.mode, s.size, s.nlink);
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
        const fd = await v.open(path, C.O_RDONLY | C.O_DIRECTORY);
        if (fd < 0) return fd;
        const all = await v.readdir(fd);
        await v.close(fd);
        if (typeof all === 'number') return all;
        return all
          .map((e) => e.name)
          .filter((n) => n !== '.' && n !== '..')
          .sort()
          .join('/');
      }
    }
    throw new Error(`unknown op ${op.k}`);
  }
}

type Tree = Record<string, unknown>;

export function hostTree(dir: string, rel = ''): Tree {
  const out: Tree = {};
  for (const name of nfs.readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const key = `${rel}${name}`;
    const st = nfs.lstatSync(abs);
    const r = statRepr(st.mode, st.size, st.nlink);
    if (st.isDirectory()) Object.assign(out, { [key]: r }, hostTree(abs, `${key}/`));
    else if (st.isSymbolicLink()) out[key] = { ...r, target: nfs.readlinkSync(abs) };
    else out[key] = { ...r, data: [...nfs.readFileSync(abs)].join() };
  }
  return out;
}

export async function guestTree(v: RkVfsCore, dir = '/', rel = ''): Promise<Tree> {
  const out: Tree = {};
  const fd = await v.open(dir, C.O_RDONLY | C.O_DIRECTORY);
  const all = await v.readdir(fd);
  await v.close(fd);
  if (typeof all === 'number') throw new Error(`readdir ${dir}: ${all}`);
  const names = all
    .map((e) => e.name)
    .filter((n) => n !== '.' && n !== '..')
    .sort();
  for (const name of names) {
    const abs = `${dir === '/' ? '' : dir}/${name}`;
    const key = `${rel}${name}`;
    const st = await v.lstat(abs);
    if (typeof st === 'number') throw new Error(`lstat ${abs}: ${st}`);
    const r = statRepr(st.mode, st.size, st.nlink);
    const type = st.mode & C.S_IFMT;
    if (type === C.S_IFDIR) Object.assign(out, { [key]: r }, await guestTree(v, abs, `${key}/`));
    else if (type === C.S_IFLNK) out[key] = { ...r, target: await v.readlink(abs) };
    else {
      const f = await v.open(abs, C.O_RDONLY);
      const b = new Uint8Array(st.size);
      const n = await v.read(f, b);
      await v.close(f);
      out[key] = { ...r, data: [...b.subarray(0, n)].join() };
    }
  }
  return out;
}

/** A vfscore instance with the file system under test at "/", and how to take it down. */
export interface DiffGuest {
  v: RkVfsCore;
  close(): Promise<void>;
}

/**
 * The property: runs `ops` on a fresh guest from `mount` and on node:fs in a fresh directory under
 * `top`, op by op, then compares the final trees.
 */
export function differential(
  top: string,
  mount: () => Promise<DiffGuest>,
): (ops: Op[]) => Promise<void> {
  let runs = 0;
  return async (ops) => {
    const host = new Host(join(top, `run-${runs++}`));
    const g = await mount();
    g.v.umask(UMASK);
    const guest = new Guest(g.v);
    try {
      for (const [i, op] of ops.entries()) {
        const h = await host.run(op);
        const r = await guest.run(op);
        expect(
          r,
          `op ${i} ${JSON.stringify(op)}: guest ${JSON.stringify(r)}, host ${JSON.stringify(h)}`,
        ).toEqual(h);
      }
      expect(await guestTree(g.v)).toEqual(hostTree(host.root));
    } finally {
      for (const fd of guest.fds) if (fd !== null) await g.v.close(fd);
      await g.close();
      for (const fd of host.fds) if (fd !== null) nfs.closeSync(fd);
      nfs.rmSync(host.root, { recursive: true, force: true });
    }
  };
}

/** Sequences of 5 to 40 operations. */
export const sequences = fc.array(opArb, { minLength: 5, maxLength: 40 });
