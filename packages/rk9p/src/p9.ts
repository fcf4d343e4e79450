// The 9P2000.L operations (Unikraft lib/uk9p/9p.c, Linux net/9p/client.c p9_client_*): fids as
// objects, walks longer than 16 names split, reads and writes bounded by msize and iounit.
import { Errno, RkError } from '@runikraft/errno';
import type { RkP9Attr, RkP9Dirent, RkP9Qid, RkP9SetAttr, RkP9Statfs, RkP9Transport } from './api';
import { RkP9Dev, type RkP9DevOptions } from './dev';
import { p9drive, p9finally, p9wait, type RkP9Op, type RkP9Result } from './result';
import { P9Ids } from './tags';
import { P9_GETATTR_BASIC, P9_MAXWELEM, P9_NOFID } from './wire/consts';

/** A client-side fid: the number on the wire and what the server said about the file. */
export interface RkP9Fid {
  readonly id: number;
  qid: RkP9Qid;
  /** iounit from Rlopen/Rlcreate (0 = none: msize − 24 applies). */
  iounit: number;
}

export class RkP9Client {
  private readonly fids = new Map<number, RkP9Fid>();
  private readonly ids = new P9Ids(P9_NOFID, P9_NOFID);

  constructor(readonly dev: RkP9Dev) {}

  /** Connects and negotiates (RkP9Dev.connect). @throws as RkP9Dev.connect. */
  static async connect(
    transport: RkP9Transport,
    device: string,
    opts?: RkP9DevOptions,
  ): Promise<RkP9Client> {
    return new RkP9Client(await RkP9Dev.connect(transport, device, opts));
  }

  private allocFid(qid: RkP9Qid = { type: 0, version: 0, path: 0n }): RkP9Fid {
    const id = this.ids.alloc();
    if (id < 0) throw new RkError(Errno.EMFILE, '9P: out of fid numbers');
    const f = { id, qid, iounit: 0 };
    this.fids.set(id, f);
    return f;
  }

  private dropFid(f: RkP9Fid): void {
    if (this.fids.delete(f.id)) this.ids.release(f.id);
  }

  /** Fids the client holds (attached, walked, opened, not yet clunked). */
  get openFids(): number {
    return this.fids.size;
  }

  /** Most bytes one read/write/readdir of `f` carries. */
  ioSize(f: RkP9Fid): number {
    const max = this.dev.maxIo;
    return f.iounit > 0 && f.iounit < max ? f.iounit : max;
  }

  /** Tattach: a fid for the root of `aname`. @throws P9RemoteError (e.g. EACCES, ENOENT). */
  async attach(aname: string, uname = 'root', nUname = 0): Promise<RkP9Fid> {
    const f = this.allocFid();
    try {
      const r = await this.dev.rpc({
        type: 'attach',
        fid: f.id,
        afid: P9_NOFID,
        uname,
        aname,
        nUname,
      });
      f.qid = r.qid;
      return f;
    } catch (e) {
      this.dropFid(f);
      throw e;
    }
  }

  /**
   * Twalk from `f` through `names` to a new fid (no names: a clone). Walks of more than 16 names
   * are split. @throws P9RemoteError ENOENT (and the like) when any name is missing; no fid is
   * left behind on failure.
   */
  walk(f: RkP9Fid, names: readonly string[]): RkP9Result<RkP9Fid> {
    return p9drive(this.walkOp(f, names));
  }

  private *walkOp(f: RkP9Fid, names: readonly string[]): RkP9Op<RkP9Fid> {
    const nf = this.allocFid(f.qid);
    let from = f;
    let i = 0;
    try {
      do {
        const part = names.slice(i, i + P9_MAXWELEM);
        const r = yield* p9wait(
          this.dev.rpc({ type: 'walk', fid: from.id, newfid: nf.id, names: part }),
        );
        if (r.qids.length !== part.length) {
          // a partial walk creates no fid (9P walk(5)): the first missing name is ENOENT
          if (r.qids.length > part.length)
            throw new RkError(
              Errno.EBADMSG,
              `9P Rwalk: ${r.qids.length} qids for ${part.length} names`,
            );
          throw new RkError(Errno.ENOENT, `9P walk: '${names[i + r.qids.length]}' not found`);
        }
        if (part.length > 0) nf.qid = r.qids[r.qids.length - 1];
        from = nf;
        i += part.length;
      } while (i < names.length);
      return nf;
    } catch (e) {
      if (from === nf)
        try {
          yield* p9wait(this.clunkId(nf.id));
        } catch {
          // the walk's error is the one to report; the server forgets the fid either way
        }
      this.dropFid(nf);
      throw e;
    }
  }

  private clunkId(id: number): RkP9Result<void> {
    return this.dev.rpc({ type: 'clunk', fid: id }, () => undefined);
  }

  /** Tclunk: forgets `f` (the fid is released even when the server reports an error, as 9P says). */
  clunk(f: RkP9Fid): RkP9Result<void> {
    return p9finally(
      () => this.clunkId(f.id),
      () => this.dropFid(f),
    );
  }

  /** Tremove: removes the file and clunks `f` (released in every outcome). */
  remove(f: RkP9Fid): RkP9Result<void> {
    return p9finally(
      () => this.dev.rpc({ type: 'remove', fid: f.id }, () => undefined),
      () => this.dropFid(f),
    );
  }

  /** Tlopen with Linux O_* `flags`; `f` becomes an open file. */
  lopen(f: RkP9Fid, flags: number): RkP9Result<void> {
    return this.dev.rpc({ type: 'lopen', fid: f.id, flags }, (r) => {
      f.qid = r.qid;
      f.iounit = r.iounit;
    });
  }

  /** Tlcreate: creates `name` in directory `f`, which becomes the new open file. */
  lcreate(f: RkP9Fid, name: string, flags: number, mode: number, gid = 0): RkP9Result<void> {
    return this.dev.rpc({ type: 'lcreate', fid: f.id, name, flags, mode, gid }, (r) => {
      f.qid = r.qid;
      f.iounit = r.iounit;
    });
  }

  /**
   * One Tread of up to `into.length` bytes (capped at ioSize) at `offset` into `into`.
   * @returns bytes read (0 at end of file). @throws EBADMSG when the server returns more than asked.
   */
  read(f: RkP9Fid, offset: number, into: Uint8Array): RkP9Result<number> {
    const count = Math.min(into.length, this.ioSize(f));
    return this.dev.rpc({ type: 'read', fid: f.id, offset, count }, (r) => {
      if (r.data.length > count)
        throw new RkError(
          Errno.EBADMSG,
          `9P Rread: ${r.data.length} bytes for a count of ${count}`,
        );
      into.set(r.data);
      return r.data.length;
    });
  }

  /**
   * Several Treads in flight at once from one thread (rpcBatch): part i reads up to
   * min(into.length, ioSize) bytes at its offset. At most dev.maxRequests parts.
   * @returns per part the bytes read, or the error it met.
   */
  readMany(
    f: RkP9Fid,
    parts: readonly { offset: number; into: Uint8Array }[],
  ): RkP9Result<(number | Error)[]> {
    const io = this.ioSize(f);
    const ms = parts.map((p) => ({
      type: 'read' as const,
      fid: f.id,
      offset: p.offset,
      count: Math.min(p.into.length, io),
    }));
    return this.dev.rpcBatch(ms, (r, i) => {
      if (r.data.length > ms[i].count)
        throw new RkError(
          Errno.EBADMSG,
          `9P Rread: ${r.data.length} bytes for a count of ${ms[i].count}`,
        );
      parts[i].into.set(r.data);
      return r.data.length;
    });
  }

  /** Several Twrites in flight at once (rpcBatch). @returns per part the bytes written, or its error. */
  writeMany(
    f: RkP9Fid,
    parts: readonly { offset: number; data: Uint8Array }[],
  ): RkP9Result<(number | Error)[]> {
    const io = this.ioSize(f);
    const ms = parts.map((p) => ({
      type: 'write' as const,
      fid: f.id,
      offset: p.offset,
      data: p.data.length > io ? p.data.subarray(0, io) : p.data,
    }));
    return this.dev.rpcBatch(ms, (r, i) => {
      if (r.count > ms[i].data.length)
        throw new RkError(
          Errno.EBADMSG,
          `9P Rwrite: ${r.count} bytes for ${ms[i].data.length} sent`,
        );
      return r.count;
    });
  }

  /** One Twrite of up to ioSize bytes of `data` at `offset`. @returns bytes the server wrote. */
  write(f: RkP9Fid, offset: number, data: Uint8Array): RkP9Result<number> {
    const chunk = data.length > this.ioSize(f) ? data.subarray(0, this.ioSize(f)) : data;
    return this.dev.rpc({ type: 'write', fid: f.id, offset, data: chunk }, (r) => {
      if (r.count > chunk.length)
        throw new RkError(Errno.EBADMSG, `9P Rwrite: ${r.count} bytes for ${chunk.length} sent`);
      return r.count;
    });
  }

  /** One Treaddir from cookie `offset` (0n = start). @returns entries (none at the end). */
  readdir(f: RkP9Fid, offset: bigint, count = this.ioSize(f)): RkP9Result<RkP9Dirent[]> {
    const c = Math.min(count, this.ioSize(f));
    return this.dev.rpc({ type: 'readdir', fid: f.id, offset, count: c }, (r) => r.entries);
  }

  getattr(f: RkP9Fid, mask = P9_GETATTR_BASIC): RkP9Result<RkP9Attr> {
    return this.dev.rpc({ type: 'getattr', fid: f.id, mask }, (r) => r.attr);
  }
  setattr(f: RkP9Fid, attr: RkP9SetAttr): RkP9Result<void> {
    return this.dev.rpc({ type: 'setattr', fid: f.id, attr }, () => undefined);
  }
  statfs(f: RkP9Fid): RkP9Result<RkP9Statfs> {
    return this.dev.rpc({ type: 'statfs', fid: f.id }, ({ type: _t, ...s }) => s);
  }
  mkdir(dir: RkP9Fid, name: string, mode: number, gid = 0): RkP9Result<RkP9Qid> {
    return this.dev.rpc({ type: 'mkdir', dfid: dir.id, name, mode, gid }, (r) => r.qid);
  }
  symlink(dir: RkP9Fid, name: string, target: string, gid = 0): RkP9Result<RkP9Qid> {
    return this.dev.rpc({ type: 'symlink', fid: dir.id, name, target, gid }, (r) => r.qid);
  }
  mknod(
    dir: RkP9Fid,
    name: string,
    mode: number,
    major: number,
    minor: number,
    gid = 0,
  ): RkP9Result<RkP9Qid> {
    return this.dev.rpc(
      { type: 'mknod', dfid: dir.id, name, mode, major, minor, gid },
      (r) => r.qid,
    );
  }
  readlink(f: RkP9Fid): RkP9Result<string> {
    return this.dev.rpc({ type: 'readlink', fid: f.id }, (r) => r.target);
  }
  /** Tlink: a hard link `name` in `dir` to the file of `f`. */
  link(dir: RkP9Fid, f: RkP9Fid, name: string): RkP9Result<void> {
    return this.dev.rpc({ type: 'link', dfid: dir.id, fid: f.id, name }, () => undefined);
  }
  /** Tunlinkat (flags: P9_AT_REMOVEDIR). diod 1.0.24 answers EOPNOTSUPP: see 9pfs's fallback. */
  unlinkat(dir: RkP9Fid, name: string, flags = 0): RkP9Result<void> {
    return this.dev.rpc({ type: 'unlinkat', dfid: dir.id, name, flags }, () => undefined);
  }
  renameat(oldDir: RkP9Fid, oldName: string, newDir: RkP9Fid, newName: string): RkP9Result<void> {
    return this.dev.rpc(
      {
        type: 'renameat',
        olddfid: oldDir.id,
        oldname: oldName,
        newdfid: newDir.id,
        newname: newName,
      },
      () => undefined,
    );
  }
  /** Trename (the pre-renameat form): moves the file of `f` to `name` in `dir`. */
  rename(f: RkP9Fid, dir: RkP9Fid, name: string): RkP9Result<void> {
    return this.dev.rpc({ type: 'rename', fid: f.id, dfid: dir.id, name }, () => undefined);
  }
  fsync(f: RkP9Fid, datasync = false): RkP9Result<void> {
    return this.dev.rpc({ type: 'fsync', fid: f.id, datasync: datasync ? 1 : 0 }, () => undefined);
  }
  /** Tlock. @returns P9_LOCK_SUCCESS / BLOCKED / ERROR / GRACE. */
  lock(
    f: RkP9Fid,
    l: {
      lockType: number;
      flags: number;
      start: number;
      length: number;
      procId: number;
      clientId: string;
    },
  ): RkP9Result<number> {
    return this.dev.rpc({ type: 'lock', fid: f.id, ...l }, (r) => r.status);
  }
  getlock(
    f: RkP9Fid,
    l: { lockType: number; start: number; length: number; procId: number; clientId: string },
  ) {
    return this.dev.rpc({ type: 'getlock', fid: f.id, ...l }, ({ type: _t, ...r }) => r);
  }
  /** Txattrwalk: a new fid reading attribute `name` ('' lists names). @returns the fid and its size. */
  xattrwalk(f: RkP9Fid, name: string): RkP9Result<{ fid: RkP9Fid; size: number }> {
    return p9drive(this.xattrwalkOp(f, name));
  }

  private *xattrwalkOp(f: RkP9Fid, name: string): RkP9Op<{ fid: RkP9Fid; size: number }> {
    const nf = this.allocFid(f.qid);
    try {
      const r = yield* p9wait(this.dev.rpc({ type: 'xattrwalk', fid: f.id, newfid: nf.id, name }));
      return { fid: nf, size: r.size };
    } catch (e) {
      this.dropFid(nf);
      throw e;
    }
  }
  /** Txattrcreate: `f` becomes a fid to write attribute `name` of `size` bytes to, set at clunk. */
  xattrcreate(f: RkP9Fid, name: string, size: number, flags = 0): RkP9Result<void> {
    return this.dev.rpc({ type: 'xattrcreate', fid: f.id, name, size, flags }, () => undefined);
  }

  /** Tflush of the request with `tag` (see RkP9Dev.flush). @returns true if it was cancelled. */
  flush(tag: number): Promise<boolean> {
    return this.dev.flush(tag);
  }

  /** Closes the connection (fids are forgotten without clunks). */
  close(): void {
    this.fids.clear();
    this.dev.close();
  }
}
