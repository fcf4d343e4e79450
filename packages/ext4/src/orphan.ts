// The orphan list (Linux ext4_orphan_add/_del and ext4_orphan_cleanup): an inode whose last link goes
// while it is still open is chained from the super block's s_last_orphan through i_dtime, in the
// same transaction as the unlink, so a crash before its last close leaves it findable; the next
// read-write mount frees every inode on the chain. Debian 12's mkfs.ext4 makes no orphan_file.

import type { RkFsResult } from '@runikraft/vfscore';
import type { Ext4Inode } from './inode';
import { set32, u32 } from './le';
import type { Ext4Volume } from './volume';

const S_LAST_ORPHAN = 0xe8;

export const lastOrphan = (vol: Ext4Volume) => u32(vol.sb.raw, S_LAST_ORPHAN);

function setLastOrphan(vol: Ext4Volume, ino: number): void {
  set32(vol.sb.raw, S_LAST_ORPHAN, ino);
  vol.superDirty = true;
}

export class Ext4Orphans {
  /** The chain in memory, head first (the on-disk order): inode numbers. */
  private readonly chain: number[] = [];

  constructor(private readonly vol: Ext4Volume) {}

  /** Puts `inode` at the head of the chain (the caller stores the inode). */
  add(inode: Ext4Inode): void {
    inode.dtime = lastOrphan(this.vol);
    setLastOrphan(this.vol, inode.ino);
    this.chain.unshift(inode.ino);
  }

  /**
   * Takes `inode` off the chain. `held` gives the in-memory inode of another orphan (all are open,
   * so all are held). @returns the inode whose link changed and must be stored, or null (the super
   * block's head changed), or undefined when it was not on the chain.
   */
  remove(
    inode: Ext4Inode,
    held: (ino: number) => Ext4Inode | undefined,
  ): Ext4Inode | null | undefined {
    const at = this.chain.indexOf(inode.ino);
    if (at < 0) return undefined;
    this.chain.splice(at, 1);
    const next = inode.dtime;
    inode.dtime = 0;
    if (at === 0) {
      setLastOrphan(this.vol, next);
      return null;
    }
    const prev = held(this.chain[at - 1]!);
    if (prev) prev.dtime = next;
    return prev ?? null;
  }
}

/**
 * Frees every inode on the on-disk chain (a crash left them: unlinked, no longer open) through
 * `w`, and empties the chain. Bounded by the inode count; a loop or a bad number ends it with a
 * warning (e2fsck finds what is left).
 * @returns how many inodes were released, or a negative errno.
 */
export async function releaseOrphans(
  vol: Ext4Volume,
  w: {
    dropInode(i: Ext4Inode): RkFsResult<number>;
    storeInode(i: Ext4Inode): RkFsResult<number>;
  },
): Promise<number> {
  let ino = lastOrphan(vol);
  let n = 0;
  const seen = new Set<number>();
  while (ino !== 0) {
    if (seen.has(ino) || ino < vol.sb.firstIno || ino > vol.sb.inodesCount) {
      vol.warn(
        `orphan list: inode ${ino} ${seen.has(ino) ? 'repeats' : 'is out of range'}: stopped`,
      );
      break;
    }
    seen.add(ino);
    const inode = await vol.readInode(ino, true);
    if (typeof inode === 'number') return inode;
    const next = inode.dtime;
    // links left: an orphan of an unfinished truncate (its size already says what is kept)
    inode.dtime = 0;
    const r = inode.links === 0 ? await w.dropInode(inode) : await w.storeInode(inode);
    if (r < 0) return r;
    if (inode.links === 0) n++;
    ino = next;
  }
  setLastOrphan(vol, 0);
  return n;
}
