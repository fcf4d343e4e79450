// The driver's node (the in-memory inode, one per inode number while vfscore holds it) and handle.
import type { RkFsNode } from '@runikraft/vfscore/driver';
import type { Ext4Inode } from './inode';

export class Ext4Node implements RkFsNode {
  readonly type: number;
  /** Open handles: an unlinked inode is freed when this and its link count reach 0. */
  opens = 0;
  /**
   * Unindexed directories of several blocks: every name → its inode, built by the first lookup's
   * full scan (a linear lookup is otherwise a scan per name), kept in step by every change the driver
   * makes to the directory.
   */
  names: Map<string, number> | undefined;

  /** @internal made by Ext4Fs */
  constructor(
    readonly ino: number,
    /** The on-disk inode as last read or written. @internal the driver's own format. */
    public inode: Ext4Inode,
  ) {
    this.type = inode.type;
  }
}

/** An open file description's handle. */
export interface Ext4Handle {
  readonly node: Ext4Node;
  readonly writable: boolean;
}
