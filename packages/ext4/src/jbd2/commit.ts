// Laying out one transaction in the log (jbd2_journal_commit_transaction's block sequence):
// descriptor blocks each followed by the copies their tags describe (escaped when a copy starts
// with the jbd2 magic), then revoke blocks; the commit block is built separately because it is
// written only after a barrier.
import {
  be32,
  blockCsum,
  emitRevoke,
  emitTag,
  JBD2_DESCRIPTOR_BLOCK,
  JBD2_FLAG_ESCAPE,
  JBD2_FLAG_LAST_TAG,
  JBD2_FLAG_SAME_UUID,
  JBD2_MAGIC,
  type Jbd2Layout,
  revokesPerBlock,
  sealTail,
  tagsPerDescriptor,
  writeHeader,
} from './format';

/** A metadata block to log: its home block number and its content at commit time. */
export interface LogBlock {
  readonly blk: number;
  readonly data: Uint8Array;
}

/** Journal blocks (before the commit block) a transaction of `blocks` and `revokes` takes. */
export function logBlocks(l: Jbd2Layout, blocks: number, revokes: number): number {
  const per = tagsPerDescriptor(l);
  return blocks + Math.ceil(blocks / per) + Math.ceil(revokes / revokesPerBlock(l));
}

/**
 * The log image of transaction `sequence`: descriptors + copies + revoke blocks, contiguous.
 * @param uuid the journal's UUID (carried by each descriptor's first tag)
 * @param into a buffer to build it in when large enough (a committer reuses one); its old bytes
 *   do not show through
 * @returns the image: `into`'s first bytes, or a new buffer
 */
export function buildLog(
  l: Jbd2Layout,
  sequence: number,
  uuid: Uint8Array,
  blocks: readonly LogBlock[],
  revokes: readonly number[],
  into?: Uint8Array,
): Uint8Array {
  const bs = l.blockSize;
  const bytes = logBlocks(l, blocks.length, revokes.length) * bs;
  const out = into && into.length >= bytes ? into.subarray(0, bytes) : new Uint8Array(bytes);
  const per = tagsPerDescriptor(l);
  let at = 0;
  for (let i = 0; i < blocks.length; i += per) {
    const chunk = blocks.slice(i, i + per);
    const desc = out.subarray(at, at + bs);
    desc.fill(0);
    writeHeader(desc, JBD2_DESCRIPTOR_BLOCK, sequence);
    at += bs;
    let tagAt = 12;
    for (const [k, b] of chunk.entries()) {
      const copy = out.subarray(at, at + bs);
      copy.set(b.data);
      let flags = k === 0 ? 0 : JBD2_FLAG_SAME_UUID;
      if (be32(copy, 0) === JBD2_MAGIC) {
        copy.fill(0, 0, 4);
        flags |= JBD2_FLAG_ESCAPE;
      }
      if (k === chunk.length - 1) flags |= JBD2_FLAG_LAST_TAG;
      tagAt = emitTag(l, desc, tagAt, { blk: b.blk, flags, csum: blockCsum(l, sequence, copy) });
      if (k === 0) {
        desc.set(uuid, tagAt);
        tagAt += 16;
      }
      at += bs;
    }
    sealTail(l, desc);
  }
  const rp = revokesPerBlock(l);
  for (let i = 0; i < revokes.length; i += rp) {
    emitRevoke(l, out.subarray(at, at + bs), sequence, revokes.slice(i, i + rp));
    at += bs;
  }
  return out;
}
