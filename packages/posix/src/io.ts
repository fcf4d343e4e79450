// The descriptor data calls over any descriptor kind: read/write (and their vector and positioned
// forms), lseek, fstat. vfscore files go to vfscore (which keeps offsets and O_APPEND); the other
// kinds are streams: positioned calls and lseek are ESPIPE, and a vector call is one transfer
// through a gathered buffer so a pipe write of at most PIPE_BUF bytes stays atomic.
import { Errno } from '@runikraft/errno';
import { andThen, type RkFsResult, type RkStat } from '@runikraft/vfscore';
import { O_ACCMODE, O_RDONLY, O_WRONLY } from './constants';
import type { RkFdtab, RkOpenFile } from './fdtab';
import { RkPipeEnd } from './pipe';
import { RkPosixVfsFile } from './vfile';

type Num = RkFsResult<number>;

function readable(fdtab: RkFdtab, fd: number): RkOpenFile | number {
  const of = fdtab.get(fd);
  if (!of || (of.flags & O_ACCMODE) === O_WRONLY) return -Errno.EBADF;
  return of;
}
function writable(fdtab: RkFdtab, fd: number): RkOpenFile | number {
  const of = fdtab.get(fd);
  if (!of || (of.flags & O_ACCMODE) === O_RDONLY) return -Errno.EBADF;
  return of;
}
const vfileOf = (of: RkOpenFile): RkPosixVfsFile | null =>
  of.file instanceof RkPosixVfsFile ? of.file : null;

export function read(fdtab: RkFdtab, fd: number, buf: Uint8Array): Num {
  const of = fdtab.get(fd);
  const v = of && vfileOf(of);
  if (v) return v.vfs.read(v.vfd, buf);
  const o = readable(fdtab, fd);
  return typeof o === 'number' ? o : o.file.read(buf, o.flags);
}

export function write(fdtab: RkFdtab, fd: number, buf: Uint8Array): Num {
  const of = fdtab.get(fd);
  const v = of && vfileOf(of);
  if (v) return v.vfs.write(v.vfd, buf);
  const o = writable(fdtab, fd);
  return typeof o === 'number' ? o : o.file.write(buf, o.flags);
}

const total = (bufs: readonly Uint8Array[]) => bufs.reduce((n, b) => n + b.length, 0);

export function readv(fdtab: RkFdtab, fd: number, bufs: readonly Uint8Array[]): Num {
  const of = fdtab.get(fd);
  const v = of && vfileOf(of);
  if (v) return v.vfs.readv(v.vfd, bufs);
  const o = readable(fdtab, fd);
  if (typeof o === 'number') return o;
  if (bufs.length === 1) return o.file.read(bufs[0]!, o.flags);
  const tmp = new Uint8Array(total(bufs));
  return andThen(o.file.read(tmp, o.flags), (n) => {
    let at = 0;
    for (const b of bufs) {
      if (at >= n) break;
      const k = Math.min(b.length, n - at);
      b.set(tmp.subarray(at, at + k));
      at += k;
    }
    return n;
  });
}

export function writev(fdtab: RkFdtab, fd: number, bufs: readonly Uint8Array[]): Num {
  const of = fdtab.get(fd);
  const v = of && vfileOf(of);
  if (v) return v.vfs.writev(v.vfd, bufs);
  const o = writable(fdtab, fd);
  if (typeof o === 'number') return o;
  if (bufs.length === 1) return o.file.write(bufs[0]!, o.flags);
  const tmp = new Uint8Array(total(bufs));
  let at = 0;
  for (const b of bufs) {
    tmp.set(b, at);
    at += b.length;
  }
  return o.file.write(tmp, o.flags);
}

/** The vfscore file at `fd`: -EBADF when closed, -ESPIPE for a stream (pipe, socket, ...). */
export function seekable(fdtab: RkFdtab, fd: number): RkPosixVfsFile | number {
  const of = fdtab.get(fd);
  if (!of) return -Errno.EBADF;
  return vfileOf(of) ?? -Errno.ESPIPE;
}

export function pread(fdtab: RkFdtab, fd: number, buf: Uint8Array, off: number): Num {
  const v = seekable(fdtab, fd);
  return typeof v === 'number' ? v : v.vfs.pread(v.vfd, buf, off);
}
export function pwrite(fdtab: RkFdtab, fd: number, buf: Uint8Array, off: number): Num {
  const v = seekable(fdtab, fd);
  return typeof v === 'number' ? v : v.vfs.pwrite(v.vfd, buf, off);
}
export function lseek(fdtab: RkFdtab, fd: number, off: number, whence: number): Num {
  const v = seekable(fdtab, fd);
  return typeof v === 'number' ? v : v.vfs.lseek(v.vfd, off, whence);
}

const inodes = new WeakMap<object, number>();
let nextIno = 1;
const EPOCH = { sec: 0, nsec: 0 };

/**
 * fstat(2): vfscore's for its files; pipes, sockets, eventfds and epolls get an anon-inode stat
 * (both ends of a pipe one inode, as Linux's pipefs).
 */
export function fstat(fdtab: RkFdtab, fd: number): RkFsResult<RkStat | number> {
  const of = fdtab.get(fd);
  if (!of) return -Errno.EBADF;
  const v = vfileOf(of);
  if (v) return v.vfs.fstat(v.vfd);
  const key = of.file instanceof RkPipeEnd ? of.file.pipe : of.file;
  let ino = inodes.get(key);
  if (ino === undefined) inodes.set(key, (ino = nextIno++));
  return {
    dev: 0,
    ino,
    mode: of.file.type | 0o600,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blksize: 4096,
    blocks: 0,
    atime: EPOCH,
    mtime: EPOCH,
    ctime: EPOCH,
  };
}
