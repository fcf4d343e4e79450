// The file-system half of an orderly power-off (Unikraft's vfscore termination, Linux's exit +
// umount -a): every descriptor is closed as at process exit, then each mount is synced and unmounted,
// the newest first, so a journaled file system leaves a checkpointed, clean image behind.
import { errnoName } from '@runikraft/errno';
import type { RkVfsState } from './core';
import type { RkMount } from './dentry';
import { pathOf } from './namei';
import { unref } from './open';

const settle = async <T>(r: T | Promise<T>): Promise<T> => (r instanceof Promise ? await r : r);

/** What went wrong: a message naming the mount point (or descriptor) and the error. */
const failure = (what: string, e: unknown) =>
  `${what}: ${typeof e === 'number' ? errnoName(e) : ((e as Error)?.message ?? String(e))}`;

/**
 * Closes every descriptor, then syncs and unmounts every mount in reverse mount order — the root
 * last — whatever is still busy (nothing runs after this). A failure does not stop the others.
 * @returns one message per failure (empty when every mount was unmounted cleanly).
 */
export async function shutdownMounts(st: RkVfsState): Promise<string[]> {
  const problems: string[] = [];
  for (const [fd, f] of [...st.fds.open()]) {
    st.fds.remove(fd);
    try {
      const r = await unref(f);
      if (r < 0) problems.push(failure(`closing fd ${fd}`, r));
    } catch (e) {
      problems.push(failure(`closing fd ${fd}`, e));
    }
  }
  for (const m of [...st.mountList].reverse()) {
    const where = `${mountPoint(st, m)} (${m.type} on ${m.source})`;
    try {
      // a failed sync still unmounts: the driver's unmount syncs again and reports what is lost
      const s = await settle(m.fs.sync());
      if (s < 0) problems.push(failure(`syncing ${where}`, s));
      const u = await settle(m.fs.unmount());
      if (u < 0) problems.push(failure(`unmounting ${where}`, u));
    } catch (e) {
      problems.push(failure(`unmounting ${where}`, e));
    }
    st.mountList.splice(st.mountList.indexOf(m), 1);
    if (m.covered) m.covered.mounted = null;
  }
  return problems;
}

function mountPoint(st: RkVfsState, m: RkMount): string {
  return m.covered ? pathOf(m.covered, st.root) : '/';
}
