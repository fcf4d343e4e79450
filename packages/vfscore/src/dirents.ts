// Directory reading: getdents64 (struct linux_dirent64 in a caller's buffer) and a readdir loop.
// A directory's file offset is the driver's cookie, so lseek/telldir positions are d_off values.
import { Errno } from '@runikraft/errno';
import type { RkDirent } from './api';
import { S_IFDIR } from './constants';
import type { RkVfsState } from './core';
import type { RkFsResult } from './driver';
import type { RkFile } from './file';
import { andThen } from './io';

// created on first use: the guest's TextEncoder exists only once rkboot has installed it
let encoder: InstanceType<typeof TextEncoder> | undefined;
/** d_ino, d_off (8 each), d_reclen (2), d_type (1), then the name and its NUL, padded to 8. */
const HEADER = 19;

function dirFile(st: RkVfsState, fd: number): RkFile | number {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  if (f.dentry.type !== S_IFDIR) return -Errno.ENOTDIR;
  return f;
}

/**
 * getdents64(2): synchronous when the driver's readdir is. @returns bytes filled, 0 at the end,
 * -EINVAL when not even one entry fits.
 */
export function getdents64(st: RkVfsState, fd: number, buf: Uint8Array): RkFsResult<number> {
  const f = dirFile(st, fd);
  if (typeof f === 'number') return f;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let used = 0;
  let full = false;
  const r = f.dentry.mount.fs.readdir(f.handle!, f.pos, (name, ino, dtype, next) => {
    const bytes = (encoder ??= new TextEncoder()).encode(name);
    const reclen = (HEADER + bytes.length + 1 + 7) & ~7;
    if (used + reclen > buf.length) {
      full = true;
      return false;
    }
    view.setUint32(used, ino >>> 0, true);
    view.setUint32(used + 4, Math.floor(ino / 2 ** 32), true);
    view.setUint32(used + 8, next >>> 0, true);
    view.setUint32(used + 12, Math.floor(next / 2 ** 32), true);
    view.setUint16(used + 16, reclen, true);
    view.setUint8(used + 18, dtype);
    buf.set(bytes, used + HEADER);
    buf.fill(0, used + HEADER + bytes.length, used + reclen);
    used += reclen;
    f.pos = next;
    return true;
  });
  return andThen(r, (n) => (n < 0 ? n : used === 0 && full ? -Errno.EINVAL : used));
}

/**
 * Every entry from the directory's position to its end (what a readdir(3) loop sees); synchronous
 * when the driver's readdir is.
 */
export function readdirAll(st: RkVfsState, fd: number): RkFsResult<RkDirent[] | number> {
  const f = dirFile(st, fd);
  if (typeof f === 'number') return f;
  const out: RkDirent[] = [];
  const r = f.dentry.mount.fs.readdir(f.handle!, f.pos, (name, ino, type, off) => {
    out.push({ ino, off, type, name });
    f.pos = off;
    return true;
  });
  return andThen(r, (n) => (n < 0 ? n : out));
}
