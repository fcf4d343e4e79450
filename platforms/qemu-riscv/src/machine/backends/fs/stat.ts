// Host stat results as 9P values: attributes (with mapped-file overlays), qids (QEMU stat_to_qid:
// path = inode, version = mtime ^ size<<8 in 32 bits) and Linux DT_* types.
import type { BigIntStats } from 'node:fs';
import { QID_TYPE_DIR, QID_TYPE_SYMLINK, type Qid } from './wire';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** What Rgetattr reports of a file; mapped-file metadata overrides uid, gid, mode and rdev. */
export interface Attr {
  ino: bigint;
  mode: number;
  uid: number;
  gid: number;
  nlink: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function attrOf(st: BigIntStats): Attr {
  return {
    ino: st.ino,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    nlink: st.nlink,
    rdev: st.rdev,
    size: st.size,
    blksize: st.blksize,
    blocks: st.blocks,
    atimeNs: st.atimeNs,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
  };
}

export const isDir = (a: Attr): boolean => (a.mode & S_IFMT) === S_IFDIR;
export const isLink = (a: Attr): boolean => (a.mode & S_IFMT) === S_IFLNK;
export const isReg = (a: Attr): boolean => (a.mode & S_IFMT) === S_IFREG;

export function qidOf(a: Attr): Qid {
  const mtime = a.mtimeNs / 1_000_000_000n;
  const version = Number(BigInt.asUintN(32, mtime ^ (a.size << 8n)));
  const type = isDir(a) ? QID_TYPE_DIR : isLink(a) ? QID_TYPE_SYMLINK : 0;
  return { type, version, path: a.ino };
}

/** Linux DT_* for a file type in st_mode. */
export const dtypeOfMode = (mode: number): number => (mode >> 12) & 0xf;

/** Seconds and nanoseconds of a bigint ns timestamp. */
export function splitNs(ns: bigint): [bigint, bigint] {
  const s = ns / 1_000_000_000n;
  return [s, ns - s * 1_000_000_000n];
}
