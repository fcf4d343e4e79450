// __LIB__'s file system: a tree of nodes whose file data lives in the JS heap, bounded by the
// mount's `size=` option. Every operation answers at once, so each returns a plain value; a file
// system on a device would return a Promise where it waits (vfscore accepts both, RkFsResult).
// Failures are negative errno values, never exceptions: that is the whole vfscore driver contract.
import { Errno } from '@runikraft/errno';
import {
  dtypeOf,
  O_ACCMODE,
  O_RDONLY,
  RENAME_EXCHANGE,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
} from '@runikraft/vfscore';
import type {
  RkFs,
  RkFsAttr,
  RkFsDirSink,
  RkFsEnv,
  RkFsNode,
  RkFsSetattr,
  RkFsStatfs,
  RkFsTime,
} from '@runikraft/vfscore/driver';

/** What statfs reports as f_type: pick your own number. */
export const MEMFS_MAGIC = 0x6d656d66;
const BLOCK = 4096;

/** A directory entry; `seq` orders entries and keeps readdir cookies valid while the directory changes. */
interface Dirent {
  readonly node: MemNode;
  readonly seq: number;
}

/** An inode. Directories hold `entries`, symbolic links `target`, regular files `data`. */
export class MemNode implements RkFsNode {
  mode: number;
  nlink: number;
  uid = 0;
  gid = 0;
  /** The file's size; bytes from data.length up to size are a hole (zeros). */
  size = 0;
  /** File bytes held; bytes past `size` are kept zero so that growing the file reads zeros. */
  data = new Uint8Array(0);
  atime: RkFsTime;
  mtime: RkFsTime;
  ctime: RkFsTime;
  /** Open handles: an unlinked file keeps its data until the last one closes. */
  opens = 0;
  readonly entries: Map<string, Dirent> | null;
  parent: MemNode | null = null;
  target = '';

  constructor(
    readonly ino: number,
    readonly type: number,
    perm: number,
    now: RkFsTime,
  ) {
    this.mode = type | perm;
    this.nlink = type === S_IFDIR ? 2 : 1;
    this.entries = type === S_IFDIR ? new Map() : null;
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
  }
}

/** An open file description: the node and whether it was opened for writing. */
export interface MemHandle {
  readonly node: MemNode;
  readonly writable: boolean;
}

/** Cookies 1 and 2 follow "." and ".."; an entry's resume cookie is its seq + 3. */
const FIRST_ENTRY = 2;

export class MemFs implements RkFs<MemNode, MemHandle> {
  readonly root: MemNode;
  readonly caps = { nameCache: true, nameMax: 255 } as const;
  /** Bytes of file data held (what `capacity` bounds). */
  private used = 0;
  private nextIno = 2;
  private nextSeq = 0;

  constructor(
    private readonly env: RkFsEnv,
    private readonly capacity: number,
    private readonly ro: boolean,
  ) {
    this.root = new MemNode(this.nextIno++, S_IFDIR, 0o755, env.now());
    this.root.parent = this.root;
  }

  private touch(n: MemNode, data: boolean): void {
    const now = this.env.now();
    n.ctime = now;
    if (data) n.mtime = now;
  }

  private insert(dir: MemNode, name: string, n: MemNode): void {
    dir.entries!.set(name, { node: n, seq: this.nextSeq++ });
    if (n.type === S_IFDIR) {
      n.parent = dir;
      dir.nlink++;
    }
    this.touch(dir, true);
  }

  private remove(dir: MemNode, name: string, n: MemNode): void {
    dir.entries!.delete(name);
    if (n.type === S_IFDIR) {
      dir.nlink--;
      n.nlink = 0;
    } else n.nlink--;
    this.touch(dir, true);
    this.touch(n, false);
    this.maybeFree(n);
  }

  /** Gives a file's bytes back once no name and no open handle refers to it. */
  private maybeFree(n: MemNode): void {
    if (n.nlink > 0 || n.opens > 0) return;
    this.used -= n.data.length;
    n.data = new Uint8Array(0);
  }

  /** Holds `want` bytes for `n` (at least its current bytes); fewer when the mount is full. */
  private reserve(n: MemNode, want: number): number {
    if (want <= n.data.length) return want;
    const grant = Math.min(want, n.data.length + this.capacity - this.used);
    if (grant <= n.data.length) return n.data.length;
    // grow by doubling (fewer copies for appends), never past what is free
    const len = Math.min(
      Math.max(grant, 2 * n.data.length),
      n.data.length + this.capacity - this.used,
    );
    const data = new Uint8Array(len);
    data.set(n.data);
    this.used += len - n.data.length;
    n.data = data;
    return grant;
  }

  private make(dir: MemNode, name: string, type: number, perm: number): MemNode | number {
    if (this.ro) return -Errno.EROFS;
    const n = new MemNode(this.nextIno++, type, perm & 0o7777, this.env.now());
    this.insert(dir, name, n);
    return n;
  }

  lookup(dir: MemNode, name: string): MemNode | number {
    return dir.entries!.get(name)?.node ?? -Errno.ENOENT;
  }

  create(dir: MemNode, name: string, mode: number): MemNode | number {
    return this.make(dir, name, S_IFREG, mode);
  }

  mkdir(dir: MemNode, name: string, mode: number): MemNode | number {
    return this.make(dir, name, S_IFDIR, mode);
  }

  symlink(dir: MemNode, name: string, target: string): MemNode | number {
    const n = this.make(dir, name, S_IFLNK, 0o777);
    if (typeof n !== 'number') {
      n.target = target;
      n.size = new TextEncoder().encode(target).length;
    }
    return n;
  }

  link(node: MemNode, dir: MemNode, name: string): number {
    if (this.ro) return -Errno.EROFS;
    node.nlink++;
    this.insert(dir, name, node);
    this.touch(node, false);
    return 0;
  }

  unlink(dir: MemNode, name: string, node: MemNode): number {
    if (this.ro) return -Errno.EROFS;
    this.remove(dir, name, node);
    return 0;
  }

  rmdir(dir: MemNode, name: string, node: MemNode): number {
    if (this.ro) return -Errno.EROFS;
    if (node.entries!.size > 0) return -Errno.ENOTEMPTY;
    this.remove(dir, name, node);
    return 0;
  }

  rename(odir: MemNode, oname: string, ndir: MemNode, nname: string, flags: number): number {
    if (this.ro) return -Errno.EROFS;
    if (flags & RENAME_EXCHANGE) return -Errno.EINVAL; // not offered: vfscore passes EINVAL on
    const src = odir.entries!.get(oname)!.node;
    const old = ndir.entries!.get(nname)?.node;
    if (old === src) return 0;
    if (old?.entries && old.entries.size > 0) return -Errno.ENOTEMPTY;
    if (old) this.remove(ndir, nname, old);
    odir.entries!.delete(oname);
    if (src.type === S_IFDIR) odir.nlink--;
    this.touch(odir, true);
    this.insert(ndir, nname, src);
    this.touch(src, false);
    return 0;
  }

  readlink(node: MemNode): string | number {
    return node.type === S_IFLNK ? node.target : -Errno.EINVAL;
  }

  getattr(n: MemNode, out: RkFsAttr): number {
    out.ino = n.ino;
    out.mode = n.mode;
    out.nlink = n.nlink;
    out.uid = n.uid;
    out.gid = n.gid;
    out.rdev = 0;
    out.size = n.type === S_IFDIR ? BLOCK : n.size;
    out.blocks = Math.ceil(n.data.length / 512);
    out.blksize = BLOCK;
    out.atime = n.atime;
    out.mtime = n.mtime;
    out.ctime = n.ctime;
    return 0;
  }

  setattr(n: MemNode, set: RkFsSetattr): number {
    if (this.ro) return -Errno.EROFS;
    if (set.size !== undefined) {
      // shrinking zeroes the cut bytes (a later grow reads zeros); growing only moves the size
      if (set.size < n.data.length) n.data.fill(0, set.size);
      n.size = set.size;
      this.touch(n, true);
    }
    if (set.mode !== undefined) n.mode = (n.mode & 0o170000) | (set.mode & 0o7777);
    if (set.uid !== undefined) n.uid = set.uid;
    if (set.gid !== undefined) n.gid = set.gid;
    if (set.atime) n.atime = set.atime;
    if (set.mtime) n.mtime = set.mtime;
    this.touch(n, false);
    return 0;
  }

  open(node: MemNode, flags: number): MemHandle | number {
    const writable = (flags & O_ACCMODE) !== O_RDONLY;
    if (writable && this.ro) return -Errno.EROFS;
    node.opens++;
    return { node, writable };
  }

  close(h: MemHandle): number {
    h.node.opens--;
    this.maybeFree(h.node);
    return 0;
  }

  read(h: MemHandle, buf: Uint8Array, offset: number): number {
    const n = h.node;
    if (n.type === S_IFDIR) return -Errno.EISDIR;
    const len = Math.max(0, Math.min(buf.length, n.size - offset));
    const held = Math.max(0, Math.min(len, n.data.length - offset));
    if (held > 0) buf.set(n.data.subarray(offset, offset + held));
    buf.fill(0, held, len); // the hole past the bytes held
    return len;
  }

  write(h: MemHandle, buf: Uint8Array, offset: number): number {
    if (buf.length === 0) return 0;
    const n = h.node;
    const end = this.reserve(n, offset + buf.length);
    if (end <= offset) return -Errno.ENOSPC;
    n.data.set(buf.subarray(0, end - offset), offset);
    n.size = Math.max(n.size, end);
    this.touch(n, true);
    return end - offset; // a short count when the mount filled up part-way
  }

  readdir(h: MemHandle, cookie: number, sink: RkFsDirSink): number {
    const d = h.node;
    if (!d.entries) return -Errno.ENOTDIR;
    if (cookie === 0 && !sink('.', d.ino, dtypeOf(S_IFDIR), 1)) return 0;
    if (cookie <= 1 && !sink('..', d.parent!.ino, dtypeOf(S_IFDIR), FIRST_ENTRY)) return 0;
    const from = Math.max(cookie, FIRST_ENTRY) - FIRST_ENTRY;
    for (const [name, e] of d.entries) {
      if (e.seq < from) continue;
      if (!sink(name, e.node.ino, dtypeOf(e.node.type), e.seq + 1 + FIRST_ENTRY)) return 0;
    }
    return 0;
  }

  fsync(_h: MemHandle, _datasync: boolean): number {
    return 0; // nothing below memory to flush to
  }

  statfs(out: RkFsStatfs): number {
    out.type = MEMFS_MAGIC;
    out.bsize = BLOCK;
    out.frsize = BLOCK;
    out.blocks = Math.floor(this.capacity / BLOCK);
    out.bfree = Math.floor((this.capacity - this.used) / BLOCK);
    out.bavail = out.bfree;
    out.files = this.nextIno;
    out.ffree = 0;
    out.namelen = this.caps.nameMax;
    out.flags = this.ro ? 1 : 0;
    return 0;
  }

  sync(): number {
    return 0;
  }

  unmount(): number {
    this.root.entries!.clear();
    this.used = 0;
    return 0;
  }
}
