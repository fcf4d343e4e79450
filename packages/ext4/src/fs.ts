// The ext4 driver (vfscore fs-driver contract) over an Ext4Volume: lookups through the hash index or
// linear scans, reads through extents or block maps, readdir with byte-offset cookies.
import { Errno } from '@runikraft/errno';
import { DT_UNKNOWN, O_ACCMODE, O_RDONLY, S_IFDIR, S_IFLNK } from '@runikraft/vfscore';
import type {
  RkFs,
  RkFsAttr,
  RkFsDirSink,
  RkFsSetattr,
  RkFsStatfs,
} from '@runikraft/vfscore/driver';
import { DIRENT_TAIL_SIZE, hasTail, walkLeaf } from './dir';
import { RO_COMPAT } from './features';
import { EXT4_EXTENTS_FL, EXT4_HUGE_FILE_FL, EXT4_ROOT_INO, type Ext4Inode } from './inode';
import { u32 } from './le';
import { findEntry } from './lookup';
import { type Ext4Handle, Ext4Node } from './node';
import { has } from './superblock';
import { decodeName, encodeName } from './text';
import type { Ext4Volume } from './volume';

export const EXT4_SUPER_MAGIC_STATFS = 0xef53;

/** S_IFIFO, S_IFCHR, S_IFDIR, S_IFBLK, S_IFREG, S_IFLNK, S_IFSOCK. */
const FILE_TYPES = new Set([0o010000, 0o020000, 0o040000, 0o060000, 0o100000, 0o120000, 0o140000]);

/** EXT4_FT_* → DT_*. */
const FT_TO_DT = [DT_UNKNOWN, 8, 4, 2, 6, 1, 12, 10];

export class Ext4Fs implements RkFs<Ext4Node, Ext4Handle> {
  readonly caps = { nameCache: true, nameMax: 255 } as const;
  private readonly nodes = new Map<number, Ext4Node>();

  constructor(
    readonly vol: Ext4Volume,
    readonly root: Ext4Node,
    readonly ro: boolean,
  ) {
    this.nodes.set(root.ino, root);
  }

  /** Opens the root of `vol`. @returns the fs, or -EUCLEAN/-EIO. */
  static async create(vol: Ext4Volume, ro: boolean): Promise<Ext4Fs | number> {
    const inode = await vol.readInode(EXT4_ROOT_INO);
    if (typeof inode === 'number') return inode;
    if (inode.type !== S_IFDIR) return vol.corrupt('the root inode is not a directory');
    return new Ext4Fs(vol, new Ext4Node(EXT4_ROOT_INO, inode), ro);
  }

  /** The node for `ino` (one per inode while held). */
  private async node(ino: number): Promise<Ext4Node | number> {
    const have = this.nodes.get(ino);
    if (have) return have;
    const inode = await this.vol.readInode(ino);
    if (typeof inode === 'number') return inode;
    const raced = this.nodes.get(ino);
    if (raced) return raced;
    if (!FILE_TYPES.has(inode.type))
      return this.vol.corrupt(`inode ${ino}: mode 0${inode.mode.toString(8)}`);
    const n = new Ext4Node(ino, inode);
    this.nodes.set(ino, n);
    return n;
  }

  async lookup(dir: Ext4Node, name: string): Promise<Ext4Node | number> {
    if (!this.vol.indexed(dir.inode) && dir.inode.size > 2 * this.vol.blockSize) {
      const names = dir.names ?? (await this.scanNames(dir));
      if (typeof names === 'number') return names;
      const ino = names.get(name);
      return ino === undefined ? -Errno.ENOENT : this.node(ino);
    }
    const f = await findEntry(this.vol, dir.inode, encodeName(name));
    if (f === null) return -Errno.ENOENT;
    if (typeof f === 'number') return f;
    return this.node(f.ino);
  }

  /** Reads every entry of `dir` into its name map. @returns the map, or -EUCLEAN/-EIO. */
  private async scanNames(dir: Ext4Node): Promise<Map<string, number> | number> {
    const names = new Map<string, number>();
    const r = await this.readdir({ node: dir, writable: false }, 0, (name, ino) => {
      names.set(name, ino);
      return true;
    });
    if (r < 0) return r;
    names.delete('.');
    names.delete('..');
    dir.names = names;
    return names;
  }

  create(): number {
    return -Errno.EROFS;
  }
  mkdir(): number {
    return -Errno.EROFS;
  }
  symlink(): number {
    return -Errno.EROFS;
  }
  link(): number {
    return -Errno.EROFS;
  }
  unlink(): number {
    return -Errno.EROFS;
  }
  rmdir(): number {
    return -Errno.EROFS;
  }
  rename(): number {
    return -Errno.EROFS;
  }
  setattr(_n: Ext4Node, _set: RkFsSetattr): number {
    return -Errno.EROFS;
  }

  async readlink(n: Ext4Node): Promise<string | number> {
    if (n.type !== S_IFLNK) return -Errno.EINVAL;
    const target = await this.linkBytes(n.inode);
    return typeof target === 'number' ? target : decodeName(target, 0, target.length);
  }

  /** A symlink's target bytes: in i_block (fast) or in its data block (slow). */
  private async linkBytes(i: Ext4Inode): Promise<Uint8Array | number> {
    const size = i.size;
    if (size > this.vol.blockSize || size === 0)
      return this.vol.corrupt(`symlink ${i.ino}: size ${size}`);
    if (isFastSymlink(i)) return i.iblock.slice(0, size);
    const out = new Uint8Array(size);
    const r = await this.vol.readData(i, out, 0);
    if (r < 0) return r;
    return r === size ? out : this.vol.corrupt(`symlink ${i.ino}: short target`);
  }

  getattr(n: Ext4Node, out: RkFsAttr): number {
    const i = n.inode;
    const sb = this.vol.sb;
    out.ino = n.ino;
    out.mode = i.mode;
    // dir_nlink: a directory with too many subdirectories for 16 bits stores 1
    out.nlink = i.links;
    out.uid = i.uid;
    out.gid = i.gid;
    out.rdev = rdevOf(i);
    out.size = i.size;
    const huge = has(sb.roCompat, RO_COMPAT.huge_file) && i.flags & EXT4_HUGE_FILE_FL;
    out.blocks = huge ? i.blocksRaw * (sb.blockSize / 512) : i.blocksRaw;
    out.blksize = sb.blockSize;
    out.atime = i.time('atime');
    out.mtime = i.time('mtime');
    out.ctime = i.time('ctime');
    return 0;
  }

  open(node: Ext4Node, flags: number): Ext4Handle | number {
    const writable = (flags & O_ACCMODE) !== O_RDONLY;
    if (writable && this.ro) return -Errno.EROFS;
    node.opens++;
    return { node, writable };
  }

  close(h: Ext4Handle): number {
    h.node.opens--;
    return 0;
  }

  read(h: Ext4Handle, buf: Uint8Array, offset: number): Promise<number> | number {
    if (h.node.type === S_IFDIR) return -Errno.EISDIR;
    return this.vol.readData(h.node.inode, buf, offset);
  }

  write(): number {
    return -Errno.EROFS;
  }

  async readdir(h: Ext4Handle, cookie: number, sink: RkFsDirSink): Promise<number> {
    const dir = h.node.inode;
    if (h.node.type !== S_IFDIR) return -Errno.ENOTDIR;
    const vol = this.vol;
    const bs = vol.blockSize;
    const blocks = Math.ceil(dir.size / bs);
    for (let lblk = Math.floor(cookie / bs); lblk < blocks; lblk++) {
      const b = await vol.dirBlock(dir, lblk);
      if (typeof b === 'number') return b;
      if (b === null) continue;
      const end = hasTail(b, bs) ? bs - DIRENT_TAIL_SIZE : bs;
      const from = lblk === Math.floor(cookie / bs) ? cookie % bs : 0;
      let stopped = false;
      const bad = walkLeaf(b, end, bs, vol.filetype, vol.sb.inodesCount, (d) => {
        if (d.ino === 0 || d.off < from) return true;
        const name = decodeName(b, d.off + 8, d.off + 8 + d.nameLen);
        const next = lblk * bs + d.off + d.recLen;
        if (sink(name, d.ino, FT_TO_DT[d.ftype] ?? DT_UNKNOWN, next)) return true;
        stopped = true;
        return false;
      });
      if (bad) return vol.corrupt(`directory ${dir.ino} block ${lblk}: ${bad}`);
      if (stopped) return 0;
    }
    return 0;
  }

  fsync(): number {
    return 0;
  }

  statfs(out: RkFsStatfs): number {
    const sb = this.vol.sb;
    let free = 0;
    let ifree = 0;
    for (const g of this.vol.groups) {
      free += g.freeBlocks;
      ifree += g.freeInodes;
    }
    const reserved = u32(sb.raw, 0x8);
    out.type = EXT4_SUPER_MAGIC_STATFS;
    out.bsize = sb.blockSize;
    out.frsize = sb.blockSize;
    out.blocks = sb.blocksCount;
    out.bfree = free;
    out.bavail = Math.max(0, free - reserved);
    out.files = sb.inodesCount;
    out.ffree = ifree;
    out.namelen = 255;
    out.flags = this.ro ? 1 : 0;
    return 0;
  }

  sync(): Promise<number> | number {
    return this.ro ? 0 : this.vol.cache.sync();
  }

  async unmount(): Promise<number> {
    const r = await this.sync();
    if (r < 0) return r;
    this.vol.cache.release();
    this.nodes.clear();
    return 0;
  }

  release(node: Ext4Node): void {
    if (node !== this.root && node.opens === 0) this.nodes.delete(node.ino);
  }
}

/** A fast symlink keeps its target in i_block (no data blocks, no extent tree). */
function isFastSymlink(i: Ext4Inode): boolean {
  return (i.flags & EXT4_EXTENTS_FL) === 0 && i.size < 60;
}

/** Device number of a device node: old 16-bit encoding in i_block[0], else the new one in i_block[1]. */
function rdevOf(i: Ext4Inode): number {
  const t = i.type;
  if (t !== 0o020000 && t !== 0o060000) return 0;
  const old = u32(i.iblock, 0);
  if (old) return ((old >>> 8) & 0xff) * 256 + (old & 0xff);
  const v = u32(i.iblock, 4);
  const major = (v & 0xfff00) >>> 8;
  const minor = (v & 0xff) | ((v >>> 12) & 0xfff00);
  return major * 256 + minor;
}
