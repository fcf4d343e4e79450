// Data calls on open files (Linux fs/read_write.c, fs/open.c, fs/sync.c): read/write and their
// positional and vectored forms, lseek (past EOF, SEEK_DATA/SEEK_HOLE), ftruncate, fsync.
import { Errno } from '@runikraft/errno';
import {
  O_ACCMODE,
  O_APPEND,
  O_RDONLY,
  O_WRONLY,
  S_IFDIR,
  S_IFREG,
  SEEK_CUR,
  SEEK_DATA,
  SEEK_END,
  SEEK_HOLE,
  SEEK_SET,
} from './constants';
import { newAttr, type RkVfsState } from './core';
import type { RkFsResult } from './driver';
import type { RkFile } from './file';

const MAX_OFF = Number.MAX_SAFE_INTEGER;

function readable(st: RkVfsState, fd: number): RkFile | number {
  const f = st.fds.get(fd);
  if (!f?.handle || (f.flags & O_ACCMODE) === O_WRONLY) return -Errno.EBADF;
  if (f.dentry.type === S_IFDIR) return -Errno.EISDIR;
  return f;
}

function writable(st: RkVfsState, fd: number): RkFile | number {
  const f = st.fds.get(fd);
  if (!f?.handle || (f.flags & O_ACCMODE) === O_RDONLY) return -Errno.EBADF;
  return f;
}

/**
 * `f(r)` now when the driver answered synchronously, else when its Promise settles: a call a driver
 * completes without waiting (ramfs, devfs) stays synchronous end to end, so a libc layer can return
 * to the program without suspending it.
 */
export function andThen<T, U>(r: RkFsResult<T>, f: (v: T) => RkFsResult<U>): RkFsResult<U> {
  return r instanceof Promise ? r.then(f) : f(r);
}

export function sizeOf(f: RkFile): RkFsResult<number> {
  const a = newAttr();
  return andThen(f.dentry.mount.fs.getattr(f.dentry.node, a), (r) => (r < 0 ? r : a.size));
}

function readAt(f: RkFile, buf: Uint8Array, off: number): RkFsResult<number> {
  // A zero-length read moves nothing on any file type (Linux returns 0 without asking the device).
  if (buf.length === 0) return 0;
  return f.dentry.mount.fs.read(f.handle!, buf, off);
}

function writeAt(f: RkFile, buf: Uint8Array, off: number): RkFsResult<number> {
  if (buf.length === 0) return 0;
  if (off + buf.length > MAX_OFF) return -Errno.EFBIG;
  return f.dentry.mount.fs.write(f.handle!, buf, off);
}

export function read(st: RkVfsState, fd: number, buf: Uint8Array): RkFsResult<number> {
  const f = readable(st, fd);
  if (typeof f === 'number') return f;
  // No closure when the driver answers at once (a cached read: stdio's 1 KiB reads of a script).
  const r = readAt(f, buf, f.pos);
  if (typeof r === 'number') return advance(f, r);
  return r.then((n) => advance(f, n));
}

/** Moves the offset past what a read or write moved; -errno leaves it. */
function advance(f: RkFile, r: number): number {
  if (r > 0) f.pos += r;
  return r;
}

export function write(st: RkVfsState, fd: number, buf: Uint8Array): RkFsResult<number> {
  const f = writable(st, fd);
  if (typeof f === 'number') return f;
  if (f.flags & O_APPEND) return andThen(sizeOf(f), (end) => writeFrom(f, buf, end));
  return writeFrom(f, buf, f.pos);
}

/** write(2) at `off` (or -errno from finding the end), the offset then just past the data. */
function writeFrom(f: RkFile, buf: Uint8Array, off: number): RkFsResult<number> {
  if (off < 0) return off;
  const r = writeAt(f, buf, off);
  if (typeof r === 'number') return placed(f, off, r);
  return r.then((n) => placed(f, off, n));
}
function placed(f: RkFile, off: number, r: number): number {
  if (r > 0) f.pos = off + r;
  return r;
}

export function pread(
  st: RkVfsState,
  fd: number,
  buf: Uint8Array,
  off: number,
): RkFsResult<number> {
  const f = readable(st, fd);
  if (typeof f === 'number') return f;
  if (off < 0) return -Errno.EINVAL;
  return readAt(f, buf, off);
}

/** pwrite(2); with O_APPEND the data goes to the end whatever `off` says (Linux's documented bug). */
export function pwrite(
  st: RkVfsState,
  fd: number,
  buf: Uint8Array,
  off: number,
): RkFsResult<number> {
  const f = writable(st, fd);
  if (typeof f === 'number') return f;
  if (off < 0) return -Errno.EINVAL;
  if (!(f.flags & O_APPEND)) return writeAt(f, buf, off);
  return andThen(sizeOf(f), (end) => (end < 0 ? end : writeAt(f, buf, end)));
}

/** readv(2): fills the buffers in order, stopping at a short read. */
export function readv(st: RkVfsState, fd: number, bufs: readonly Uint8Array[]): RkFsResult<number> {
  return eachBuffer(bufs, (b) => read(st, fd, b));
}

/** writev(2): writes the buffers in order (O_APPEND once per buffer), stopping at a short write. */
export function writev(
  st: RkVfsState,
  fd: number,
  bufs: readonly Uint8Array[],
): RkFsResult<number> {
  return eachBuffer(bufs, (b) => write(st, fd, b));
}

/**
 * The vector loop of readv/writev: bytes moved, or -errno when the first buffer already failed.
 * Synchronous while the driver is; from the first buffer it waits on, the rest continues async.
 */
function eachBuffer(
  bufs: readonly Uint8Array[],
  io: (b: Uint8Array) => RkFsResult<number>,
): RkFsResult<number> {
  let total = 0;
  for (let i = 0; i < bufs.length; i++) {
    const r = io(bufs[i]!);
    if (r instanceof Promise) return r.then((n) => eachBufferFrom(bufs, io, i, total, n));
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < bufs[i]!.length) break;
  }
  return total;
}

async function eachBufferFrom(
  bufs: readonly Uint8Array[],
  io: (b: Uint8Array) => RkFsResult<number>,
  i: number,
  total: number,
  r: number,
): Promise<number> {
  for (;;) {
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < bufs[i]!.length || ++i >= bufs.length) return total;
    r = await io(bufs[i]!);
  }
}

/** lseek(2). Directories take SEEK_SET/SEEK_CUR on the driver's cookie. @returns the new offset or -errno. */
export function lseek(st: RkVfsState, fd: number, off: number, whence: number): RkFsResult<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  if (f.dentry.type === S_IFDIR) {
    if (whence === SEEK_SET) return seekTo(f, off);
    if (whence === SEEK_CUR) return seekTo(f, f.pos + off);
    return -Errno.EINVAL;
  }
  if (whence === SEEK_SET) return seekTo(f, off);
  if (whence === SEEK_CUR) return seekTo(f, f.pos + off);
  if (whence !== SEEK_END && whence !== SEEK_DATA && whence !== SEEK_HOLE) return -Errno.EINVAL;
  return andThen(sizeOf(f), (size) => {
    if (size < 0) return size;
    if (whence === SEEK_END) return seekTo(f, size + off);
    if (off < 0 || off >= size) return -Errno.ENXIO;
    // Without a driver hook every byte is data and the only hole is the one at EOF.
    return seekTo(f, whence === SEEK_DATA ? off : size);
  });
}

function seekTo(f: RkFile, pos: number): number {
  if (pos < 0 || !Number.isFinite(pos)) return -Errno.EINVAL;
  if (pos > MAX_OFF) return -Errno.EOVERFLOW;
  f.pos = pos;
  return pos;
}

/**
 * ftruncate(2): only a regular file open for writing (else EINVAL, as Linux). Synchronous when the
 * driver's setattr is.
 */
export function ftruncate(st: RkVfsState, fd: number, len: number): RkFsResult<number> {
  if (len < 0) return -Errno.EINVAL;
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  if (f.dentry.type !== S_IFREG || (f.flags & O_ACCMODE) === O_RDONLY) return -Errno.EINVAL;
  if (len > MAX_OFF) return -Errno.EFBIG;
  return f.dentry.mount.fs.setattr(f.dentry.node, { size: len });
}

/** fsync(2)/fdatasync(2). */
export function fsync(st: RkVfsState, fd: number, datasync: boolean): RkFsResult<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  return f.dentry.mount.fs.fsync(f.handle, datasync);
}
