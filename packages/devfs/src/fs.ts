// The devfs driver: one flat directory of character devices (Unikraft lib/devfs). Its namespace is
// fixed by the kernel: creating or removing names is EPERM, as on Unikraft.
import { Errno } from '@runikraft/errno';
import { DT_CHR, DT_DIR, S_IFCHR, S_IFDIR } from '@runikraft/vfscore';
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
import { POLLIN, POLLOUT, type RkDevfsDevice } from './device';

export const DEVFS_MAGIC = 0x1373;

export interface DevNode extends RkFsNode {
  readonly dev: RkDevfsDevice | null;
  perm: number;
  uid: number;
  gid: number;
  atime: RkFsTime;
  mtime: RkFsTime;
  ctime: RkFsTime;
}

export interface DevHandle {
  readonly node: DevNode;
  readonly flags: number;
}

const NO_UNWATCH = (): void => {};

export class Devfs implements RkFs<DevNode, DevHandle> {
  readonly root: DevNode;
  readonly caps = { nameCache: true } as const;
  private readonly nodes = new Map<string, DevNode>();
  private nextIno = 2;

  constructor(private readonly env: RkFsEnv) {
    this.root = this.node(S_IFDIR, null, 0o755);
  }

  private node(type: number, dev: RkDevfsDevice | null, perm: number): DevNode {
    const t = this.env.now();
    return { ino: this.nextIno++, type, dev, perm, uid: 0, gid: 0, atime: t, mtime: t, ctime: t };
  }

  /** Adds the device `name` (e.g. a driver's /dev/vda). @returns 0, or -EEXIST. */
  add(name: string, dev: RkDevfsDevice): number {
    if (this.nodes.has(name)) return -Errno.EEXIST;
    this.nodes.set(name, this.node(S_IFCHR, dev, dev.perm));
    this.root.mtime = this.root.ctime = this.env.now();
    return 0;
  }

  lookup(dir: DevNode, name: string): DevNode | number {
    return (dir === this.root && this.nodes.get(name)) || -Errno.ENOENT;
  }
  create(): number {
    return -Errno.EPERM;
  }
  mkdir(): number {
    return -Errno.EPERM;
  }
  symlink(): number {
    return -Errno.EPERM;
  }
  link(): number {
    return -Errno.EPERM;
  }
  unlink(): number {
    return -Errno.EPERM;
  }
  rmdir(): number {
    return -Errno.EPERM;
  }
  rename(): number {
    return -Errno.EPERM;
  }
  readlink(): number {
    return -Errno.EINVAL;
  }

  getattr(n: DevNode, out: RkFsAttr): number {
    out.ino = n.ino;
    out.mode = n.type | n.perm;
    out.nlink = n === this.root ? 2 : 1;
    out.uid = n.uid;
    out.gid = n.gid;
    out.rdev = n.dev?.rdev ?? 0;
    out.size = 0;
    out.blocks = 0;
    out.blksize = 4096;
    out.atime = n.atime;
    out.mtime = n.mtime;
    out.ctime = n.ctime;
    return 0;
  }

  setattr(n: DevNode, set: RkFsSetattr): number {
    if (set.size !== undefined && n.dev === null) return -Errno.EISDIR;
    if (set.mode !== undefined) n.perm = set.mode & 0o7777;
    if (set.uid !== undefined) n.uid = set.uid;
    if (set.gid !== undefined) n.gid = set.gid;
    if (set.atime) n.atime = set.atime;
    if (set.mtime) n.mtime = set.mtime;
    n.ctime = this.env.now();
    return 0;
  }

  open(node: DevNode, flags: number): DevHandle {
    return { node, flags };
  }
  close(): number {
    return 0;
  }
  read(h: DevHandle, buf: Uint8Array, offset: number): number | Promise<number> {
    return h.node.dev ? h.node.dev.read(buf, offset, h.flags) : -Errno.EISDIR;
  }
  write(h: DevHandle, buf: Uint8Array, offset: number): number | Promise<number> {
    return h.node.dev ? h.node.dev.write(buf, offset, h.flags) : -Errno.EISDIR;
  }
  readdir(h: DevHandle, cookie: number, sink: RkFsDirSink): number {
    if (h.node !== this.root) return -Errno.ENOTDIR;
    const all: [string, number, number][] = [
      ['.', this.root.ino, DT_DIR],
      ['..', this.root.ino, DT_DIR],
      ...[...this.nodes].map(([name, n]): [string, number, number] => [name, n.ino, DT_CHR]),
    ];
    for (let i = cookie; i < all.length; i++) {
      const [name, ino, t] = all[i]!;
      if (!sink(name, ino, t, i + 1)) return 0;
    }
    return 0;
  }
  fsync(): number {
    return 0;
  }
  /** A device's readiness where it reports one (the console), else always ready, as mem devices. */
  poll(h: DevHandle): number {
    return h.node.dev?.poll?.() ?? POLLIN | POLLOUT;
  }
  watch(h: DevHandle, w: (events: number) => void): () => void {
    return h.node.dev?.watch?.(w) ?? NO_UNWATCH;
  }
  statfs(out: RkFsStatfs): number {
    out.type = DEVFS_MAGIC;
    out.bsize = 4096;
    out.frsize = 4096;
    out.namelen = 255;
    out.files = this.nodes.size + 1;
    return 0;
  }
  sync(): number {
    return 0;
  }
  unmount(): number {
    return 0;
  }
}
