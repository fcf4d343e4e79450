// Block maps of ext2/ext3 files (disk layout "Direct/Indirect Block Addressing"): 12 direct pointers,
// then single, double and triple indirect blocks of 32-bit pointers; 0 is a hole.
import { Errno } from '@runikraft/errno';
import type { BlockCache } from './cache';
import type { Ext4Run } from './extents';
import { ExtentCorrupt } from './extents';
import type { Ext4Inode } from './inode';
import { u32 } from './le';
import type { Ext4Super } from './superblock';

const NDIR = 12;

/**
 * Maps logical block `lblk` through the block map of `inode`.
 * @returns the run from lblk (contiguous pointers within one pointer block are merged; a hole is one
 * block, or a whole missing indirect subtree), -EIO, or ExtentCorrupt for a pointer outside the fs.
 */
export async function blockMap(
  sb: Ext4Super,
  cache: BlockCache,
  inode: Ext4Inode,
  lblk: number,
): Promise<Ext4Run | number | ExtentCorrupt> {
  const per = sb.blockSize / 4;
  let table: Uint8Array = inode.iblock;
  let idx = lblk;
  let lim = NDIR; // pointers in `table`
  let cover = 1; // blocks under the pointer at table[idx]
  let rel = 0; // offset of lblk inside that pointer's subtree
  if (lblk >= NDIR) {
    rel = lblk - NDIR;
    let level = 1;
    for (cover = per; rel >= cover; cover *= per) {
      rel -= cover;
      if (++level > 3) return { pblk: 0, len: 1 }; // past the largest block-mapped file
    }
    idx = NDIR + level - 1;
    lim = NDIR + 3;
  }
  for (;;) {
    const p = u32(table, idx * 4);
    if (p === 0) return { pblk: 0, len: cover - rel };
    if (p >= sb.blocksCount || p < sb.firstDataBlock)
      return new ExtentCorrupt(`inode ${inode.ino} block pointer ${p} is outside the file system`);
    if (cover === 1) {
      let len = 1; // merge the contiguous pointers that follow in this table
      while (idx + len < lim && u32(table, (idx + len) * 4) === p + len) len++;
      return { pblk: p, len };
    }
    const b = await cache.get(p);
    if (typeof b === 'number')
      return b === -Errno.EUCLEAN ? new ExtentCorrupt(`inode ${inode.ino} indirect block ${p}`) : b;
    table = b.data.slice(0, sb.blockSize);
    cover /= per;
    idx = Math.floor(rel / cover);
    rel %= cover;
    lim = per;
  }
}
