// The host half of the differential kit (no test runner here, so tools/bench soak jobs use it too):
// the op generator (fast-check), node:fs running the same ops as vfscore's RkOpRunner
// (src/script.ts) on a host directory, and a host tree in RkOpRunner.tree's form.
import * as nfs from 'node:fs';
import { constants as osc } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as C from '../../src/index';
import {
  opBytes as bytes,
  RK_OP_FLAGS as FLAGS,
  type RkOp as Op,
  type RkOpData,
  opStat as statRepr,
} from '../../src/script';

export type { Op };

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
const p = fc.constantFrom(...PATHS);
const slot = fc.nat(3);
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

/** Data in results: every byte (a mismatch shows where). */
export const joinData: RkOpData = (b) => [...b].join();

/** The host side: node:fs on a fresh tmpfs directory. Every result is a plain value or -errno. */
export class Host {
  readonly root: string;
  readonly fds: (number | null)[] = [null, null, null, null];
  constructor(
    root: string,
    readonly data: RkOpData = joinData,
  ) {
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
    return this.data(new Uint8Array(0));
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
        return this.data(b.subarray(0, n));
      }
      case 'pread': {
        if (op.n === 0) return this.readNothing(op.s);
        const b = new Uint8Array(op.n);
        const n = nfs.readSync(this.fd(op.s), b, 0, op.n, op.o);
        return this.data(b.subarray(0, n));
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

type Tree = Record<string, unknown>;

/** The tree below `dir` on the host, in the form RkOpRunner.tree gives. */
export function hostTree(dir: string, data: RkOpData = joinData, rel = ''): Tree {
  const out: Tree = {};
  for (const name of nfs.readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const key = `${rel}${name}`;
    const st = nfs.lstatSync(abs);
    const r = statRepr(st.mode, st.size, st.nlink);
    if (st.isDirectory()) Object.assign(out, { [key]: r }, hostTree(abs, data, `${key}/`));
    else if (st.isSymbolicLink()) out[key] = { ...r, target: nfs.readlinkSync(abs) };
    else out[key] = { ...r, data: data(nfs.readFileSync(abs)) };
  }
  return out;
}

/** Sequences of 5 to 40 operations. */
export const sequences = fc.array(opArb, { minLength: 5, maxLength: 40 });
