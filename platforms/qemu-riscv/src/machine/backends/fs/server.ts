// A 9P2000.L file server confined to one host directory (QEMU's `-fsdev local`, hw/9pfs/9p.c and
// 9p-local.c): the fid table, msize negotiation and the request dispatcher. Requests are served
// synchronously, one at a time, so every reply is sent before the next request is decoded.
// Handlers live in ops-*.ts; confinement in confine.ts; the wire codec in wire.ts.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  lchownSync,
  lstatSync,
  openSync,
  statfsSync,
} from 'node:fs';
import { O_PATH, type OpenFd, ShareRoot, type ShareRootOptions } from './confine';
import { E, hostErrno, P9Errno, p9err } from './errno';
import { type Cred, MappedFile } from './mapped';
import { attrOps } from './ops-attr';
import { ioOps } from './ops-io';
import { nameOps } from './ops-names';
import { sessionOps } from './ops-session';
import { type Attr, attrOf, isLink } from './stat';
import { P9, P9_IOHDRSZ, P9DecodeError, P9Reader, P9Writer } from './wire';

/** `security_model=` of `-fsdev local` (QEMU): how guest ownership and modes are stored. */
export type SecurityModel = 'none' | 'passthrough' | 'mapped-file';

export interface P9ServerOptions {
  /** The shared host directory. */
  readonly root: string;
  readonly securityModel?: SecurityModel;
  /** `readonly=on`: every modifying request gets EROFS. */
  readonly readOnly?: boolean;
  /** Largest msize granted in Rversion (default 4 MiB). */
  readonly maxMsize?: number;
  /** Diagnostics (decoding errors, refused escapes, unexpected host failures). */
  readonly trace?: (line: string) => void;
  /** How often an open file is re-checked to be inside the share (confine.ts's ShareRoot). */
  readonly confine?: ShareRootOptions;
}

/** An open directory: its fd (for fsync) and the listing taken at offset 0. */
export interface OpenDir extends OpenFd {
  entries: DirEntry[] | null;
}
/** An open file: its fd and the host open flags it was opened with. */
export interface OpenFile extends OpenFd {
  readonly flags: number;
}
export interface DirEntry {
  readonly name: string;
  readonly ino: bigint;
  /** Linux DT_* value. */
  readonly dtype: number;
}

/** Server state of one fid: a path below the root (never `..`), and what it was opened as. */
export interface Fid {
  path: string[];
  uid: number;
  file: OpenFile | null;
  dir: OpenDir | null;
}

/** The reply needs more room than the transport offers (virtio: a driver bug, as in QEMU). */
export class P9ReplyTooBig extends Error {
  constructor(readonly needed: number) {
    super(`the reply needs ${needed} bytes`);
  }
}

export type Handler = (s: P9Server, r: P9Reader, w: P9Writer) => void;

/** Smallest msize QEMU accepts (P9_MIN_MSIZE): anything smaller cannot carry a useful Rread. */
export const P9_MIN_MSIZE = 4096;
const DEFAULT_MAX_MSIZE = 4 << 20;

const HANDLERS: Record<number, Handler> = {
  ...sessionOps,
  ...ioOps,
  ...attrOps,
  ...nameOps,
};

const LSTAT = { bigint: true, throwIfNoEntry: false } as const;
/** lstat that answers undefined for a missing name instead of building an Error. */
const lstatOrNot = (p: string) => lstatSync(p, LSTAT);

export class P9Server {
  /**
   * Stack frames an error thrown while serving a request captures (V8's Error.stackTraceLimit
   * during the handler): a refused request is an answer, not a bug, and Node's failed-syscall
   * errors walked the whole stack below the guest's virtio notify (tens of µs each under JSPI).
   * A debugging session may raise it to see where an unexpected error came from.
   */
  static stackFrames = 0;
  /** @internal the confined share (host side) */
  readonly root: ShareRoot;
  readonly readOnly: boolean;
  readonly model: SecurityModel;
  /** @internal security_model=mapped-file's attribute store */
  readonly mapped: MappedFile | null;
  readonly maxMsize: number;
  readonly fids = new Map<number, Fid>();
  /** New entries whose owner or mode had to be set after creation (chown/chmod). */
  readonly stats = { credSets: 0 };
  /** Negotiated by Tversion (maxMsize until then); no request or reply is larger. */
  msize: number;
  private writer: P9Writer;
  readonly trace: (line: string) => void;
  /**
   * Bytes the transport can take for the reply being built (virtio: the writable part of the
   * chain). An Rread that could exceed it is refused (`overflow`); Rreaddir packs what fits.
   */
  room: number;
  /** Set by handle() when the reply could not fit `room` (bytes it needed); the transport decides. */
  overflow: number | null = null;

  /** @throws Error when the shared directory cannot be opened. */
  constructor(opts: P9ServerOptions) {
    this.root = new ShareRoot(opts.root, opts.confine);
    this.readOnly = opts.readOnly ?? false;
    this.model = opts.securityModel ?? 'none';
    this.mapped = this.model === 'mapped-file' ? new MappedFile(this.root) : null;
    this.maxMsize = Math.max(P9_MIN_MSIZE, opts.maxMsize ?? DEFAULT_MAX_MSIZE);
    this.msize = this.maxMsize;
    this.room = this.msize;
    this.writer = new P9Writer(this.maxMsize);
    this.trace = opts.trace ?? (() => {});
  }

  /**
   * Serves one T-message (`msg` is exactly its size[4] bytes; `room` bounds the reply's data, see
   * `room`). Never throws on guest data.
   * @returns the R-message, a view of the server's reply buffer valid until the next call.
   */
  handle(msg: Uint8Array, room: number = this.msize): Uint8Array {
    const w = this.writer;
    this.room = Math.max(7, Math.min(room, this.msize));
    this.overflow = null;
    if (msg.length < 7) {
      this.trace(`9p: message of ${msg.length} bytes is shorter than its 7-byte header`);
      return w.start(P9.Rlerror, 0xffff).u32(E.EPROTO).finish();
    }
    const type = msg[4]!;
    const tag = msg[5]! | (msg[6]! << 8);
    const size = (msg[0]! | (msg[1]! << 8) | (msg[2]! << 16) | (msg[3]! << 24)) >>> 0;
    let errno: number;
    const limit = Error.stackTraceLimit;
    try {
      if (size !== msg.length)
        throw new P9DecodeError('size', `header says ${size} bytes, message has ${msg.length}`);
      if (size > this.msize)
        throw p9err(E.EMSGSIZE, `message of ${size} bytes exceeds msize ${this.msize}`);
      const h = HANDLERS[type];
      if (!h) throw p9err(E.EOPNOTSUPP, `message type ${type} is not a 9P2000.L request`);
      const r = new P9Reader(msg);
      w.start(type + 1, tag);
      Error.stackTraceLimit = P9Server.stackFrames;
      h(this, r, w);
      return w.finish();
    } catch (e) {
      if (e instanceof P9DecodeError) {
        this.trace(`${e.message} (type ${type}, tag ${tag})`);
        errno = E.EPROTO;
      } else if (e instanceof P9ReplyTooBig) {
        this.overflow = e.needed;
        errno = E.EMSGSIZE;
      } else if (e instanceof RangeError && /9p reply exceeds/.test(e.message)) {
        errno = E.EMSGSIZE;
      } else {
        const n = hostErrno(e);
        if (n === null) this.trace(`9p: type ${type}: unexpected ${(e as Error)?.stack ?? e}`);
        else if (e instanceof P9Errno && (n === E.ESTALE || n === E.EACCES))
          this.trace(`9p: type ${type}: refused: ${e.message}`);
        errno = n ?? E.EIO;
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
    return w.start(P9.Rlerror, tag).u32(errno).finish();
  }

  /** Sets the session's msize (Tversion) and sizes the reply buffer for it. */
  setMsize(msize: number): void {
    this.msize = msize;
    if (this.writer.buf.length !== msize) this.writer = new P9Writer(msize);
  }

  /** The fid or an error (QEMU answers an unknown fid with `errno`, depending on the request). */
  fid(n: number, errno: number = E.EINVAL): Fid {
    const f = this.fids.get(n);
    if (!f) throw p9err(errno, `fid ${n} is not in use`);
    return f;
  }

  /** Refuses a modifying request on a read-only share. */
  writable(): void {
    if (this.readOnly) throw p9err(E.EROFS, 'the share is read-only');
  }

  /** Closes what a fid holds open. Errors are ignored: the fid is gone either way. */
  release(f: Fid): void {
    for (const fd of [f.file?.fd, f.dir?.fd]) {
      if (fd === undefined) continue;
      try {
        closeSync(fd);
      } catch {}
    }
    f.file = null;
    f.dir = null;
  }

  /** Forgets every fid (Tversion, device reset). */
  clunkAll(): void {
    for (const f of this.fids.values()) this.release(f);
    this.fids.clear();
  }

  /** After a rename: fids at or below `from` now live at `to` (the file keeps its identity). */
  renamed(from: readonly string[], to: readonly string[]): void {
    for (const f of this.fids.values()) {
      if (f.path.length < from.length) continue;
      if (from.every((c, i) => f.path[i] === c)) f.path = [...to, ...f.path.slice(from.length)];
    }
  }

  /** lstat of `path` below the root, with mapped-file credentials applied. */
  lstat(path: readonly string[]): Attr {
    // A missing name (SQLite probes its journal and lock on every transaction) is answered
    // without Node building an Error for it.
    const st = this.root.at(path, lstatOrNot);
    if (st === undefined) throw p9err(E.ENOENT, `/${path.join('/')} does not exist`);
    const a = attrOf(st);
    return this.mapped ? this.mapped.overlay(path, a) : a;
  }

  /** Attributes of a fid: through its open fd when it has one (it may be unlinked), else lstat. */
  fidAttr(f: Fid): Attr {
    const open = f.file ?? f.dir;
    if (open === null) return this.lstat(f.path);
    this.root.checkOpen(open);
    const a = attrOf(fstatSync(open.fd, { bigint: true }));
    return this.mapped ? this.mapped.overlay(f.path, a) : a;
  }

  /** QEMU's blksize_to_iounit: a multiple of `blksize` that fits an Rread, else msize - 24. */
  iounit(blksize: number): number {
    const room = this.msize - P9_IOHDRSZ;
    return (blksize > 0 ? blksize * Math.floor(room / blksize) : 0) || room;
  }

  /** f_bsize of the share (for Rlopen/Rlcreate iounit), read once. */
  get fsBlockSize(): number {
    this.bsize ??= this.root.inDir([], (d) => statfsSync(d).bsize);
    return this.bsize;
  }
  private bsize: number | undefined;

  /**
   * Gives a new entry the guest's credentials (QEMU local_set_cred_passthrough / mapped-file):
   * none ignores a failed chown; the mode is set exactly (no umask); symlinks keep theirs. `cur`,
   * the entry's attributes as created, skips the chown and chmod it already satisfies (the server
   * running as the guest's uid and gid, a mode the umask left alone); `fd`, the entry open, takes
   * them instead of its path.
   */
  setCred(
    path: readonly string[],
    cred: Required<Omit<Cred, 'rdev'>> & { rdev?: number },
    cur?: Attr,
    fd?: number,
  ): void {
    if (this.mapped) {
      this.mapped.write(path, cred);
      return;
    }
    const mode = cred.mode & 0o7777;
    const link = (cred.mode & 0o170000) === 0o120000;
    const owned = cur !== undefined && cur.uid === cred.uid && cur.gid === cred.gid;
    // chown may clear set-id bits: after one, the mode is set whatever it was
    if (owned && (link || (cur.mode & 0o7777) === mode)) return;
    this.stats.credSets++;
    if (fd !== undefined) {
      if (!owned) this.chown(() => fchownSync(fd, cred.uid, cred.gid));
      if (!link) fchmodSync(fd, mode);
      return;
    }
    this.root.at(path, (p) => {
      if (!owned) this.chown(() => lchownSync(p, cred.uid, cred.gid));
      if (!link) this.chmodNoFollow(p, mode);
    });
  }

  /** A chown for a new entry: security_model=none ignores its failure (QEMU). */
  private chown(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (this.model !== 'none') throw e;
    }
  }

  /** chmod without following a symlink in the last component (through an O_PATH fd). */
  chmodNoFollow(hostPath: string, mode: number): void {
    const fd = openSync(hostPath, O_PATH | constants.O_NOFOLLOW);
    try {
      if (isLink(attrOf(fstatSync(fd, { bigint: true }))))
        throw p9err(E.EOPNOTSUPP, 'a symlink has no mode of its own');
      chmodSync(`/proc/self/fd/${fd}`, mode);
    } finally {
      closeSync(fd);
    }
  }

  /** Clunks every fid and lets go of the share (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clunkAll();
    this.root.close();
  }
  private closed = false;
}
