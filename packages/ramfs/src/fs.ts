// The ramfs driver (Unikraft lib/ramfs): the vfscore fs-driver contract over RamNode trees.
// Every operation is synchronous; failures are -errno as the contract says.
import { Errno } from '@runikraft/errno';
import { RK_PAGE_SIZE } from '@runikraft/rkalloc';
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
  RkFsSetattr,
  RkFsStatfs,
} from '@runikraft/vfscore/driver';
import { RamNode } from './node';
import type { RamPages } from './pages';

export const RAMFS_MAGIC = 0x858458f6;
/** The largest file: page indexes stay array indexes (< 2^32 - 1). Past it writes are EFBIG. */
export const RAMFS_MAX_FILE = (2 ** 32 - 2) * RK_PAGE_SIZE;

/** An open file description's handle: the node and whether it may write. */
export interface RamHandle {
  readonly node: RamNode;
  readonly writable: boolean;
}

/** Cookies 1 and 2 follow "." and ".."; an entry's next cookie is its seq + 3. */
const FIRST_ENTRY = 2;

export class Ramfs implements RkFs<RamNode, RamHandle> {
  readonly root: RamNode;
  readonly caps = { nameCache: true, nameMax: 255 } as const;
  private nextIno = 2;
  private nextSeq = 0;

  /** @internal made by the `ramfs` type's mount */
  constructor(
    private readonly pages: RamPages,
    private readonly env: RkFsEnv,
    private readonly ro: boolean,
  ) {
    this.root = this.newNode(S_IFDIR, 0o755);
    this.root.parent = this.root;
  }

  private newNode(type: number, perm: number): RamNode {
    const n = new RamNode(this.nextIno++, type, perm, this.env.now());
    if (type === S_IFDIR) {
      n.entries = new Map();
      n.nlink = 2;
    }
    return n;
  }

  private touch(n: RamNode, data: boolean): void {
    const now = this.env.now();
    n.ctime = now;
    if (data) n.mtime = now;
  }

  private insert(dir: RamNode, name: string, n: RamNode): void {
    dir.entries!.set(name, { node: n, seq: this.nextSeq++ });
    if (n.type === S_IFDIR) {
      n.parent = dir;
      dir.nlink++;
    }
    this.touch(dir, true);
  }

  private remove(dir: RamNode, name: string, n: RamNode): void {
    dir.entries!.delete(name);
    if (n.type === S_IFDIR) {
      dir.nlink--;
      n.nlink = 0;
    } else n.nlink--;
    this.touch(dir, true);
    this.touch(n, false);
    this.maybeFree(n);
  }

  private maybeFree(n: RamNode): void {
    if (n.nlink === 0 && n.opens === 0 && n.npages > 0) this.pages.freeAll(n);
  }

  private make(dir: RamNode, name: string, type: number, perm: number): RamNode | number {
    if (this.ro) return -Errno.EROFS;
    if (dir.entries!.has(name)) return -Errno.EEXIST;
    const n = this.newNode(type, perm & 0o7777);
    this.insert(dir, name, n);
    return n;
  }

  lookup(dir: RamNode, name: string): RamNode | number {
    const e = dir.entries?.get(name);
    return e ? e.node : -Errno.ENOENT;
  }

  create(dir: RamNode, name: string, mode: number): RamNode | number {
    return this.make(dir, name, S_IFREG, mode);
  }

  mkdir(dir: RamNode, name: string, mode: number): RamNode | number {
    return this.make(dir, name, S_IFDIR, mode);
  }

  symlink(dir: RamNode, name: string, target: string): RamNode | number {
    const n = this.make(dir, name, S_IFLNK, 0o777);
    if (typeof n !== 'number') {
      n.target = target;
      n.size = new TextEncoder().encode(target).length;
    }
    return n;
  }

  mknod(dir: RamNode, name: string, mode: number, _rdev: number): RamNode | number {
    return this.make(dir, name, mode & 0o170000, mode);
  }

  link(node: RamNode, dir: RamNode, name: string): number {
    if (this.ro) return -Errno.EROFS;
    if (dir.entries!.has(name)) return -Errno.EEXIST;
    node.nlink++;
    this.insert(dir, name, node);
    this.touch(node, false);
    return 0;
  }

  unlink(dir: RamNode, name: string, node: RamNode): number {
    if (this.ro) return -Errno.EROFS;
    this.remove(dir, name, node);
    return 0;
  }

  rmdir(dir: RamNode, name: string, node: RamNode): number {
    if (this.ro) return -Errno.EROFS;
    if (node.entries!.size > 0) return -Errno.ENOTEMPTY;
    this.remove(dir, name, node);
    return 0;
  }

  rename(odir: RamNode, oname: string, ndir: RamNode, nname: string, flags: number): number {
    if (this.ro) return -Errno.EROFS;
    if (flags & RENAME_EXCHANGE) return -Errno.EINVAL;
    const src = odir.entries!.get(oname)?.node;
    if (!src) return -Errno.ENOENT;
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

  readlink(node: RamNode): string | number {
    return node.type === S_IFLNK ? node.target : -Errno.EINVAL;
  }

  getattr(n: RamNode, out: RkFsAttr): number {
    out.ino = n.ino;
    out.mode = n.mode;
    out.nlink = n.nlink;
    out.uid = n.uid;
    out.gid = n.gid;
    out.rdev = 0;
    out.size = n.type === S_IFDIR ? 4096 : n.size;
    out.blocks = n.npages * (RK_PAGE_SIZE / 512);
    out.blksize = RK_PAGE_SIZE;
    out.atime = n.atime;
    out.mtime = n.mtime;
    out.ctime = n.ctime;
    return 0;
  }

  setattr(n: RamNode, set: RkFsSetattr): number {
    if (this.ro) return -Errno.EROFS;
    if (set.mode !== undefined) n.mode = (n.mode & 0o170000) | (set.mode & 0o7777);
    if (set.uid !== undefined) n.uid = set.uid;
    if (set.gid !== undefined) n.gid = set.gid;
    if (set.size !== undefined) {
      if (set.size > RAMFS_MAX_FILE) return -Errno.EFBIG;
      this.pages.truncate(n, set.size);
      this.touch(n, true);
    }
    if (set.atime) n.atime = set.atime;
    if (set.mtime) n.mtime = set.mtime;
    this.touch(n, false);
    return 0;
  }

  open(node: RamNode, flags: number): RamHandle | number {
    const writable = (flags & O_ACCMODE) !== O_RDONLY;
    if (writable && this.ro) return -Errno.EROFS;
    node.opens++;
    return { node, writable };
  }

  close(h: RamHandle): number {
    h.node.opens--;
    this.maybeFree(h.node);
    return 0;
  }

  read(h: RamHandle, buf: Uint8Array, offset: number): number {
    const n = h.node;
    if (n.type === S_IFDIR) return -Errno.EISDIR;
    const got = this.pages.read(n, buf, offset);
    // relatime: atime moves when it is not newer than mtime/ctime (Linux's default mount option)
    if (got > 0 && !(after(n.atime, n.mtime) && after(n.atime, n.ctime))) n.atime = this.env.now();
    return got;
  }

  write(h: RamHandle, buf: Uint8Array, offset: number): number {
    if (buf.length === 0) return 0;
    if (offset >= RAMFS_MAX_FILE) return -Errno.EFBIG;
    if (offset + buf.length > RAMFS_MAX_FILE) buf = buf.subarray(0, RAMFS_MAX_FILE - offset);
    const n = this.pages.write(h.node, buf, offset);
    if (n > 0) this.touch(h.node, true);
    return n;
  }

  readdir(h: RamHandle, cookie: number, sink: RkFsDirSink): number {
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

  fsync(_h: RamHandle, _datasync: boolean): number {
    return 0;
  }

  statfs(out: RkFsStatfs): number {
    // the mount's spare pages are free for its files
    const free = this.pages.alloc.pavailmem() + this.pages.spares;
    out.type = RAMFS_MAGIC;
    out.bsize = RK_PAGE_SIZE;
    out.frsize = RK_PAGE_SIZE;
    out.blocks = free + this.pages.used;
    out.bfree = free;
    out.bavail = free;
    out.files = this.nextIno;
    out.ffree = 0;
    out.namelen = 255;
    out.flags = this.ro ? 1 : 0;
    return 0;
  }

  sync(): number {
    return 0;
  }

  unmount(): number {
    const drop = (d: RamNode) => {
      for (const { node } of d.entries!.values()) {
        if (node.entries) drop(node);
        else if (node.npages > 0) this.pages.freeAll(node);
      }
    };
    drop(this.root);
    this.pages.flush();
    return 0;
  }
}

function after(a: { sec: number; nsec: number }, b: { sec: number; nsec: number }): boolean {
  return a.sec > b.sec || (a.sec === b.sec && a.nsec > b.nsec);
}
