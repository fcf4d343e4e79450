// The journal at mount and unmount: find it (the journal inode), replay it when the file system
// says needs_recovery, and flip needs_recovery in the super block around a read-write mount, as
// ext4_load_journal and ext4_put_super do.
import { Errno } from '@runikraft/errno';
import { COMPAT, INCOMPAT } from '../features';
import { type Ext4MountError, has, sealSuper } from '../superblock';
import type { Ext4Volume } from '../volume';
import { type Jbd2Super, layoutOf, parseJournalSuper } from './format';
import { Jbd2Journal } from './journal';
import { type RecoveryResult, recoverJournal } from './recovery';
import { JournalSpace } from './space';

/** Journals on another device (journal_dev) are refused by the feature check; this is the inode. */
export const hasJournal = (vol: Ext4Volume) =>
  has(vol.sb.compat, COMPAT.has_journal) && vol.sb.journalInum !== 0;

export const needsRecovery = (vol: Ext4Volume) =>
  (vol.sb.raw[0x60]! & INCOMPAT.needs_recovery) !== 0;

/**
 * The journal's blocks and super block. @returns them, or a mount error naming what is wrong, or
 * -EIO.
 */
export async function openJournal(
  vol: Ext4Volume,
): Promise<{ space: JournalSpace; jsb: Jbd2Super } | Ext4MountError | number> {
  const space = await JournalSpace.load(vol, vol.sb.journalInum);
  if (typeof space === 'number') return space;
  if (typeof space === 'string') return { errno: Errno.EUCLEAN, message: space };
  const raw = await space.read(0);
  if (typeof raw === 'number') return raw;
  const jsb = parseJournalSuper(raw, vol.blockSize, space.length);
  if (typeof jsb === 'string') return { errno: Errno.EUCLEAN, message: jsb };
  return { space, jsb };
}

/**
 * Replays the journal of `vol` (needs_recovery is set). The volume's cache holds stale blocks
 * afterwards: the caller opens the volume again.
 * @returns what was replayed, a mount error, or -EIO.
 */
export async function replay(vol: Ext4Volume): Promise<RecoveryResult | Ext4MountError | number> {
  const j = await openJournal(vol);
  if (typeof j === 'number' || 'errno' in j) return j;
  return recoverJournal(j.space, j.jsb, layoutOf(j.jsb), vol.sb.blocksCount);
}

/**
 * Sets or clears needs_recovery and writes the super block home now, behind a barrier.
 * @returns 0, -EIO.
 */
export async function markNeedsRecovery(vol: Ext4Volume, on: boolean): Promise<number> {
  const sb = vol.sb;
  if (on) sb.raw[0x60]! |= INCOMPAT.needs_recovery;
  else sb.raw[0x60]! &= ~INCOMPAT.needs_recovery;
  sealSuper(sb);
  const blk = Math.floor(1024 / sb.blockSize);
  const e = await vol.cache.get(blk);
  if (typeof e === 'number') return e;
  e.data.set(sb.raw, 1024 - blk * sb.blockSize);
  vol.cache.setDirty(e);
  const r = await vol.cache.writeNow(e);
  return r < 0 ? r : vol.cache.flush();
}

/** What a mount gets from `prepareJournal`: the volume to use and the journal for writing. */
export interface JournalMount {
  readonly vol: Ext4Volume;
  readonly journal: Jbd2Journal | null;
}

/**
 * The journal steps of a mount: replay when needs_recovery is set (then `reopen` reads the
 * replayed super block and descriptors afresh), and for a writable mount take the journal over and
 * set needs_recovery until unmount. @returns the volume (maybe a new one) and the journal, or a
 * mount error or -EIO (the volume's cache is released then).
 */
export async function prepareJournal(
  vol: Ext4Volume,
  reopen: () => Promise<Ext4Volume | Ext4MountError | number>,
  opts: { writable: boolean; deviceReadOnly: boolean; now: number; log: (l: string) => void },
): Promise<JournalMount | Ext4MountError | number> {
  if (!hasJournal(vol)) return { vol, journal: null };
  if (needsRecovery(vol)) {
    if (opts.deviceReadOnly)
      return {
        errno: Errno.EROFS,
        message: 'the journal needs recovery but the device is read-only',
      };
    const rec = await replay(vol);
    vol.cache.release();
    if (typeof rec === 'number' || 'errno' in rec) return rec;
    for (const n of rec.notes) opts.log(`journal: ${n}`);
    opts.log(
      `journal replayed: ${rec.transactions} transactions, ${rec.replayed} blocks (${rec.revoked} revoked)`,
    );
    const again = await reopen();
    if (typeof again === 'number' || !('cache' in again)) return again;
    vol = again;
    const r = await markNeedsRecovery(vol, false);
    if (r < 0) return failed(vol, r);
  }
  if (!opts.writable) return { vol, journal: null };
  const j = await openJournal(vol);
  if (typeof j === 'number' || 'errno' in j) return failed(vol, j);
  if (j.jsb.version !== 2)
    return failed(vol, { errno: Errno.EINVAL, message: 'a version 1 journal is not written' });
  const journal = new Jbd2Journal(vol, j.space, j.jsb, opts.now);
  const r = await journal.start();
  if (r < 0) return failed(vol, r);
  const m = await markNeedsRecovery(vol, true);
  return m < 0 ? failed(vol, m) : { vol, journal };
}

/** Gives `vol`'s cache back and passes the failure on. */
function failed<E>(vol: Ext4Volume, e: E): E {
  vol.cache.release();
  return e;
}
