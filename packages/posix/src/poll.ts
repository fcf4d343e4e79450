// poll(2) and select(2) over every descriptor kind (Unikraft posix-poll): each file's readiness is
// read with poll(); with nothing ready the caller registers a watcher on every file, parks on one
// rksched wait queue until a watcher fires or the timeout (rksched's clock, never a host timer),
// and scans again. Timeouts are in ns: negative waits forever, 0 only checks.
import { Errno } from '@runikraft/errno';
import type { RkSched } from '@runikraft/rksched';
import type { RkPollFd, RkPosixFile } from './api';
import {
  FD_SETSIZE,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  POLLRDNORM,
  POLLWRNORM,
} from './constants';
import type { RkFdtab } from './fdtab';

/** A file's mask with the *NORM aliases Linux adds to IN and OUT. */
export function withNorm(m: number): number {
  return m | (m & POLLIN ? POLLRDNORM : 0) | (m & POLLOUT ? POLLWRNORM : 0);
}

/**
 * Parks until `scan()` finds something (it returns > 0) or `timeoutNs` passes, woken by watchers on
 * `files`. @returns scan's last result (0 on timeout), or -EINTR.
 */
export async function waitReady(
  sched: RkSched,
  files: readonly RkPosixFile[],
  scan: () => number,
  timeoutNs: number,
): Promise<number> {
  let found = scan();
  if (found !== 0 || timeoutNs === 0) return found;
  const wq = sched.waitQueue();
  const wake = () => void wq.wakeAll();
  const unwatch = files.map((f) => f.watch(wake));
  try {
    const r = await wq.waitEvent(
      () => (found = scan()) !== 0,
      timeoutNs < 0 ? undefined : timeoutNs,
    );
    if (r === -Errno.EINTR) return r;
    return found;
  } finally {
    for (const u of unwatch) u();
  }
}

/**
 * poll(2): fills each entry's `revents` (requested events plus POLLERR/POLLHUP always, POLLNVAL for
 * a closed descriptor; a negative fd is skipped). @returns how many entries have revents, 0 on
 * timeout, -EINVAL (more entries than RLIMIT_NOFILE), -EINTR. Parks the caller unless timeout is 0.
 */
export function poll(
  sched: RkSched,
  fdtab: RkFdtab,
  fds: RkPollFd[],
  timeoutNs: number,
): Promise<number> {
  if (fds.length > fdtab.limit) return Promise.resolve(-Errno.EINVAL);
  const files: RkPosixFile[] = [];
  for (const p of fds) {
    const of = p.fd >= 0 ? fdtab.get(p.fd) : null;
    if (of) files.push(of.file);
  }
  const scan = (): number => {
    let n = 0;
    for (const p of fds) {
      if (p.fd < 0) {
        p.revents = 0;
        continue;
      }
      const of = fdtab.get(p.fd);
      p.revents = of ? withNorm(of.file.poll()) & (p.events | POLLERR | POLLHUP) : POLLNVAL;
      if (p.revents) n++;
    }
    return n;
  };
  return waitReady(sched, files, scan, timeoutNs);
}

/** select(2)'s three sets (null for one not given); on return they hold the ready descriptors. */
export interface RkSelectSets {
  read: Set<number> | null;
  write: Set<number> | null;
  except: Set<number> | null;
}

const SEL_READ = POLLIN | POLLHUP | POLLERR;
const SEL_WRITE = POLLOUT | POLLERR;
const SEL_EXCEPT = POLLPRI;

/**
 * select(2): descriptors below `nfds` in the sets are watched; the sets are replaced by the ready
 * ones. @returns the number of ready (descriptor, set) pairs, 0 on timeout, -EBADF (a descriptor
 * in a set is not open), -EINVAL (nfds negative or over FD_SETSIZE), -EINTR.
 */
export async function select(
  sched: RkSched,
  fdtab: RkFdtab,
  nfds: number,
  sets: RkSelectSets,
  timeoutNs: number,
): Promise<number> {
  if (!Number.isInteger(nfds) || nfds < 0 || nfds > FD_SETSIZE) return -Errno.EINVAL;
  const wanted = (s: Set<number> | null) => (s ? [...s].filter((fd) => fd < nfds) : []);
  const asked = { read: wanted(sets.read), write: wanted(sets.write), except: wanted(sets.except) };
  const files: RkPosixFile[] = [];
  for (const fd of [...asked.read, ...asked.write, ...asked.except]) {
    const of = fdtab.get(fd);
    if (!of) return -Errno.EBADF;
    files.push(of.file);
  }
  const out = { read: new Set<number>(), write: new Set<number>(), except: new Set<number>() };
  const scan = (): number => {
    let n = 0;
    for (const k of ['read', 'write', 'except'] as const) {
      out[k].clear();
      const mask = k === 'read' ? SEL_READ : k === 'write' ? SEL_WRITE : SEL_EXCEPT;
      for (const fd of asked[k]) {
        const of = fdtab.get(fd);
        if (of && of.file.poll() & mask) {
          out[k].add(fd);
          n++;
        }
      }
    }
    return n;
  };
  const r = await waitReady(sched, files, scan, timeoutNs);
  if (r < 0) return r;
  for (const k of ['read', 'write', 'except'] as const) {
    const s = sets[k];
    if (!s) continue;
    s.clear();
    for (const fd of out[k]) s.add(fd);
  }
  return r;
}
