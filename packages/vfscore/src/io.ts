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

export async function sizeOf(f: RkFile): Promise<number> {
  const a = newAttr();
  let r = f.dentry.mount.fs.getattr(f.dentry.node, a);
  if (r instanceof Promise) r = await r;
  return r < 0 ? r : a.size;
}

async function readAt(f: RkFile, buf: Uint8Array, off: number): Promise<number> {
  let r = f.dentry.mount.fs.read(f.handle!, buf, off);
  if (r instanceof Promise) r = await r;
  return r;
}

async function writeAt(f: RkFile, buf: Uint8Array, off: number): Promise<number> {
  if (buf.length === 0) return 0;
  if (off + buf.length > MAX_OFF) return -Errno.EFBIG;
  let r = f.dentry.mount.fs.write(f.handle!, buf, off);
  if (r instanceof Promise) r = await r;
  return r;
}

export async function read(st: RkVfsState, fd: number, buf: Uint8Array): Promise<number> {
  const f = readable(st, fd);
  if (typeof f === 'number') return f;
  const r = await readAt(f, buf, f.pos);
  if (r > 0) f.pos += r;
  return r;
}

export async function write(st: RkVfsState, fd: number, buf: Uint8Array): Promise<number> {
  const f = writable(st, fd);
  if (typeof f === 'number') return f;
  let off = f.pos;
  if (f.flags & O_APPEND) {
    off = await sizeOf(f);
    if (off < 0) return off;
  }
  const r = await writeAt(f, buf, off);
  if (r > 0) f.pos = off + r;
  return r;
}

export async function pread(
  st: RkVfsState,
  fd: number,
  buf: Uint8Array,
  off: number,
): Promise<number> {
  const f = readable(st, fd);
  if (typeof f === 'number') return f;
  if (off < 0) return -Errno.EINVAL;
  return readAt(f, buf, off);
}

/** pwrite(2); with O_APPEND the data goes to the end whatever `off` says (Linux's documented bug). */
export async function pwrite(
  st: RkVfsState,
  fd: number,
  buf: Uint8Array,
  off: number,
): Promise<number> {
  const f = writable(st, fd);
  if (typeof f === 'number') return f;
  if (off < 0) return -Errno.EINVAL;
  if (f.flags & O_APPEND) {
    off = await sizeOf(f);
    if (off < 0) return off;
  }
  return writeAt(f, buf, off);
}

/** readv(2): fills the buffers in order, stopping at a short read. */
export function readv(st: RkVfsState, fd: number, bufs: readonly Uint8Array[]): Promise<number> {
  return eachBuffer(bufs, (b) => read(st, fd, b));
}

/** writev(2): writes the buffers in order (O_APPEND once per buffer), stopping at a short write. */
export function writev(st: RkVfsState, fd: number, bufs: readonly Uint8Array[]): Promise<number> {
  return eachBuffer(bufs, (b) => write(st, fd, b));
}

/** The vector loop of readv/writev: bytes moved, or -errno when the first buffer already failed. */
async function eachBuffer(
  bufs: readonly Uint8Array[],
  io: (b: Uint8Array) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (const b of bufs) {
    const r = await io(b);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < b.length) break;
  }
  return total;
}

/** lseek(2). Directories take SEEK_SET/SEEK_CUR on the driver's cookie. @returns the new offset or -errno. */
export async function lseek(
  st: RkVfsState,
  fd: number,
  off: number,
  whence: number,
): Promise<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  let pos: number;
  if (f.dentry.type === S_IFDIR) {
    if (whence === SEEK_SET) pos = off;
    else if (whence === SEEK_CUR) pos = f.pos + off;
    else return -Errno.EINVAL;
  } else if (whence === SEEK_SET) pos = off;
  else if (whence === SEEK_CUR) pos = f.pos + off;
  else if (whence === SEEK_END || whence === SEEK_DATA || whence === SEEK_HOLE) {
    const size = await sizeOf(f);
    if (size < 0) return size;
    if (whence === SEEK_END) pos = size + off;
    else if (off < 0 || off >= size) return -Errno.ENXIO;
    // Without a driver hook every byte is data and the only hole is the one at EOF.
    else pos = whence === SEEK_DATA ? off : size;
  } else return -Errno.EINVAL;
  if (pos < 0 || !Number.isFinite(pos)) return -Errno.EINVAL;
  if (pos > MAX_OFF) return -Errno.EOVERFLOW;
  f.pos = pos;
  return pos;
}

/** ftruncate(2): only a regular file open for writing (else EINVAL, as Linux). */
export async function ftruncate(st: RkVfsState, fd: number, len: number): Promise<number> {
  if (len < 0) return -Errno.EINVAL;
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  if (f.dentry.type !== S_IFREG || (f.flags & O_ACCMODE) === O_RDONLY) return -Errno.EINVAL;
  if (len > MAX_OFF) return -Errno.EFBIG;
  const r = f.dentry.mount.fs.setattr(f.dentry.node, { size: len });
  return r instanceof Promise ? await r : r;
}

/** fsync(2)/fdatasync(2). */
export async function fsync(st: RkVfsState, fd: number, datasync: boolean): Promise<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  const r = f.dentry.mount.fs.fsync(f.handle, datasync);
  return r instanceof Promise ? await r : r;
}
