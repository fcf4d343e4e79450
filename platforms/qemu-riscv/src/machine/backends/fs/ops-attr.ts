// Attributes and advisory requests: Tgetattr, Tsetattr, Tstatfs, Txattrwalk, Txattrcreate,
// Tlock, Tgetlock.
import { spawnSync } from 'node:child_process';
import {
  constants as C,
  closeSync,
  fchmodSync,
  fchownSync,
  ftruncateSync,
  futimesSync,
  lchownSync,
  lutimesSync,
  openSync,
  statfsSync,
} from 'node:fs';
import { E, p9err } from './errno';
import type { Fid, Handler, P9Server } from './server';
import { isReg, qidOf, splitNs } from './stat';
import { P9 } from './wire';

/** Rgetattr valid bits this server fills (P9_STATS_BASIC; btime, gen and data_version stay 0, as QEMU). */
const P9_STATS_BASIC = 0x7ff;

const getattr: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  r.u64big('request_mask');
  r.end();
  const a = s.fidAttr(s.fid(fidNo, E.ENOENT));
  w.u64(P9_STATS_BASIC).qid(qidOf(a));
  w.u32(a.mode).u32(a.uid).u32(a.gid).u64(a.nlink).u64(a.rdev).u64(a.size);
  w.u64(s.iounit(Number(a.blksize))).u64(a.blocks);
  for (const t of [a.atimeNs, a.mtimeNs, a.ctimeNs]) {
    const [sec, ns] = splitNs(t);
    w.u64(sec).u64(ns);
  }
  w.u64(0).u64(0).u64(0).u64(0); // btime, gen, data_version
};

/** P9_ATTR_* bits of Tsetattr `valid`. */
const SET = {
  MODE: 1,
  UID: 2,
  GID: 4,
  SIZE: 8,
  ATIME: 16,
  MTIME: 32,
  ATIME_SET: 128,
  MTIME_SET: 256,
} as const;

const setattr: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  const valid = r.u32('valid');
  const mode = r.u32('mode');
  const uid = r.u32('uid');
  const gid = r.u32('gid');
  const size = r.u64big('size');
  const atime = [r.u64big('atime_sec'), r.u64big('atime_nsec')] as const;
  const mtime = [r.u64big('mtime_sec'), r.u64big('mtime_nsec')] as const;
  r.end();
  const f = s.fid(fidNo);
  s.writable();
  const { path } = f;
  // An open file is changed through its fd, as QEMU does: it may have been unlinked since.
  const open = f.file?.fd;
  if (f.file) s.root.checkOpen(f.file);
  if (valid & SET.MODE) {
    if (s.mapped) {
      const cur = s.fidAttr(f).mode & 0o170000;
      s.mapped.write(path, { mode: cur | (mode & 0o7777) });
    } else if (open !== undefined) fchmodSync(open, mode & 0o7777);
    else s.root.at(path, (p) => s.chmodNoFollow(p, mode & 0o7777));
  }
  if (valid & (SET.ATIME | SET.MTIME)) setTimes(s, f, valid, atime, mtime);
  if (valid & (SET.UID | SET.GID)) {
    const u = valid & SET.UID ? uid : undefined;
    const g = valid & SET.GID ? gid : undefined;
    if (s.mapped) s.mapped.write(path, { uid: u, gid: g });
    else if (open !== undefined) fchownSync(open, u ?? -1, g ?? -1);
    else s.root.at(path, (p) => lchownSync(p, u ?? -1, g ?? -1));
  }
  if (valid & SET.SIZE) {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw p9err(E.EFBIG, `size ${size}`);
    if (!isReg(s.fidAttr(f))) throw p9err(E.EINVAL, 'only regular files have a size to set');
    if (open !== undefined && (f.file!.flags & 3) /* O_ACCMODE */ !== C.O_RDONLY) {
      ftruncateSync(open, Number(size));
      return;
    }
    const fd = s.root.at(path, (p) => openSync(p, C.O_WRONLY | C.O_NOFOLLOW | C.O_NONBLOCK));
    try {
      ftruncateSync(fd, Number(size));
    } finally {
      closeSync(fd);
    }
  }
};

/**
 * Times as utimensat would set them: *_SET takes the guest's value, ATIME/MTIME alone means now,
 * an absent one keeps its value. (Node's lutimes takes seconds as a double: sub-µs digits are lost.)
 */
function setTimes(
  s: P9Server,
  f: Fid,
  valid: number,
  atime: readonly [bigint, bigint],
  mtime: readonly [bigint, bigint],
): void {
  // the current times only when one of them is kept (utimes(2) of "now" sets both)
  const cur = (valid & SET.ATIME) === 0 || (valid & SET.MTIME) === 0 ? s.fidAttr(f) : null;
  const now = Date.now() / 1000;
  const pick = (bit: number, setBit: number, t: readonly [bigint, bigint], keep?: bigint) => {
    if (valid & setBit) {
      if (t[1] >= 1_000_000_000n) throw p9err(E.EINVAL, `nanoseconds ${t[1]} ≥ 10^9`);
      return Number(t[0]) + Number(t[1]) / 1e9;
    }
    return valid & bit ? now : Number(keep) / 1e9;
  };
  const at = pick(SET.ATIME, SET.ATIME_SET, atime, cur?.atimeNs);
  const mt = pick(SET.MTIME, SET.MTIME_SET, mtime, cur?.mtimeNs);
  if (f.file) futimesSync(f.file.fd, at, mt);
  else s.root.at(f.path, (p) => lutimesSync(p, at, mt));
}

/** fsid and namelen are not in Node's statfs: read them once with stat(1) -f. */
function fsExtra(root: string): { fsid: bigint; namelen: number } {
  const out = spawnSync('stat', ['-f', '-c', '%i %l', root], { encoding: 'utf8' });
  const m = /^([0-9a-f]+) (\d+)/.exec(out.stdout ?? '');
  return m ? { fsid: BigInt(`0x${m[1]}`), namelen: Number(m[2]) } : { fsid: 0n, namelen: 255 };
}
const extras = new WeakMap<P9Server, { fsid: bigint; namelen: number }>();

const statfs: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  const st = s.root.at(f.path, (p) => statfsSync(p, { bigint: true }));
  let x = extras.get(s);
  if (!x) extras.set(s, (x = fsExtra(s.root.realRoot)));
  w.u32(Number(st.type)).u32(Number(st.bsize)).u64(st.blocks).u64(st.bfree).u64(st.bavail);
  w.u64(st.files).u64(st.ffree).u64(x.fsid).u32(x.namelen);
};

const xattrwalk: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  r.u32('newfid');
  r.str('name');
  r.end();
  s.fid(fidNo);
  // Node has no xattr calls: Linux's client takes EOPNOTSUPP as "no extended attributes".
  throw p9err(E.EOPNOTSUPP, 'extended attributes are not supported');
};

const xattrcreate: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  r.str('name');
  r.u64big('attr_size');
  r.u32('flags');
  r.end();
  s.fid(fidNo);
  s.writable();
  throw p9err(E.EOPNOTSUPP, 'extended attributes are not supported');
};

/** P9_LOCK_SUCCESS / P9_LOCK_TYPE_UNLCK: QEMU grants every lock and reports none held. */
const LOCK_SUCCESS = 0;
const LOCK_TYPE_UNLCK = 2;

const lock: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const type = r.u8('type');
  r.u32('flags');
  r.u64big('start');
  r.u64big('length');
  r.u32('proc_id');
  r.str('client_id');
  r.end();
  if (type > 2) throw p9err(E.EINVAL, `lock type ${type}`);
  s.fidAttr(s.fid(fidNo, E.ENOENT));
  w.u8(LOCK_SUCCESS);
};

const getlock: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const type = r.u8('type');
  const start = r.u64big('start');
  const length = r.u64big('length');
  const proc = r.u32('proc_id');
  const client = r.str('client_id');
  r.end();
  if (type > 2) throw p9err(E.EINVAL, `lock type ${type}`);
  s.fidAttr(s.fid(fidNo, E.ENOENT));
  w.u8(LOCK_TYPE_UNLCK).u64(start).u64(length).u32(proc).str(client);
};

export const attrOps: Record<number, Handler> = {
  [P9.Tgetattr]: getattr,
  [P9.Tsetattr]: setattr,
  [P9.Tstatfs]: statfs,
  [P9.Txattrwalk]: xattrwalk,
  [P9.Txattrcreate]: xattrcreate,
  [P9.Tlock]: lock,
  [P9.Tgetlock]: getlock,
};
