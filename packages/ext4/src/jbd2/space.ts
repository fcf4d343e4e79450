// The journal's blocks: the journal inode's logical blocks mapped once to file-system blocks, and
// reads and writes of journal blocks by their journal block number (runs of contiguous blocks in
// one request, bypassing the cache so the log does not push metadata out).
import { Errno } from '@runikraft/errno';
import { type RkFsResult, type RkFsSteps, runSteps } from '@runikraft/vfscore';
import type { BlockCache } from '../cache';
import type { Ext4Volume } from '../volume';

export class JournalSpace {
  private constructor(
    readonly cache: BlockCache,
    /** Journal block → file-system block. */
    private readonly blocks: Float64Array,
  ) {}

  /**
   * Maps every block of journal inode `ino`. @returns the space, or a message (holes, a block
   * outside the file system, not a regular file), or -EUCLEAN/-EIO.
   */
  static async load(vol: Ext4Volume, ino: number): Promise<JournalSpace | string | number> {
    const inode = await vol.readInode(ino);
    if (typeof inode === 'number') return inode;
    if (inode.type !== 0o100000) return `journal inode ${ino} is not a regular file`;
    const bs = vol.blockSize;
    const n = Math.floor(inode.size / bs);
    if (n < 1024 || n > 1 << 24) return `journal inode ${ino}: size ${inode.size}`;
    const blocks = new Float64Array(n);
    for (let lblk = 0; lblk < n; ) {
      const m = await vol.map(inode, lblk);
      if (typeof m === 'number') return m;
      if (m.pblk === 0) return `journal inode ${ino} has a hole at block ${lblk}`;
      const len = Math.min(m.len, n - lblk);
      if (m.pblk + len > vol.sb.blocksCount)
        return `journal block ${lblk} maps outside the file system (${m.pblk})`;
      for (let i = 0; i < len; i++) blocks[lblk + i] = m.pblk + i;
      lblk += len;
    }
    return new JournalSpace(vol.cache, blocks);
  }

  get length(): number {
    return this.blocks.length;
  }

  get blockSize(): number {
    return this.cache.blockSize;
  }

  /** The file-system block of journal block `j`. */
  pblk(j: number): number {
    return this.blocks[j]!;
  }

  /** Journal block `j` (a copy). @returns it, or -EIO/-ENOMEM. */
  async read(j: number): Promise<Uint8Array | number> {
    const out = new Uint8Array(this.blockSize);
    const r = await this.cache.readRun(this.pblk(j), 1, out);
    return r < 0 ? r : out;
  }

  /** Writes `data` (whole blocks) from journal block `j` on, a request per contiguous run. */
  write(j: number, data: Uint8Array): RkFsResult<number> {
    return runSteps(this.writeSteps(j, data));
  }

  /** write, inside a step generator. */
  *writeSteps(j: number, data: Uint8Array): RkFsSteps<number> {
    const bs = this.blockSize;
    const n = data.length / bs;
    if (j + n > this.length) return -Errno.EINVAL;
    for (let i = 0; i < n; ) {
      let run = 1;
      while (i + run < n && this.pblk(j + i + run) === this.pblk(j + i) + run) run++;
      const r = yield* this.cache.writeRunSteps(
        this.pblk(j + i),
        run,
        data.subarray(i * bs, (i + run) * bs),
      );
      if (r < 0) return r;
      i += run;
    }
    return 0;
  }
}
