// vfscore files (regular files, directories, devices incl. the console) as descriptor objects: each
// holds one vfscore descriptor of its own (the description vfscore keeps the offset in), so dup'ed
// POSIX descriptors share the offset as Linux's do. A regular file or directory is always ready
// (Linux: poll on them reports IN|OUT); a device whose driver reports readiness (vfscore's
// pollFd/watchFd: the console) reports it, others are always ready too.
import type { RkVfs } from '@runikraft/vfscore';
import type { RkPosixFile, RkPosixWatcher } from './api';
import { F_SETFL, O_APPEND, O_NONBLOCK, POLLIN, POLLOUT } from './constants';

const NO_UNWATCH = (): void => {};

export class RkPosixVfsFile implements RkPosixFile {
  readonly kind = 'file';

  constructor(
    readonly vfs: RkVfs,
    /** The vfscore descriptor this file owns (closed on release). */
    readonly vfd: number,
    /** st_mode & S_IFMT. */
    readonly type: number,
  ) {}

  read(buf: Uint8Array): number | Promise<number> {
    return this.vfs.read(this.vfd, buf);
  }
  write(buf: Uint8Array): number | Promise<number> {
    return this.vfs.write(this.vfd, buf);
  }
  poll(): number {
    const r = this.vfs.pollFd?.(this.vfd);
    return r ?? POLLIN | POLLOUT;
  }
  watch(w: RkPosixWatcher): () => void {
    return this.vfs.watchFd?.(this.vfd, w) ?? NO_UNWATCH;
  }
  /** vfscore applies O_APPEND and O_NONBLOCK itself: keep its description's flags in step. */
  setFlags(flags: number): void {
    this.vfs.fcntl(this.vfd, F_SETFL, flags & (O_APPEND | O_NONBLOCK));
  }
  release(): number | Promise<number> {
    return this.vfs.close(this.vfd);
  }
}
