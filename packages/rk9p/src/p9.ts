// The 9P2000.L operations (Unikraft lib/uk9p/9p.c, Linux net/9p/client.c p9_client_*): fids as
// objects, walks longer than 16 names split, reads and writes bounded by msize and iounit.
import { Errno, RkError } from '@runikraft/errno';
import type { RkP9Attr, RkP9Dirent, RkP9Qid, RkP9SetAttr, RkP9Statfs, RkP9Transport } from './api';
import { RkP9Dev, type RkP9DevOptions } from './dev';
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
  async walk(f: RkP9Fid, names: readonly string[]): Promise<RkP9Fid> {
    const nf = this.allocFid(f.qid);
    let from = f;
    let i = 0;
    try {
      do {
        const part = names.slice(i, i + P9_MAXWELEM);
        const r = await this.dev.rpc({ type: 'walk', fid: from.id, newfid: nf.id, names: part });
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
      if (from === nf) await this.clunkId(nf.id).catch(() => {});
      this.dropFid(nf);
      throw e;
    }
  }

  private async clunkId(id: number): Promise<void> {
    await this.dev.rpc({ type: 'clunk', fid: id });
  }

  /** Tclunk: forgets `f` (the fid is released even when the server reports an error, as 9P says). */
  async clunk(f: RkP9Fid): Promise<void> {
    try {
      await this.clunkId(f.id);
    } finally {
      this.dropFid(f);
    }
  }

  /** Tremove: removes the file and clunks `f` (released in every outcome). */
  async remove(f: RkP9Fid): Promise<void> {
    try {
      await this.dev.rpc({ type: 'remove', fid: f.id });
    } finally {
      this.dropFid(f);
    }
  }

  /** Tlopen with Linux O_* `flags`; `f` becomes an open file. */
  async lopen(f: RkP9Fid, flags: number): Promise<void> {
    const r = await this.dev.rpc({ type: 'lopen', fid: f.id, flags });
    f.qid = r.qid;
    f.iounit = r.iounit;
  }

  /** Tlcreate: creates `name` in directory `f`, which becomes the new open file. */
  async lcreate(f: RkP9Fid, name: string, flags: number, mode: number, gid = 0): Promise<void> {
    const r = await this.dev.rpc({ type: 'lcreate', fid: f.id, name, flags, mode, gid });
    f.qid = r.qid;
    f.iounit = r.iounit;
  }

  /**
   * One Tread of up to `into.length` bytes (capped at ioSize) at `offset` into `into`.
   * @returns bytes read (0 at end of file). @throws EBADMSG when the server returns more than asked.
   */
  async read(f: RkP9Fid, offset: number, into: Uint8Array): Promise<number> {
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
  async readMany(f: RkP9Fid, parts: readonly { offset: number; into: Uint8Array }[]) {
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
  async writeMany(f: RkP9Fid, parts: readonly { offset: number; data: Uint8Array }[]) {
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
  async write(f: RkP9Fid, offset: number, data: Uint8Array): Promise<number> {
    const chunk = data.length > this.ioSize(f) ? data.subarray(0, this.ioSize(f)) : data;
    const r = await this.dev.rpc({ type: 'write', fid: f.id, offset, data: chunk });
    if (r.count > chunk.length)
      throw new RkError(Errno.EBADMSG, `9P Rwrite: ${r.count} bytes for ${chunk.length} sent`);
    return r.count;
  }

  /** One Treaddir from cookie `offset` (0n = start). @returns entries (none at the end). */
  async readdir(f: RkP9Fid, offset: bigint, count = this.ioSize(f)): Promise<RkP9Dirent[]> {
    const c = Math.min(count, this.ioSize(f));
    return (await this.dev.rpc({ type: 'readdir', fid: f.id, offset, count: c })).entries;
  }

  async getattr(f: RkP9Fid, mask = P9_GETATTR_BASIC): Promise<RkP9Attr> {
    return (await this.dev.rpc({ type: 'getattr', fid: f.id, mask })).attr;
  }
  async setattr(f: RkP9Fid, attr: RkP9SetAttr): Promise<void> {
    await this.dev.rpc({ type: 'setattr', fid: f.id, attr });
  }
  async statfs(f: RkP9Fid): Promise<RkP9Statfs> {
    const { type: _t, ...s } = await this.dev.rpc({ type: 'statfs', fid: f.id });
    return s;
  }
  async mkdir(dir: RkP9Fid, name: string, mode: number, gid = 0): Promise<RkP9Qid> {
    return (await this.dev.rpc({ type: 'mkdir', dfid: dir.id, name, mode, gid })).qid;
  }
  async symlink(dir: RkP9Fid, name: string, target: string, gid = 0): Promise<RkP9Qid> {
    return (await this.dev.rpc({ type: 'symlink', fid: dir.id, name, target, gid })).qid;
  }
  async mknod(dir: RkP9Fid, name: string, mode: number, major: number, minor: number, gid = 0) {
    return (await this.dev.rpc({ type: 'mknod', dfid: dir.id, name, mode, major, minor, gid })).qid;
  }
  async readlink(f: RkP9Fid): Promise<string> {
    return (await this.dev.rpc({ type: 'readlink', fid: f.id })).target;
  }
  /** Tlink: a hard link `name` in `dir` to the file of `f`. */
  async link(dir: RkP9Fid, f: RkP9Fid, name: string): Promise<void> {
    await this.dev.rpc({ type: 'link', dfid: dir.id, fid: f.id, name });
  }
  /** Tunlinkat (flags: P9_AT_REMOVEDIR). diod 1.0.24 answers EOPNOTSUPP: see 9pfs's fallback. */
  async unlinkat(dir: RkP9Fid, name: string, flags = 0): Promise<void> {
    await this.dev.rpc({ type: 'unlinkat', dfid: dir.id, name, flags });
  }
  async renameat(oldDir: RkP9Fid, oldName: string, newDir: RkP9Fid, newName: string) {
    await this.dev.rpc({
      type: 'renameat',
      olddfid: oldDir.id,
      oldname: oldName,
      newdfid: newDir.id,
      newname: newName,
    });
  }
  /** Trename (the pre-renameat form): moves the file of `f` to `name` in `dir`. */
  async rename(f: RkP9Fid, dir: RkP9Fid, name: string): Promise<void> {
    await this.dev.rpc({ type: 'rename', fid: f.id, dfid: dir.id, name });
  }
  async fsync(f: RkP9Fid, datasync = false): Promise<void> {
    await this.dev.rpc({ type: 'fsync', fid: f.id, datasync: datasync ? 1 : 0 });
  }
  /** Tlock. @returns P9_LOCK_SUCCESS / BLOCKED / ERROR / GRACE. */
  async lock(
    f: RkP9Fid,
    l: {
      lockType: number;
      flags: number;
      start: number;
      length: number;
      procId: number;
      clientId: string;
    },
  ): Promise<number> {
    return (await this.dev.rpc({ type: 'lock', fid: f.id, ...l })).status;
  }
  async getlock(
    f: RkP9Fid,
    l: { lockType: number; start: number; length: number; procId: number; clientId: string },
  ) {
    const { type: _t, ...r } = await this.dev.rpc({ type: 'getlock', fid: f.id, ...l });
    return r;
  }
  /** Txattrwalk: a new fid reading attribute `name` ('' lists names). @returns the fid and its size. */
  async xattrwalk(f: RkP9Fid, name: string): Promise<{ fid: RkP9Fid; size: number }> {
    const nf = this.allocFid(f.qid);
    try {
      const r = await this.dev.rpc({ type: 'xattrwalk', fid: f.id, newfid: nf.id, name });
      return { fid: nf, size: r.size };
    } catch (e) {
      this.dropFid(nf);
      throw e;
    }
  }
  /** Txattrcreate: `f` becomes a fid to write attribute `name` of `size` bytes to, set at clunk. */
  async xattrcreate(f: RkP9Fid, name: string, size: number, flags = 0): Promise<void> {
    await this.dev.rpc({ type: 'xattrcreate', fid: f.id, name, size, flags });
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
