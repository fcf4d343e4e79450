// Confinement of the 9P server to its shared directory. Every host access resolves the fid's path
// one component at a time from a directory fd of the share root, each step an
// open(/proc/self/fd/<dir>/<name>, O_PATH|O_DIRECTORY|O_NOFOLLOW): `..` is never sent to the host,
// a symlink is never followed (not as an intermediate component, not as the last one, where
// callers use O_NOFOLLOW or *at calls that do not follow), and a swap of a component for a symlink
// between two requests is caught at the next use. QEMU's 9p-local.c does the same with openat().
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { performance } from 'node:perf_hooks';
import { E, p9err } from './errno';

/** open(2)'s O_PATH (Linux): a handle for *at resolution only, not for I/O. */
export const O_PATH = 0o10000000;
const STEP = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const fdPath = (fd: number) => `/proc/self/fd/${fd}`;

/**
 * How long an open host fd is trusted to still be inside the share after it was last found there
 * (host ms): see {@link ShareRoot.checkOpen}.
 */
export const RECHECK_MS = 10;

/**
 * A host fd the guest holds open, and when (host ms, `ShareRoot.now`) it was last known to be
 * inside the share: when it was opened through the root, then at each check.
 */
export interface OpenFd {
  readonly fd: number;
  insideAt: number;
}

export interface ShareRootOptions {
  /** `RECHECK_MS` (10) unless given; 0 checks an open fd at every use. */
  readonly recheckMs?: number;
  /** The host clock in ms (monotonic); `performance.now` unless given. */
  readonly now?: () => number;
}

/** The shared directory: one O_PATH fd held for the server's life. */
export class ShareRoot {
  readonly rootFd: number;
  /** The root's canonical host path (for the "still inside" check of open files). */
  readonly realRoot: string;
  readonly rootIno: bigint;
  readonly rootDev: bigint;
  /**
   * Directory fds opened to resolve paths (none for entries directly in the root); open fds
   * checked to be still inside (one /proc/self/fd readlink each).
   */
  readonly stats = { dirOpens: 0, insideChecks: 0 };
  /** {@link ShareRootOptions.recheckMs}; may change between requests (bench:sqlite-runs' A/B). */
  recheckMs: number;
  /** The host clock (ms) that dates what {@link checkOpen} knows. */
  readonly now: () => number;

  /** @throws Error when `dir` is not an existing directory. */
  constructor(dir: string, opts: ShareRootOptions = {}) {
    this.recheckMs = opts.recheckMs ?? RECHECK_MS;
    this.now = opts.now ?? (() => performance.now());
    const st = statSync(dir, { bigint: true });
    if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
    this.realRoot = realpathSync(dir);
    this.rootFd = openSync(this.realRoot, O_PATH | constants.O_DIRECTORY);
    const s = fstatSync(this.rootFd, { bigint: true });
    this.rootIno = s.ino;
    this.rootDev = s.dev;
  }

  close(): void {
    closeSync(this.rootFd);
  }

  /**
   * Opens the directory `dir` (components below the root) as an O_PATH fd the caller closes.
   * @throws P9Errno ENOTDIR when a component is a symlink or not a directory, ENOENT when missing.
   */
  openDir(dir: readonly string[]): number {
    // The walk starts from the held root fd itself: its /proc path is as good as a fresh copy's.
    let fd = this.rootFd;
    for (const name of dir) {
      this.stats.dirOpens++;
      let next: number;
      try {
        next = openSync(`${fdPath(fd)}/${name}`, STEP);
      } catch (e) {
        if (fd !== this.rootFd) closeSync(fd);
        // O_NOFOLLOW|O_DIRECTORY on a symlink fails with ENOTDIR: "not a directory you may enter".
        throw e;
      }
      if (fd !== this.rootFd) closeSync(fd);
      fd = next;
    }
    if (fd === this.rootFd) {
      this.stats.dirOpens++;
      fd = openSync(fdPath(this.rootFd), O_PATH | constants.O_DIRECTORY);
    }
    return fd;
  }

  /**
   * Runs `fn` with an O_PATH fd of directory `dir`: for the root, the held root fd (no open/close
   * per request: files directly in the share are the common case); else one openDir walk.
   */
  private withDir<T>(dir: readonly string[], fn: (fd: number) => T): T {
    if (dir.length === 0) return fn(this.rootFd);
    const fd = this.openDir(dir);
    try {
      return fn(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Runs `fn` with a host path naming `path` that the kernel resolves without following any
   * symlink before its last component: `/proc/self/fd/<parent>/<name>`, or the root itself.
   * `fn` must not follow a symlink in the last component (lstat, O_NOFOLLOW, unlink, rename, …),
   * nor close `parentFd`.
   */
  at<T>(path: readonly string[], fn: (hostPath: string, parentFd: number) => T): T {
    if (path.length === 0) return fn(`${fdPath(this.rootFd)}/.`, this.rootFd);
    const last = path[path.length - 1];
    if (path.length === 1) return fn(`${fdPath(this.rootFd)}/${last}`, this.rootFd);
    return this.withDir(path.slice(0, -1), (fd) => fn(`${fdPath(fd)}/${last}`, fd));
  }

  /** Runs `fn` with the host path of directory `dir` itself (for entries inside it). */
  inDir<T>(dir: readonly string[], fn: (dirPath: string) => T): T {
    return this.withDir(dir, (fd) => fn(fdPath(fd)));
  }

  /**
   * Checks that an open host fd still names something inside the share (it may have been moved
   * out by another host process after the guest opened it).
   * @throws P9Errno ESTALE when it is outside.
   */
  checkInside(fd: number): void {
    this.stats.insideChecks++;
    let p: string;
    try {
      p = readlinkSync(fdPath(fd));
    } catch {
      throw p9err(E.EBADF, `fd ${fd} is gone`);
    }
    const r = this.realRoot;
    if (p === r || p.startsWith(r === '/' ? r : `${r}/`)) return;
    throw p9err(E.ESTALE, `the file was moved out of the share (now ${p})`);
  }

  /**
   * Checks an open fd before the guest uses it, as {@link checkInside}, unless it was found inside
   * the share less than the recheck interval ago. The check is best effort either way (the file
   * can move between it and the use); the interval bounds how long a file another host process
   * moved out stays reachable, and spares a /proc readlink on every request of a file in use.
   * @throws P9Errno ESTALE when it is outside, EBADF when the fd is gone.
   */
  checkOpen(o: OpenFd): void {
    const now = this.now();
    if (now - o.insideAt < this.recheckMs) return;
    this.checkInside(o.fd);
    o.insideAt = now;
  }
}
