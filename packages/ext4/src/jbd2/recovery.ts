// Journal recovery (jbd2's three passes, as e2fsck and Linux run them at mount): scan the log from
// s_start for committed transactions, collect their revoke records, replay every logged block that
// no later-or-same revoke cancels, then mark the journal empty. Everything is read and checked
// before the first block is written, so a malformed journal changes nothing.
import { Errno } from '@runikraft/errno';
import type { Ext4MountError } from '../superblock';
import {
  blockCsum,
  commitOk,
  csumOn,
  emitJournalSuper,
  JBD2_COMMIT_BLOCK,
  JBD2_DESCRIPTOR_BLOCK,
  JBD2_FLAG_ESCAPE,
  JBD2_MAGIC,
  JBD2_REVOKE_BLOCK,
  type Jbd2Layout,
  type Jbd2Super,
  parseRevoke,
  parseTags,
  readHeader,
  setBe32,
  tailOk,
  tidGt,
} from './format';
import type { JournalSpace } from './space';

/** One logged block of a committed transaction. */
interface Logged {
  /** Journal block holding the copy. */
  readonly at: number;
  /** Home block in the file system. */
  readonly blk: number;
  readonly escaped: boolean;
}

interface Scanned {
  readonly sequence: number;
  readonly blocks: Logged[];
}

export interface RecoveryResult {
  /** Committed transactions found and replayed. */
  readonly transactions: number;
  /** Blocks written home, and blocks skipped because a revoke record cancelled them. */
  readonly replayed: number;
  readonly revoked: number;
  /** Why the scan ended early (a torn last transaction), for the log. */
  readonly notes: string[];
}

const bad = (message: string): Ext4MountError => ({ errno: Errno.EUCLEAN, message });

/** The journal block after `j` (the log wraps from s_maxlen - 1 to s_first). */
const nextBlock = (s: Jbd2Super, j: number) => (j + 1 >= s.maxlen ? s.first : j + 1);

/**
 * Scans the log: committed transactions and the revoke table.
 * @returns them, a mount error naming the malformed block, or -EIO.
 */
async function scan(
  space: JournalSpace,
  s: Jbd2Super,
  l: Jbd2Layout,
  fsBlocks: number,
): Promise<
  { txs: Scanned[]; revokes: Map<number, number>; notes: string[] } | Ext4MountError | number
> {
  const txs: Scanned[] = [];
  const revokes = new Map<number, number>();
  const notes: string[] = [];
  let j = s.start;
  let seq = s.sequence;
  let blocks: Logged[] = [];
  let pendingRevokes: number[] = [];
  // a full lap of the log is the most a scan can cover
  for (let steps = 0; steps < s.maxlen; steps++) {
    const b = await space.read(j);
    if (typeof b === 'number') return b;
    const h = readHeader(b);
    if (h.magic !== JBD2_MAGIC || h.sequence !== seq) break;
    const where = `journal block ${j} (transaction ${seq})`;
    if (h.type === JBD2_DESCRIPTOR_BLOCK) {
      if (!tailOk(l, b)) {
        notes.push(`${where}: descriptor checksum mismatch: the log ends there`);
        break;
      }
      for (const t of parseTags(l, b)) {
        j = nextBlock(s, j);
        if (t.blk >= fsBlocks)
          return bad(`${where}: a tag logs block ${t.blk}, outside the file system`);
        if (csumOn(l)) {
          const data = await space.read(j);
          if (typeof data === 'number') return data;
          const want = l.csumV3 ? t.csum : t.csum & 0xffff;
          const got = blockCsum(l, seq, data);
          if (want !== (l.csumV3 ? got : got & 0xffff)) {
            // only an error if this transaction's commit block turns out to be valid
            blocks.push({ at: -j - 1, blk: t.blk, escaped: false });
            continue;
          }
        }
        blocks.push({ at: j, blk: t.blk, escaped: (t.flags & JBD2_FLAG_ESCAPE) !== 0 });
      }
      j = nextBlock(s, j);
    } else if (h.type === JBD2_REVOKE_BLOCK) {
      if (!tailOk(l, b)) {
        notes.push(`${where}: revoke block checksum mismatch: the log ends there`);
        break;
      }
      const r = parseRevoke(l, b);
      if (typeof r === 'string') return bad(`${where}: ${r}`);
      pendingRevokes.push(...r);
      j = nextBlock(s, j);
    } else if (h.type === JBD2_COMMIT_BLOCK) {
      if (!commitOk(l, b)) {
        notes.push(`${where}: commit block checksum mismatch: not committed, the log ends there`);
        break;
      }
      const torn = blocks.find((x) => x.at < 0);
      if (torn)
        return bad(
          `journal block ${-torn.at - 1} (transaction ${seq}): checksum of the logged copy of block ${torn.blk} does not match its tag`,
        );
      txs.push({ sequence: seq, blocks });
      for (const blk of pendingRevokes) {
        const have = revokes.get(blk);
        if (have === undefined || tidGt(seq, have)) revokes.set(blk, seq);
      }
      blocks = [];
      pendingRevokes = [];
      seq = (seq + 1) >>> 0;
      j = nextBlock(s, j);
    } else {
      notes.push(`${where}: block type ${h.type}: the log ends there`);
      break;
    }
  }
  return { txs, revokes, notes };
}

/**
 * Replays the journal of `s` into the file system through `space`'s cache and empties it
 * (s_start 0, s_sequence past the last transaction). The caller syncs and flushes the cache after.
 * @returns what was done, a mount error naming the malformed journal block, or -EIO/-ENOMEM.
 */
export async function recoverJournal(
  space: JournalSpace,
  s: Jbd2Super,
  l: Jbd2Layout,
  fsBlocks: number,
): Promise<RecoveryResult | Ext4MountError | number> {
  if (s.start === 0) return { transactions: 0, replayed: 0, revoked: 0, notes: [] };
  const found = await scan(space, s, l, fsBlocks);
  if (typeof found === 'number' || 'errno' in found) return found;
  let replayed = 0;
  let revoked = 0;
  const cache = space.cache;
  for (const tx of found.txs) {
    for (const x of tx.blocks) {
      const rev = found.revokes.get(x.blk);
      if (rev !== undefined && !tidGt(tx.sequence, rev)) {
        revoked++;
        continue;
      }
      const data = await space.read(x.at);
      if (typeof data === 'number') return data;
      if (x.escaped) setBe32(data, 0, JBD2_MAGIC);
      const r = await cache.writeRun(x.blk, 1, data);
      if (r < 0) return r;
      // a replayed block is checked afresh when next read
      const c = cache.peek(x.blk);
      if (c) c.verified = false;
      replayed++;
    }
  }
  // the first id not found committed may sit half-written in the log: skip it, as jbd2 does
  const last = found.txs[found.txs.length - 1];
  s.sequence = ((last ? last.sequence + 1 : s.sequence) + 1) >>> 0;
  s.start = 0;
  emitJournalSuper(s);
  const flushed = await cache.sync();
  if (flushed < 0) return flushed;
  const w = await space.write(0, s.raw);
  if (w < 0) return w;
  return { transactions: found.txs.length, replayed, revoked, notes: found.notes };
}
