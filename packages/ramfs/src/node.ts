// ramfs nodes (struct ramfs_node): metadata in JS objects, file data in guest pages (see pages.ts).
import type { RkFsNode, RkFsTime } from '@runikraft/vfscore/driver';

/** A directory entry; `seq` orders entries and makes readdir cookies stable across changes. */
export interface RamDirent {
  readonly node: RamNode;
  readonly seq: number;
}

export class RamNode implements RkFsNode {
  mode: number;
  nlink = 1;
  uid = 0;
  gid = 0;
  size = 0;
  atime: RkFsTime;
  mtime: RkFsTime;
  ctime: RkFsTime;
  /** Open handles; the pages go back to the allocator when this and nlink reach 0. */
  opens = 0;
  /** Regular files: guest address of each 4 KiB page by index; 0 or missing is a hole. */
  pages: number[] = [];
  /** Pages held (pages.length counts holes). */
  npages = 0;
  /**
   * A growing file's pages taken ahead of its writes (see RamPages.ahead): the next one's address,
   * right after the file's last page, and how many are left (0: none).
   */
  ahead = 0;
  aheadLeft = 0;
  /** Directories: entries by name, in `seq` order; the parent for "..". */
  entries: Map<string, RamDirent> | null = null;
  parent: RamNode | null = null;
  /** Symbolic links: the target. */
  target = '';

  constructor(
    readonly ino: number,
    readonly type: number,
    perm: number,
    now: RkFsTime,
  ) {
    this.mode = type | perm;
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
  }
}
