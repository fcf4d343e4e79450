// The wasi_snapshot_preview1 imports over the program's POSIX process (packages/posix: vfscore
// files, the console, pipes, sockets in one descriptor table): each returns a WASI errno (or a Promise of one,
// which the suspension layer turns into a blocking call for the program). Results go through the
// out-pointers the spec names; every pointer is bounds-checked (a bad one is EFAULT, never a host
// error). Linux errno from the kernel is translated once, in errno.ts.

import {
  inheritStdio,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  POLLRDHUP,
  type RkPosix,
  type RkPosixFile,
  waitReady,
} from '@runikraft/posix';
import type { RkFsResult, RkStat } from '@runikraft/vfscore';
import * as V from '@runikraft/vfscore';
import { andThen, type RkFsSteps, runSteps, wait } from '@runikraft/vfscore';
import * as A from './abi';
import { wasiErrno } from './errno';
import { filetypeOf, maxRights, type WasiFdInfo, WasiFdTable } from './fds';
import { WASIX, WASIX_NAMES, WasiFdsExt } from './fds-ext';
import { type WasiKernel, wasiProcess } from './kernel';
import { encodeUtf8, type LinearMemory, WasiFault } from './memory';
import { L, type WasiListenSpec, WasiSockets } from './sockets';
import { SOCKET_EXT_NAMES, WasiSocketExt } from './sockets-ext';

const E = A.WasiErrno;
/** What an import returns: a WASI errno, or a Promise of one when the call blocks (see AsyncifyRunner). */
export type R = number | Promise<number>;

/** Thrown by proc_exit: unwinds the program to its runner, which reports the status. */
export class WasiExit {
  constructor(readonly code: number) {}
}

export interface WasiProcessConfig {
  args: readonly string[];
  env: readonly string[];
  /** Directories handed to the program as preopens: program-visible name → kernel path. */
  preopens: readonly (readonly [string, string])[];
  /** Sockets handed to the program at start, after the preopened directories (`libc.listen`). */
  listen?: readonly WasiListenSpec[];
}

const NS = 1_000_000_000n;
// The rights of the calls that can stay synchronous, computed once (checked on every call).
const R_READ = A.rights('FD_READ');
const R_WRITE = A.rights('FD_WRITE');
const R_READ_SEEK = A.rights('FD_READ', 'FD_SEEK');
const R_WRITE_SEEK = A.rights('FD_WRITE', 'FD_SEEK');
const R_SEEK = A.rights('FD_SEEK');
const R_TELL = A.rights('FD_TELL');
const R_SYNC = A.rights('FD_SYNC');
const R_DATASYNC = A.rights('FD_DATASYNC');
const R_FILESTAT_GET = A.rights('FD_FILESTAT_GET');
const R_PATH_FILESTAT_GET = A.rights('PATH_FILESTAT_GET');
const R_PATH_FILESTAT_SET_TIMES = A.rights('PATH_FILESTAT_SET_TIMES');
const R_PATH_CREATE_DIRECTORY = A.rights('PATH_CREATE_DIRECTORY');
const R_PATH_REMOVE_DIRECTORY = A.rights('PATH_REMOVE_DIRECTORY');
const R_PATH_UNLINK_FILE = A.rights('PATH_UNLINK_FILE');
const R_PATH_OPEN = A.rights('PATH_OPEN');
const R_PATH_CREATE_FILE = A.rights('PATH_CREATE_FILE');
const R_PATH_FILESTAT_SET_SIZE = A.rights('PATH_FILESTAT_SET_SIZE');
const R_READDIR = A.rights('FD_READDIR');
const R_FILESTAT_SET_SIZE = A.rights('FD_FILESTAT_SET_SIZE');
const R_FILESTAT_SET_TIMES = A.rights('FD_FILESTAT_SET_TIMES');
const R_PATH_LINK_SOURCE = A.rights('PATH_LINK_SOURCE');
const R_PATH_LINK_TARGET = A.rights('PATH_LINK_TARGET');
const R_PATH_READLINK = A.rights('PATH_READLINK');
const R_PATH_RENAME_SOURCE = A.rights('PATH_RENAME_SOURCE');
const R_PATH_RENAME_TARGET = A.rights('PATH_RENAME_TARGET');
const R_PATH_SYMLINK = A.rights('PATH_SYMLINK');
/** The rights that make path_open open for writing, and for reading. */
const R_OPEN_WRITES = A.rights('FD_WRITE', 'FD_ALLOCATE', 'FD_FILESTAT_SET_SIZE');
const R_OPEN_READS = A.rights('FD_READ', 'FD_READDIR');
/** The times both set to now: vfscore's null times, with no objects made per call. */
const BOTH_NOW = A.FST_ATIM_NOW | A.FST_MTIM_NOW;
const toNs = (t: { sec: number; nsec: number }): bigint => BigInt(t.sec) * NS + BigInt(t.nsec);
const fromNs = (ns: bigint) => ({ sec: Number(ns / NS), nsec: Number(ns % NS) });

/** Lexically refuses what would leave the directory fd: absolute paths and `..` above it. */
function confined(path: string): boolean {
  if (path.charCodeAt(0) === 47) return false;
  let depth = 0;
  // components [at, end), scanned in place
  for (let at = 0; at <= path.length; ) {
    let end = path.indexOf('/', at);
    if (end < 0) end = path.length;
    const n = end - at;
    if (n === 2 && path.charCodeAt(at) === 46 && path.charCodeAt(at + 1) === 46) {
      if (--depth < 0) return false;
    } else if (n > 0 && !(n === 1 && path.charCodeAt(at) === 46)) depth++;
    at = end + 1;
  }
  return true;
}

/** Whether the `s.length` bytes at `at` are the ASCII string `s`. */
function sameAscii(u8: Uint8Array, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (u8[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** How many decoded paths path() remembers (SQLite's database, journal and lock names). */
const RECENT_PATHS = 8;

export class WasiPreview1 {
  readonly fds: WasiFdTable;
  /** Socket descriptors (sockets.ts) and the WasmEdge socket extension (sockets-ext.ts). */
  readonly socks: WasiSockets;
  private readonly ext: WasiSocketExt;
  /** WASIX's descriptor calls (fds-ext.ts): pipes, dup, eventfd, epoll. */
  private readonly wasix: WasiFdsExt;
  /** The program's POSIX process: its descriptors are the WASI fds (the same numbers). */
  private readonly px: RkPosix;
  private mem!: LinearMemory;
  /** Paths decoded lately (confined ASCII): a program names the same few files again and again. */
  private readonly recent: string[] = [];
  private recentNext = 0;

  constructor(
    private readonly k: WasiKernel,
    private readonly cfg: WasiProcessConfig,
    px?: RkPosix,
  ) {
    this.px = px ?? wasiProcess(k, cfg.args, cfg.env);
    this.fds = new WasiFdTable(this.px);
    this.socks = new WasiSockets(k, this.px, this.fds, () => this.mem);
    this.ext = new WasiSocketExt(this.socks, () => this.mem);
    this.wasix = new WasiFdsExt(this.px, this.fds, () => this.mem);
  }

  /**
   * Gives the program the kernel's 0–2 as its stdio (where the process has none of its own), then
   * the preopened directories (contiguous from 3) and the preopened sockets after them.
   */
  async start(mem: LinearMemory): Promise<void> {
    this.mem = mem;
    await inheritStdio(this.px, [0, 1, 2]);
    for (const [name, path] of this.cfg.preopens) {
      const fd = await this.px.open(path, V.O_RDONLY | V.O_DIRECTORY);
      if (fd < 0) throw new Error(`libc-shim: preopen ${name} → ${path}: errno ${-fd}`);
      this.fds.set(fd, {
        rightsBase: A.RIGHTS_DIR,
        rightsInheriting: A.RIGHTS_DIR | A.RIGHTS_FILE,
        preopen: name,
      });
      this.fds.preopens.push(fd);
    }
    await this.socks.preopen(this.cfg.listen ?? []);
  }

  /** Process exit: closes every descriptor the program has (preopens, files, sockets, its stdio). */
  async stop(): Promise<void> {
    for (const fd of [...this.fds.preopens]) this.fds.forget(fd);
    await this.px.exit();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** E.SUCCESS when `fd` has `right`, else its errno; synchronous once the fd's rights are known. */
  private need(fd: number, right: bigint): R {
    const known = this.fds.known(fd);
    if (known !== undefined) return (known.rightsBase & right) === right ? E.SUCCESS : E.NOTCAPABLE;
    return andThen(this.fds.get(fd), (inf) =>
      !inf ? E.BADF : (inf.rightsBase & right) === right ? E.SUCCESS : E.NOTCAPABLE,
    );
  }
  /** `then()` when `fd` has `right`, else the errno: the rights check of the calls that may stay synchronous. */
  private withRight(fd: number, right: bigint, then: () => R): R {
    return andThen(this.need(fd, right), (e) => (e ? e : then()));
  }
  /**
   * The program's path at [ptr, ptr+len): EILSEQ (not UTF-8), EINVAL (a NUL inside), ENOTCAPABLE
   * (leaves the directory). A path met lately is the same string again, made without decoding.
   */
  private path(ptr: number, len: number): string | number {
    const m = this.mem;
    ptr >>>= 0;
    len >>>= 0;
    m.check(ptr, len, 'path');
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      if (r.length === len && sameAscii(m.u8, ptr, r)) return r;
    }
    const s = m.string(ptr, len);
    if (s === null) return E.ILSEQ;
    if (s.includes('\0')) return E.INVAL;
    if (!confined(s)) return E.NOTCAPABLE;
    // one UTF-16 unit per byte: ASCII, which sameAscii compares
    if (s.length === len) {
      recent[this.recentNext] = s;
      this.recentNext = (this.recentNext + 1) % RECENT_PATHS;
    }
    return s;
  }
  /**
   * The rights of `fd` were not known yet (a descriptor the program inherited): once they are, the
   * call is made again with the same arguments (nothing happened before the check), else its errno.
   */
  private retry(
    e: Promise<number>,
    f: (...a: never[]) => R,
    a?: unknown,
    b?: unknown,
    c?: unknown,
    d?: unknown,
    g?: unknown,
    h?: unknown,
    i?: unknown,
    j?: unknown,
    k?: unknown,
  ): Promise<number> {
    const call = f as (...a: unknown[]) => R;
    return e.then((x) => {
      if (x) return x;
      this.mem.refresh();
      return call(a, b, c, d, g, h, i, j, k);
    });
  }
  /** The WASI file type of `fd` (stat'ed as `mode`): a socket's says stream or datagram. */
  private filetype(fd: number, mode: number): number {
    const t = filetypeOf(mode);
    if (t !== A.Filetype.SOCKET_STREAM || fd < 0) return t;
    const s = this.px.socketOf(fd);
    return typeof s !== 'number' && s.type === L.SOCK_DGRAM ? A.Filetype.SOCKET_DGRAM : t;
  }
  /** `st` (of `fd`, or -1 for a path) as a filestat at `ptr`, or its errno. */
  private filestatOut(ptr: number, st: RkStat | number, fd = -1): number {
    if (typeof st === 'number') return wasiErrno(st);
    this.writeFilestat(ptr, st, fd);
    return E.SUCCESS;
  }
  private writeFilestat(ptr: number, st: RkStat, fd: number): void {
    const m = this.mem;
    m.check(ptr, A.FILESTAT_SIZE, 'filestat');
    m.setU64(ptr, st.dev);
    m.setU64(ptr + 8, st.ino);
    m.setU8(ptr + 16, this.filetype(fd, st.mode));
    m.u8.fill(0, ptr + 17, ptr + 24);
    m.setU64(ptr + 24, st.nlink);
    m.setU64(ptr + 32, st.size);
    m.setU64(ptr + 40, toNs(st.atime));
    m.setU64(ptr + 48, toNs(st.mtime));
    m.setU64(ptr + 56, toNs(st.ctime));
  }
  private utimes(atim: bigint, mtim: bigint, fst: number): V.RkUtimes | number {
    if (fst === BOTH_NOW) return null;
    if ((fst & A.FST_ATIM && fst & A.FST_ATIM_NOW) || (fst & A.FST_MTIM && fst & A.FST_MTIM_NOW))
      return E.INVAL;
    if (fst & ~(A.FST_ATIM | A.FST_ATIM_NOW | A.FST_MTIM | A.FST_MTIM_NOW)) return E.INVAL;
    const one = (t: bigint, set: number, now: number) =>
      fst & set
        ? fromNs(t)
        : fst & now
          ? { sec: 0, nsec: V.UTIME_NOW }
          : { sec: 0, nsec: V.UTIME_OMIT };
    return [one(atim, A.FST_ATIM, A.FST_ATIM_NOW), one(mtim, A.FST_MTIM, A.FST_MTIM_NOW)];
  }

  // ---- args, environment, clocks, random, process ------------------------------------------

  private vecGet(list: readonly string[], vec: number, buf: number): number {
    let at = buf;
    list.forEach((s, i) => {
      this.mem.setU32(vec + i * 4, at);
      at += this.mem.writeCString(at, s);
    });
    return E.SUCCESS;
  }
  private vecSizes(list: readonly string[], count: number, size: number): number {
    this.mem.setU32(count, list.length);
    this.mem.setU32(
      size,
      list.reduce((n, s) => n + encodeUtf8(s).length + 1, 0),
    );
    return E.SUCCESS;
  }
  args_get = (argv: number, buf: number): R => this.vecGet(this.cfg.args, argv, buf);
  args_sizes_get = (c: number, s: number): R => this.vecSizes(this.cfg.args, c, s);
  environ_get = (env: number, buf: number): R => this.vecGet(this.cfg.env, env, buf);
  environ_sizes_get = (c: number, s: number): R => this.vecSizes(this.cfg.env, c, s);

  private clockNs(id: number): bigint | null {
    return id >= 0 && id <= 3 ? this.k.clockNs(id) : null;
  }
  clock_res_get = (id: number, out: number): R => {
    if (this.clockNs(id) === null) return E.INVAL;
    this.mem.setU64(out, this.k.clockResNs);
    return E.SUCCESS;
  };
  clock_time_get = (id: number, _precision: bigint, out: number): R => {
    // The monotonic and CPU clocks as numbers (no BigInt per call); realtime needs 61 bits.
    if (id >= 1 && id <= 3 && this.k.clockNowNs !== undefined) {
      const n = this.k.clockNowNs(id);
      if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) {
        this.mem.setU64(out, n);
        return E.SUCCESS;
      }
    }
    const t = this.clockNs(id);
    if (t === null) return E.INVAL;
    this.mem.setU64(out, t);
    return E.SUCCESS;
  };
  random_get = (buf: number, len: number): R => {
    const b = this.mem.bytes(buf, len);
    for (let at = 0; at < b.length; at += 65536) this.k.random(b.subarray(at, at + 65536));
    return E.SUCCESS;
  };
  proc_exit = (code: number): R => {
    throw new WasiExit(code >>> 0);
  };
  proc_raise = (_sig: number): R => E.NOSYS;
  sched_yield = async (): Promise<number> => {
    await this.k.yield();
    return E.SUCCESS;
  };

  // ---- descriptors -----------------------------------------------------------------------------

  fd_advise = async (fd: number, _off: bigint, _len: bigint, advice: number): Promise<number> => {
    const e = await this.need(fd, A.rights('FD_ADVISE'));
    if (e) return e;
    return advice > 5 ? E.INVAL : E.SUCCESS;
  };
  fd_allocate = async (fd: number, off: bigint, len: bigint): Promise<number> => {
    const e = await this.need(fd, A.rights('FD_ALLOCATE'));
    if (e) return e;
    const st = await this.px.fstat(fd);
    if (typeof st === 'number') return wasiErrno(st);
    const end = Number(off + len);
    return end > st.size ? wasiErrno(await this.px.ftruncate(fd, end)) : E.SUCCESS;
  };
  fd_close = (fd: number): R => {
    const r = this.px.close(fd);
    return typeof r === 'number' ? this.closed(fd, r) : this.closedLater(fd, r);
  };
  private closed(fd: number, r: number): number {
    if (r >= 0) this.fds.forget(fd);
    return wasiErrno(r);
  }
  private closedLater(fd: number, r: Promise<number>): Promise<number> {
    return r.then((x) => this.closed(fd, x));
  }
  fd_datasync = (fd: number): R => {
    const e = this.need(fd, R_DATASYNC);
    if (typeof e !== 'number') return this.retry(e, this.fd_datasync, fd);
    return e ? e : errnoOf(this.px.fdatasync(fd));
  };
  fd_sync = (fd: number): R => {
    const e = this.need(fd, R_SYNC);
    if (typeof e !== 'number') return this.retry(e, this.fd_sync, fd);
    return e ? e : errnoOf(this.px.fsync(fd));
  };

  fd_fdstat_get = (fd: number, out: number): R => {
    const inf = this.fds.get(fd);
    if (inf instanceof Promise) return this.fdstatLater(fd, inf, out);
    return this.fdstatOut(fd, inf, out);
  };
  private fdstatLater(fd: number, inf: Promise<WasiFdInfo | null>, out: number): Promise<number> {
    return inf.then((x) => {
      this.mem.refresh();
      return this.fdstatOut(fd, x, out);
    });
  }
  /**
   * The fdstat of `fd` (rights `inf`): its type is the one the descriptor was opened with (no stat,
   * as Linux's F_GETFL), its flags the description's.
   */
  private fdstatOut(fd: number, inf: WasiFdInfo | null, out: number): number {
    const of = inf ? this.px.fdtab.get(fd) : null;
    if (!inf || !of) return E.BADF;
    const fl = this.px.fcntl(fd, V.F_GETFL);
    if (fl < 0) return wasiErrno(fl);
    let flags = 0;
    if (fl & V.O_APPEND) flags |= A.FDFLAG_APPEND;
    if (fl & V.O_NONBLOCK) flags |= A.FDFLAG_NONBLOCK;
    if ((fl & V.O_SYNC) === V.O_SYNC) flags |= A.FDFLAG_SYNC | A.FDFLAG_RSYNC;
    if (fl & V.O_DSYNC) flags |= A.FDFLAG_DSYNC;
    this.mem.check(out, A.FDSTAT_SIZE, 'fdstat');
    this.mem.u8.fill(0, out, out + A.FDSTAT_SIZE);
    this.mem.setU8(out, this.filetype(fd, of.file.type));
    this.mem.setU16(out + 2, flags);
    this.mem.setU64(out + 8, inf.rightsBase & accessRights(fl));
    this.mem.setU64(out + 16, inf.rightsInheriting);
    return E.SUCCESS;
  }
  fd_fdstat_set_flags = async (fd: number, flags: number): Promise<number> => {
    const e = await this.need(fd, A.rights('FD_FDSTAT_SET_FLAGS'));
    if (e) return e;
    // Linux's F_SETFL changes only O_APPEND and O_NONBLOCK; the sync flags are fixed at open.
    if (flags & (A.FDFLAG_DSYNC | A.FDFLAG_RSYNC | A.FDFLAG_SYNC)) return E.NOTSUP;
    const fl = this.px.fcntl(fd, V.F_GETFL);
    if (fl < 0) return wasiErrno(fl);
    let nfl = fl & ~(V.O_APPEND | V.O_NONBLOCK);
    if (flags & A.FDFLAG_APPEND) nfl |= V.O_APPEND;
    if (flags & A.FDFLAG_NONBLOCK) nfl |= V.O_NONBLOCK;
    return wasiErrno(this.px.fcntl(fd, V.F_SETFL, nfl));
  };
  fd_fdstat_set_rights = async (fd: number, base: bigint, inh: bigint): Promise<number> => {
    const inf = await this.fds.get(fd);
    if (!inf) return E.BADF;
    // Rights only shrink (preview1: "can only remove rights").
    if ((base & ~inf.rightsBase) !== 0n || (inh & ~inf.rightsInheriting) !== 0n)
      return E.NOTCAPABLE;
    this.fds.set(fd, { ...inf, rightsBase: base, rightsInheriting: inh });
    return E.SUCCESS;
  };
  fd_filestat_get = (fd: number, out: number): R => {
    const e = this.need(fd, R_FILESTAT_GET);
    if (typeof e !== 'number') return this.retry(e, this.fd_filestat_get, fd, out);
    if (e) return e;
    const st = this.px.fstat(fd);
    return st instanceof Promise ? this.filestatLater(out, st, fd) : this.filestatOut(out, st, fd);
  };
  private filestatLater(ptr: number, st: Promise<RkStat | number>, fd = -1): Promise<number> {
    return st.then((x) => this.filestatOut(ptr, x, fd));
  }
  // ftruncate and futimens: synchronous when the kernel answers at once (ramfs)
  fd_filestat_set_size = (fd: number, size: bigint): R =>
    this.withRight(fd, R_FILESTAT_SET_SIZE, () => errnoOf(this.px.ftruncate(fd, Number(size))));
  fd_filestat_set_times = (fd: number, atim: bigint, mtim: bigint, fst: number): R =>
    this.withRight(fd, R_FILESTAT_SET_TIMES, () => {
      const t = this.utimes(atim, mtim, fst);
      return typeof t === 'number' ? t : errnoOf(this.px.futimens(fd, t));
    });

  /**
   * The four data calls: a rights check, one transfer over the iovecs, the count out —
   * synchronous when the kernel answers without waiting, so the program is not suspended.
   */
  private transfer(
    fd: number,
    right: bigint,
    iovs: number,
    n: number,
    out: number,
    op: (bufs: Uint8Array[]) => RkFsResult<number>,
  ): R {
    // No closures on the synchronous path (the common one): these are SQLite's hottest calls.
    const e = this.need(fd, right);
    if (typeof e !== 'number') return e.then((x) => (x ? x : this.transferNow(iovs, n, out, op)));
    return e ? e : this.transferNow(iovs, n, out, op);
  }
  private transferNow(
    iovs: number,
    n: number,
    out: number,
    op: (bufs: Uint8Array[]) => RkFsResult<number>,
  ): R {
    const r = op(this.mem.iovecs(iovs, n));
    return typeof r === 'number' ? this.countOut(out, r) : r.then((v) => this.countOut(out, v));
  }
  /**
   * transfer() of fd_read/fd_write for one iovec (nearly every call: stdio's buffer, SQLite's pages):
   * the same rights check, bounds checks and result, with no array and no closure per call.
   */
  private transfer1(fd: number, right: bigint, iovs: number, out: number, write: boolean): R {
    const e = this.need(fd, right);
    if (typeof e !== 'number')
      return e.then((x) => (x ? x : this.transfer1Now(fd, iovs, out, write)));
    return e ? e : this.transfer1Now(fd, iovs, out, write);
  }
  private transfer1Now(fd: number, iovs: number, out: number, write: boolean): R {
    const m = this.mem;
    m.check(iovs, 8, 'iovec array');
    const buf = m.bytes(m.view.getUint32(iovs, true), m.view.getUint32(iovs + 4, true), 'iovec 0');
    const r = write ? this.px.write(fd, buf) : this.px.read(fd, buf);
    return typeof r === 'number' ? this.countOut(out, r) : r.then((v) => this.countOut(out, v));
  }
  /** A kernel count (or -errno) for the program's u32 at `out`. */
  private countOut(out: number, r: number): number {
    if (r < 0) return wasiErrno(r);
    this.mem.setU32(out, r);
    return E.SUCCESS;
  }
  /** vfscore has no preadv/pwritev: one positioned call per iovec, stopping at a short one. */
  private positioned(
    bufs: Uint8Array[],
    off: bigint,
    call: (b: Uint8Array, at: number) => RkFsResult<number>,
  ): RkFsResult<number> {
    if (bufs.length === 1) return call(bufs[0]!, Number(off));
    const step = (i: number, done: number): RkFsResult<number> => {
      for (; i < bufs.length; i++) {
        const b = bufs[i]!;
        const r = call(b, Number(off) + done);
        if (r instanceof Promise) return r.then((v) => next(i, done, v));
        if (r < 0) return r;
        done += r;
        if (r < b.length) break;
      }
      return done;
    };
    const next = (i: number, done: number, r: number): RkFsResult<number> =>
      r < 0 ? r : r < bufs[i]!.length ? done + r : step(i + 1, done + r);
    return step(0, 0);
  }
  fd_read = (fd: number, iovs: number, n: number, out: number): R =>
    n === 1
      ? this.transfer1(fd, R_READ, iovs, out, false)
      : this.transfer(fd, R_READ, iovs, n, out, (b) => this.px.readv(fd, b));
  fd_write = (fd: number, iovs: number, n: number, out: number): R =>
    n === 1
      ? this.transfer1(fd, R_WRITE, iovs, out, true)
      : this.transfer(fd, R_WRITE, iovs, n, out, (b) => this.px.writev(fd, b));
  fd_pread = (fd: number, iovs: number, n: number, off: bigint, out: number): R =>
    this.transfer(fd, R_READ_SEEK, iovs, n, out, (bufs) =>
      this.positioned(bufs, off, (b, at) => this.px.pread(fd, b, at)),
    );
  fd_pwrite = (fd: number, iovs: number, n: number, off: bigint, out: number): R =>
    this.transfer(fd, R_WRITE_SEEK, iovs, n, out, (bufs) =>
      this.positioned(bufs, off, (b, at) => this.px.pwrite(fd, b, at)),
    );
  fd_seek = (fd: number, off: bigint, whence: number, out: number): R => {
    if (whence > 2) return E.INVAL;
    // A seek that only asks where it is needs FD_TELL, as preview1 defines.
    const right = whence === 1 && off === 0n ? R_TELL : R_SEEK;
    // No closures when nothing waits (SQLite seeks before each page write).
    const e = this.need(fd, right);
    if (typeof e !== 'number') return e.then((x) => (x ? x : this.seekNow(fd, off, whence, out)));
    return e ? e : this.seekNow(fd, off, whence, out);
  };
  private seekNow(fd: number, off: bigint, whence: number, out: number): R {
    const r = this.px.lseek(fd, Number(off), whence);
    return typeof r === 'number' ? this.u64Out(out, r) : r.then((v) => this.u64Out(out, v));
  }
  fd_tell = (fd: number, out: number): R =>
    this.withRight(fd, R_TELL, () => andThen(this.px.lseek(fd, 0, 1), (r) => this.u64Out(out, r)));
  /** A kernel result that is -errno or a count for the program's u64 at `out`. */
  private u64Out(out: number, r: number): number {
    if (r < 0) return wasiErrno(r);
    this.mem.setU64(out, r);
    return E.SUCCESS;
  }
  fd_renumber = async (from: number, to: number): Promise<number> => {
    if (!(await this.fds.get(from)) || !(await this.fds.get(to))) return E.BADF;
    if (from === to) return E.SUCCESS;
    const r = this.px.dup2(from, to);
    if (r < 0) return wasiErrno(r);
    this.fds.move(from, to);
    return wasiErrno(await this.px.close(from));
  };
  fd_prestat_get = (fd: number, out: number): R => {
    const name = this.fds.preopenName(fd);
    if (name === undefined) return E.BADF;
    this.mem.setU32(out, 0);
    this.mem.setU32(out + 4, encodeUtf8(name).length);
    return E.SUCCESS;
  };
  fd_prestat_dir_name = (fd: number, buf: number, len: number): R => {
    const name = this.fds.preopenName(fd);
    if (name === undefined) return E.BADF;
    const b = encodeUtf8(name);
    if (len < b.length) return E.NAMETOOLONG;
    this.mem.bytes(buf, b.length).set(b);
    return E.SUCCESS;
  };
  // The calls below are synchronous when the kernel answers at once (ramfs, cached names): each
  // is a step generator (vfscore's runSteps) that waits only where a driver does.
  fd_readdir = (fd: number, buf: number, len: number, cookie: bigint, out: number): R =>
    runSteps(this.readdirSteps(fd, buf, len, cookie, out));
  private *readdirSteps(
    fd: number,
    buf: number,
    len: number,
    cookie: bigint,
    out: number,
  ): RkFsSteps<number> {
    const e = yield* wait(this.need(fd, R_READDIR));
    if (e) return e;
    // The cookie is the directory position after an entry (Linux's d_off), so lseek resumes there.
    const at = yield* wait(this.px.lseek(fd, Number(cookie), 0));
    if (at < 0) return wasiErrno(at);
    let used = 0;
    const head = new DataView(new ArrayBuffer(A.DIRENT_SIZE));
    const headU8 = new Uint8Array(head.buffer);
    while (used < len) {
      const batch = yield* wait(this.px.readdir(fd));
      if (typeof batch === 'number') return wasiErrno(batch);
      if (batch.length === 0) break;
      this.mem.refresh(); // after a wait, the views of a memory another thread grew
      const dst = this.mem.bytes(buf, len);
      for (const d of batch) {
        const name = encodeUtf8(d.name);
        head.setBigUint64(0, BigInt(d.off), true);
        head.setBigUint64(8, BigInt(d.ino), true);
        head.setUint32(16, name.length, true);
        head.setUint8(20, direntType(d.type));
        const rec = new Uint8Array(A.DIRENT_SIZE + name.length);
        rec.set(headU8);
        rec.set(name, A.DIRENT_SIZE);
        // A record that does not fit is cut at the buffer's end: preview1 says a full buffer means
        // "call again" and the caller then resumes from the last whole entry's d_next.
        const take = Math.min(rec.length, len - used);
        dst.set(rec.subarray(0, take), used);
        used += take;
        if (used >= len) break;
      }
    }
    this.mem.refresh();
    this.mem.setU32(out, used);
    return E.SUCCESS;
  }

  // ---- paths -----------------------------------------------------------------------------------

  // The path calls below are synchronous when the kernel answers at once (ramfs, cached names):
  // SQLite's dot-file locking makes a dozen of them per statement.
  path_create_directory = (fd: number, p: number, l: number): R => {
    const e = this.need(fd, R_PATH_CREATE_DIRECTORY);
    if (typeof e !== 'number') return this.retry(e, this.path_create_directory, fd, p, l);
    if (e) return e;
    const path = this.path(p, l);
    return typeof path === 'number' ? path : errnoOf(this.px.mkdirat(fd, path, 0o777));
  };
  path_filestat_get = (fd: number, flags: number, p: number, l: number, out: number): R => {
    const e = this.need(fd, R_PATH_FILESTAT_GET);
    if (typeof e !== 'number') return this.retry(e, this.path_filestat_get, fd, flags, p, l, out);
    if (e) return e;
    const path = this.path(p, l);
    if (typeof path === 'number') return path;
    const nf = flags & A.LOOKUP_SYMLINK_FOLLOW ? 0 : V.AT_SYMLINK_NOFOLLOW;
    const st = this.px.fstatat(fd, path, nf);
    return st instanceof Promise ? this.filestatLater(out, st) : this.filestatOut(out, st);
  };
  path_filestat_set_times = (
    fd: number,
    flags: number,
    p: number,
    l: number,
    atim: bigint,
    mtim: bigint,
    fst: number,
  ): R => {
    const e = this.need(fd, R_PATH_FILESTAT_SET_TIMES);
    if (typeof e !== 'number')
      return this.retry(e, this.path_filestat_set_times, fd, flags, p, l, atim, mtim, fst);
    if (e) return e;
    const path = this.path(p, l);
    if (typeof path === 'number') return path;
    const t = this.utimes(atim, mtim, fst);
    if (typeof t === 'number') return t;
    const nf = flags & A.LOOKUP_SYMLINK_FOLLOW ? 0 : V.AT_SYMLINK_NOFOLLOW;
    return errnoOf(this.px.utimensat(fd, path, t, nf));
  };
  path_link = (
    ofd: number,
    oflags: number,
    op: number,
    ol: number,
    nfd: number,
    np: number,
    nl: number,
  ): R => runSteps(this.linkSteps(ofd, oflags, op, ol, nfd, np, nl));
  private *linkSteps(
    ofd: number,
    oflags: number,
    op: number,
    ol: number,
    nfd: number,
    np: number,
    nl: number,
  ): RkFsSteps<number> {
    const e =
      (yield* wait(this.need(ofd, R_PATH_LINK_SOURCE))) ||
      (yield* wait(this.need(nfd, R_PATH_LINK_TARGET)));
    if (e) return e;
    this.mem.refresh();
    const o = this.path(op, ol);
    if (typeof o === 'number') return o;
    const n = this.path(np, nl);
    if (typeof n === 'number') return n;
    const f = oflags & A.LOOKUP_SYMLINK_FOLLOW ? V.AT_SYMLINK_FOLLOW : 0;
    return wasiErrno(yield* wait(this.px.linkat(ofd, o, nfd, n, f)));
  }
  path_open = (
    fd: number,
    dirflags: number,
    p: number,
    l: number,
    oflags: number,
    base: bigint,
    inheriting: bigint,
    fdflags: number,
    out: number,
  ): R => {
    const dir = this.fds.get(fd);
    if (dir instanceof Promise)
      return this.retry(
        dir.then((x) => (x ? E.SUCCESS : E.BADF)),
        this.path_open,
        fd,
        dirflags,
        p,
        l,
        oflags,
        base,
        inheriting,
        fdflags,
        out,
      );
    if (!dir) return E.BADF;
    const dr = dir.rightsBase;
    if (!(dr & R_PATH_OPEN)) return E.NOTCAPABLE;
    const path = this.path(p, l);
    if (typeof path === 'number') return path;
    let flags = V.O_CLOEXEC;
    const w = (base & R_OPEN_WRITES) !== 0n;
    const r = (base & R_OPEN_READS) !== 0n;
    flags |= w && r ? V.O_RDWR : w ? V.O_WRONLY : V.O_RDONLY;
    if (oflags & A.OFLAG_CREAT) {
      if (!(dr & R_PATH_CREATE_FILE)) return E.NOTCAPABLE;
      flags |= V.O_CREAT;
    }
    if (oflags & A.OFLAG_DIRECTORY) flags |= V.O_DIRECTORY;
    if (oflags & A.OFLAG_EXCL) flags |= V.O_EXCL;
    if (oflags & A.OFLAG_TRUNC) {
      if (!(dr & R_PATH_FILESTAT_SET_SIZE)) return E.NOTCAPABLE;
      flags |= V.O_TRUNC;
    }
    if (fdflags & A.FDFLAG_APPEND) flags |= V.O_APPEND;
    if (fdflags & A.FDFLAG_NONBLOCK) flags |= V.O_NONBLOCK;
    if (fdflags & A.FDFLAG_DSYNC) flags |= V.O_DSYNC;
    if (fdflags & (A.FDFLAG_SYNC | A.FDFLAG_RSYNC)) flags |= V.O_SYNC;
    if (!(dirflags & A.LOOKUP_SYMLINK_FOLLOW)) flags |= V.O_NOFOLLOW;
    // The new fd's rights: what was asked, within what the directory lets its files inherit and
    // what the opened file's type supports.
    if ((base & ~dir.rightsInheriting) !== 0n) return E.NOTCAPABLE;
    const nfd = this.px.openat(fd, path, flags, 0o666);
    if (nfd instanceof Promise) return this.openedLater(nfd, base, inheriting, out);
    return this.opened(nfd, base, inheriting, out);
  };
  private openedLater(
    nfd: Promise<number>,
    base: bigint,
    inheriting: bigint,
    out: number,
  ): Promise<number> {
    return nfd.then((x) => {
      this.mem.refresh();
      return this.opened(x, base, inheriting, out);
    });
  }
  /** path_open's descriptor `nfd` (or -errno): its rights within its type's, the fd out. */
  private opened(nfd: number, base: bigint, inheriting: bigint, out: number): number {
    if (nfd < 0) return wasiErrno(nfd);
    // The type the descriptor was opened with (posix knows it: no stat needed).
    const max = maxRights(filetypeOf(this.px.fdtab.get(nfd)!.file.type));
    this.fds.set(nfd, {
      rightsBase: base & max.base,
      rightsInheriting: inheriting & max.inheriting,
    });
    this.mem.setU32(out, nfd);
    return E.SUCCESS;
  }
  path_readlink = (fd: number, p: number, l: number, buf: number, len: number, out: number): R =>
    runSteps(this.readlinkSteps(fd, p, l, buf, len, out));
  private *readlinkSteps(
    fd: number,
    p: number,
    l: number,
    buf: number,
    len: number,
    out: number,
  ): RkFsSteps<number> {
    const e = yield* wait(this.need(fd, R_PATH_READLINK));
    if (e) return e;
    this.mem.refresh();
    const path = this.path(p, l);
    if (typeof path === 'number') return path;
    const t = yield* wait(this.px.readlinkat(fd, path));
    if (typeof t === 'number') return wasiErrno(t);
    this.mem.refresh();
    const b = encodeUtf8(t);
    const n = Math.min(b.length, len);
    this.mem.bytes(buf, n).set(b.subarray(0, n));
    this.mem.setU32(out, n);
    return E.SUCCESS;
  }
  path_remove_directory = (fd: number, p: number, l: number): R => {
    const e = this.need(fd, R_PATH_REMOVE_DIRECTORY);
    if (typeof e !== 'number') return this.retry(e, this.path_remove_directory, fd, p, l);
    if (e) return e;
    const path = this.path(p, l);
    return typeof path === 'number' ? path : errnoOf(this.px.unlinkat(fd, path, V.AT_REMOVEDIR));
  };
  path_rename = (fd: number, op: number, ol: number, nfd: number, np: number, nl: number): R =>
    runSteps(this.renameSteps(fd, op, ol, nfd, np, nl));
  private *renameSteps(
    fd: number,
    op: number,
    ol: number,
    nfd: number,
    np: number,
    nl: number,
  ): RkFsSteps<number> {
    const e =
      (yield* wait(this.need(fd, R_PATH_RENAME_SOURCE))) ||
      (yield* wait(this.need(nfd, R_PATH_RENAME_TARGET)));
    if (e) return e;
    this.mem.refresh();
    const o = this.path(op, ol);
    if (typeof o === 'number') return o;
    const n = this.path(np, nl);
    if (typeof n === 'number') return n;
    return wasiErrno(yield* wait(this.px.renameat2(fd, o, nfd, n, 0)));
  }
  path_symlink = (op: number, ol: number, fd: number, np: number, nl: number): R =>
    runSteps(this.symlinkSteps(op, ol, fd, np, nl));
  private *symlinkSteps(
    op: number,
    ol: number,
    fd: number,
    np: number,
    nl: number,
  ): RkFsSteps<number> {
    const e = yield* wait(this.need(fd, R_PATH_SYMLINK));
    if (e) return e;
    this.mem.refresh();
    const target = this.mem.string(op, ol, 'symlink target');
    if (target === null) return E.ILSEQ;
    const n = this.path(np, nl);
    if (typeof n === 'number') return n;
    return wasiErrno(yield* wait(this.px.symlinkat(target, fd, n)));
  }
  path_unlink_file = (fd: number, p: number, l: number): R => {
    const e = this.need(fd, R_PATH_UNLINK_FILE);
    if (typeof e !== 'number') return this.retry(e, this.path_unlink_file, fd, p, l);
    if (e) return e;
    const path = this.path(p, l);
    return typeof path === 'number' ? path : errnoOf(this.px.unlinkat(fd, path, 0));
  };

  // ---- poll ------------------------------------------------------------------------------------

  poll_oneoff = async (inp: number, out: number, nsubs: number, nout: number): Promise<number> => {
    if (nsubs === 0) return E.INVAL;
    const m = this.mem;
    m.check(inp, nsubs * A.SUBSCRIPTION_SIZE, 'subscriptions');
    m.check(out, nsubs * A.EVENT_SIZE, 'events');
    const now = this.k.clockNs(A.CLOCK_MONOTONIC)!;
    let wakeAt: bigint | null = null;
    let wakeUd = 0n;
    const events: PollEvent[] = [];
    const fdSubs: FdSub[] = [];
    for (let i = 0; i < nsubs; i++) {
      const s = inp + i * A.SUBSCRIPTION_SIZE;
      const ud = m.view.getBigUint64(s, true);
      const tag = m.view.getUint8(s + 8);
      if (tag === A.EVENTTYPE_CLOCK) {
        const id = m.view.getUint32(s + 16, true);
        const timeout = m.view.getBigUint64(s + 24, true);
        const abs = m.view.getUint16(s + 40, true) & A.SUBCLOCK_ABSTIME;
        const base = this.clockNs(id);
        if (base === null) {
          events.push({ ud, err: E.INVAL, type: tag, nbytes: 0n, flags: 0 });
          continue;
        }
        // An absolute REALTIME deadline becomes a monotonic one: the remaining time is the same.
        const at = abs ? now + (timeout - base) : now + timeout;
        if (wakeAt === null || at < wakeAt) {
          wakeAt = at;
          wakeUd = ud;
        }
      } else if (tag === A.EVENTTYPE_FD_READ || tag === A.EVENTTYPE_FD_WRITE) {
        const fd = m.view.getUint32(s + 16, true);
        const e = await this.need(fd, A.rights('POLL_FD_READWRITE'));
        const of = this.px.fdtab.get(fd);
        if (e || !of) {
          events.push({ ud, err: e || E.BADF, type: tag, nbytes: 0n, flags: 0 });
          continue;
        }
        fdSubs.push({ ud, type: tag, fd, file: of.file });
      } else return E.INVAL;
    }
    // Descriptors are ready per their kind's readiness (posix): a regular file always is (as
    // Linux's poll); a pipe, socket or the console when data or room is there. With none ready,
    // the program parks until one is or the earliest clock subscription is due.
    const scan = async (): Promise<void> => {
      for (const f of fdSubs) {
        const mask = f.file.poll();
        if (!(mask & wanted(f.type))) continue;
        const read = f.type === A.EVENTTYPE_FD_READ;
        events.push({
          ud: f.ud,
          err: read ? readError(mask) : 0,
          type: f.type,
          nbytes: read && mask & POLLIN ? await this.readable(f.fd) : 0n,
          flags: mask & (POLLHUP | POLLRDHUP) ? A.EVENT_FD_READWRITE_HANGUP : 0,
        });
      }
    };
    if (events.length === 0) await scan();
    if (events.length === 0 && fdSubs.length > 0) {
      const timeout = wakeAt === null ? -1 : Math.max(0, Number(wakeAt - now));
      const files = fdSubs.map((f) => f.file);
      const r = await waitReady(this.px.sched, files, () => readyCount(fdSubs), timeout);
      if (r > 0) await scan();
    }
    if (events.length === 0 && wakeAt !== null) {
      const wait = wakeAt - this.k.clockNs(A.CLOCK_MONOTONIC)!;
      if (wait > 0n) await this.k.sleepNs(Number(wait));
      events.push({ ud: wakeUd, err: 0, type: A.EVENTTYPE_CLOCK, nbytes: 0n, flags: 0 });
    }
    m.u8.fill(0, out, out + events.length * A.EVENT_SIZE);
    events.forEach((ev, i) => {
      const o = out + i * A.EVENT_SIZE;
      m.setU64(o, ev.ud);
      m.setU16(o + 8, ev.err);
      m.setU8(o + 10, ev.type);
      m.setU64(o + 16, ev.nbytes);
      m.setU16(o + 24, ev.flags);
    });
    m.setU32(nout, events.length);
    return E.SUCCESS;
  };

  /**
   * Bytes a read would get (wasi-libc's FIONREAD): for a regular file, what is left before EOF; for
   * a pipe, what is queued; 0 where unknown (sockets, the console).
   */
  private async readable(fd: number): Promise<bigint> {
    const queued = this.px.fdtab.get(fd)?.file.nread?.();
    if (queued !== undefined) return BigInt(queued);
    const st = await this.px.fstat(fd);
    if (typeof st === 'number' || (st.mode & V.S_IFMT) !== V.S_IFREG) return 0n;
    const pos = await this.px.lseek(fd, 0, 1);
    return pos >= 0 && st.size > pos ? BigInt(st.size - pos) : 0n;
  }

  // ---- sockets (preview1's four; the rest is the WasmEdge extension) -----------------------------

  sock_accept = (fd: number, a: number, b?: number): R => this.socks.sock_accept(fd, a, b);
  sock_recv = (fd: number, i: number, n: number, f: number, ol: number, of: number): R =>
    this.socks.sock_recv(fd, i, n, f, ol, of);
  sock_send = (fd: number, i: number, n: number, f: number, o: number): R =>
    this.socks.sock_send(fd, i, n, f, o);
  sock_shutdown = (fd: number, how: number): R => this.socks.sock_shutdown(fd, how);

  /**
   * An import namespace, each call fault-guarded: `wasi_snapshot_preview1` (with the socket
   * extension) by default, or WASIX's (`wasix_32v1`, fds-ext.ts).
   */
  imports(module?: string): Record<string, (...a: never[]) => R> {
    const out: Record<string, (...a: never[]) => R> = {};
    const names = module === WASIX ? WASIX_NAMES : [...PREVIEW1_NAMES, ...SOCKET_EXT_NAMES];
    for (const name of names) {
      const self =
        module === WASIX
          ? this.wasix
          : (SOCKET_EXT_NAMES as readonly string[]).includes(name)
            ? this.ext
            : this;
      const fn = (self as unknown as Record<string, (...a: unknown[]) => R>)[name]!;
      out[name] =
        fn.length <= 9
          ? // Fixed parameters (no preview1 import has more than 9): a rest array and a spread
            // would be an allocation and a copy on every call.
            (
              a: unknown,
              b: unknown,
              c: unknown,
              d: unknown,
              e: unknown,
              f: unknown,
              g: unknown,
              h: unknown,
              i: unknown,
            ) => {
              try {
                this.mem.refresh();
                const r = fn(a, b, c, d, e, f, g, h, i);
                return typeof r === 'number' ? r : r.catch(faultToErrno);
              } catch (x) {
                return faultToErrno(x);
              }
            }
          : (...a: unknown[]) => {
              try {
                this.mem.refresh();
                const r = fn(...a);
                return typeof r === 'number' ? r : r.catch(faultToErrno);
              } catch (e) {
                return faultToErrno(e);
              }
            };
    }
    return out;
  }
}

/** One event poll_oneoff reports (preview1's event: userdata, error, type, fd_readwrite). */
export interface PollEvent {
  ud: bigint;
  err: number;
  type: number;
  nbytes: bigint;
  /** eventrwflags: EVENT_FD_READWRITE_HANGUP. */
  flags: number;
}

/** An fd subscription of poll_oneoff, with the file it names. */
interface FdSub {
  ud: bigint;
  type: number;
  fd: number;
  file: RkPosixFile;
}

/**
 * The readiness bits that answer a subscription: Linux's select sets (fs/select.c POLLIN_SET and
 * POLLOUT_SET), since a subscription is one direction as a select set is. A hang-up answers a read
 * subscription only: a pipe's read end whose writers are gone is not writable.
 */
const wanted = (type: number): number =>
  type === A.EVENTTYPE_FD_READ ? POLLIN | POLLHUP | POLLERR : POLLOUT | POLLERR;

/**
 * The error of a read event, which is how preview1 tells poll() more than "readable": wasi-libc's
 * poll turns EPIPE into POLLHUP alone and any other error into POLLERR, so a pipe hung up with
 * nothing left to read is POLLHUP as on Linux (POLLIN|POLLHUP while data remains), and select
 * still finds it readable. A write event carries no error: a write end whose readers are gone is
 * POLLOUT (Linux: POLLOUT|POLLERR; wasi-libc's poll cannot report both), and its write is EPIPE.
 */
function readError(mask: number): number {
  if (mask & POLLIN) return E.SUCCESS;
  return mask & POLLHUP ? E.PIPE : mask & POLLERR ? E.IO : E.SUCCESS;
}

/**
 * The rights fd_fdstat_get reports, within the access mode: wasi-libc's fcntl(F_GETFL) derives
 * O_RDONLY/O_WRONLY/O_RDWR from FD_READ and FD_WRITE, and a pipe's read end is O_RDONLY on Linux.
 * Only the report: the calls' own checks keep both rights, so writing to a read end is EBADF, as
 * Linux's, rather than preview1's ENOTCAPABLE.
 */
function accessRights(flags: number): bigint {
  switch (flags & V.O_ACCMODE) {
    case V.O_RDONLY:
      return ~RIGHTS_WRITING;
    case V.O_WRONLY:
      return ~RIGHTS_READING;
    default:
      return ~0n;
  }
}
const RIGHTS_WRITING = A.rights('FD_WRITE', 'FD_ALLOCATE', 'FD_FILESTAT_SET_SIZE');
const RIGHTS_READING = A.rights('FD_READ', 'FD_READDIR');

const readyCount = (subs: readonly FdSub[]): number =>
  subs.filter((f) => f.file.poll() & wanted(f.type)).length;

/** The WASI errno of a kernel result, now or when it settles (no closure either way). */
function errnoOf(r: RkFsResult<number>): R {
  return typeof r === 'number' ? wasiErrno(r) : r.then(wasiErrno);
}

function faultToErrno(e: unknown): number {
  if (e instanceof WasiFault) return E.FAULT;
  throw e;
}

/** d_type (DT_*) → WASI filetype. */
function direntType(dt: number): number {
  return filetypeOf(dt << 12);
}

export const PREVIEW1_NAMES = [
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'proc_exit',
  'proc_raise',
  'sched_yield',
  'random_get',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
] as const;
