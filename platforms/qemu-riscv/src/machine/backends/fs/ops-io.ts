// Open files and their data: Tlopen, Tlcreate, Tread, Twrite, Treaddir, Tfsync.
import {
  constants as C,
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  opendirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { E, p9err } from './errno';
import { MAPPED_FILE_MODE } from './mapped';
import { checkNewName, METADATA_DIR, METADATA_ROOT } from './names';
import { type DirEntry, type Fid, type Handler, P9ReplyTooBig, type P9Server } from './server';
import {
  attrOf,
  dtypeOfMode,
  isDir,
  isLink,
  qidOf,
  S_IFBLK,
  S_IFCHR,
  S_IFMT,
  S_IFREG,
} from './stat';
import { P9, P9_IOHDRSZ, strLen } from './wire';

/** Linux P9_DOTL_* open flags (include/net/9p/9p.h) and the host flags they stand for. */
const DOTL: [number, number][] = [
  [0o1000, C.O_TRUNC],
  [0o2000, C.O_APPEND],
  [0o200, C.O_EXCL],
  [0o10000, C.O_DSYNC],
  [0o4000000, C.O_SYNC],
  [0o200000, C.O_DIRECTORY],
  [0o1000000, C.O_NOATIME ?? 0],
];

/**
 * Host open(2) flags for 9P2000.L `flags` (QEMU get_dotl_openflags: O_CREAT, O_NOCTTY, O_ASYNC and
 * O_DIRECT dropped). Always O_NOFOLLOW (confinement) and O_NONBLOCK (a FIFO must not stall the
 * machine: the server is synchronous).
 */
export function hostOpenFlags(flags: number): number {
  let f = flags & 3;
  if (f === 3) throw p9err(E.EINVAL, 'access mode 3');
  for (const [dotl, host] of DOTL) if (flags & dotl) f |= host;
  return f | C.O_NOFOLLOW | C.O_NONBLOCK;
}

const writes = (host: number) => (host & 3) !== C.O_RDONLY || (host & C.O_TRUNC) !== 0;

/**
 * Opens a regular file (or FIFO/socket) at `path`; host device nodes are never opened for the
 * guest. @returns the fd and its attributes as opened.
 */
function openFile(s: P9Server, path: string[], host: number, mode?: number) {
  const fd = s.root.at(path, (p) => openSync(p, host, mode));
  const a = attrOf(fstatSync(fd, { bigint: true }));
  const type = a.mode & S_IFMT;
  if (type === S_IFCHR || type === S_IFBLK) {
    closeSync(fd);
    throw p9err(E.EACCES, 'host device nodes are not opened through the share');
  }
  return { fd, a };
}

const lopen: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const flags = r.u32('flags');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  if (f.file || f.dir) throw p9err(E.EINVAL, `fid ${fidNo} is already open`);
  const a = s.lstat(f.path);
  if (isDir(a)) {
    const fd = s.root.at(f.path, (p) => openSync(p, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW));
    f.dir = { fd, insideAt: s.root.now(), entries: null };
    w.qid(qidOf(a)).u32(0);
    return;
  }
  // A symlink is never opened (mapped-file keeps it as a regular host file: same answer).
  if (isLink(a)) throw p9err(E.ELOOP, 'Tlopen on a symlink');
  const host = hostOpenFlags(flags);
  if (writes(host)) s.writable();
  f.file = { fd: openFile(s, f.path, host).fd, insideAt: s.root.now(), flags: host };
  w.qid(qidOf(a)).u32(s.iounit(s.fsBlockSize));
};

const lcreate: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const name = r.str('name');
  const flags = r.u32('flags');
  const mode = r.u32('mode');
  const gid = r.u32('gid');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  s.writable();
  checkNewName(s, name);
  if (f.file || f.dir) throw p9err(E.EINVAL, `fid ${fidNo} is open`);
  const path = [...f.path, name];
  const hostMode = s.mapped ? MAPPED_FILE_MODE : mode & 0o7777;
  const host = hostOpenFlags(flags);
  const { fd, a } = openFile(s, path, host | C.O_CREAT, hostMode);
  try {
    s.setCred(path, { uid: f.uid, gid, mode: (mode & 0o7777) | S_IFREG }, a, fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  f.path = path;
  f.file = { fd, insideAt: s.root.now(), flags: host };
  // chown and chmod change neither ino, mtime nor size: the qid is the file's as opened (mapped-file
  // overlays only uid, gid, mode and rdev)
  w.qid(qidOf(a)).u32(s.iounit(s.fsBlockSize));
};

const read: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const offset = r.u64('offset');
  let count = r.u32('count');
  r.end();
  const f = s.fid(fidNo);
  // QEMU: reading a directory is 9P2000.u's readdir, not supported in 9P2000.L.
  if (f.dir) throw p9err(E.EOPNOTSUPP, 'Tread on a directory: use Treaddir');
  if (!f.file) throw p9err(E.EINVAL, `fid ${fidNo} is not an open file`);
  // QEMU clamps a count that cannot fit msize (a "bad client"); Linux never sends one. A count
  // the transport's buffer cannot take is QEMU 7.2's "VirtFS reply needs N bytes" driver bug.
  count = Math.min(count, s.msize - P9_IOHDRSZ);
  if (11 + count > s.room) throw new P9ReplyTooBig(11 + count);
  s.root.checkOpen(f.file);
  const at = w.off;
  w.u32(0);
  const n = readSync(f.file.fd, w.buf, w.off, count, offset);
  w.off += n;
  w.patchU32(at, n);
};

const write: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const offset = r.u64('offset');
  const count = r.u32('count');
  const data = r.bytes(count, 'data');
  r.end();
  const f = s.fid(fidNo);
  s.writable();
  if (!f.file) throw p9err(E.EINVAL, `fid ${fidNo} is not an open file`);
  s.root.checkOpen(f.file);
  w.u32(writeSync(f.file.fd, data, 0, count, offset));
};

/** The listing of an open directory: `.`, `..` (the root's own at the root), then host order. */
function listDir(s: P9Server, f: Fid, fd: number): DirEntry[] {
  const dp = `/proc/self/fd/${fd}`;
  const self = fstatSync(fd, { bigint: true }).ino;
  const up = f.path.length === 0 ? self : lstatSync(`${dp}/..`, { bigint: true }).ino;
  const out: DirEntry[] = [
    { name: '.', ino: self, dtype: 4 },
    { name: '..', ino: up, dtype: 4 },
  ];
  // Names as bytes (Node supports it; its types do not): a non-UTF-8 host name is skipped, not mangled.
  const dir = opendirSync(dp, { encoding: 'buffer' as BufferEncoding });
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let e = dir.readSync(); e; e = dir.readSync()) {
      let name: string;
      try {
        name = utf8.decode(e.name as unknown as Uint8Array);
      } catch {
        s.trace(`9p: readdir: skipped a host name that is not UTF-8 in /${f.path.join('/')}`);
        continue;
      }
      if (s.mapped && (name === METADATA_DIR || name === METADATA_ROOT)) continue;
      try {
        const st = attrOf(lstatSync(`${dp}/${name}`, { bigint: true }));
        const mode = s.mapped ? s.mapped.overlay([...f.path, name], st).mode : st.mode;
        out.push({ name, ino: st.ino, dtype: dtypeOfMode(mode) });
      } catch {
        // removed since the directory was read: not listed
      }
    }
  } finally {
    dir.closeSync();
  }
  return out;
}

const readdir: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  const offset = r.u64('offset');
  let count = r.u32('count');
  r.end();
  const f = s.fid(fidNo);
  if (!f.dir) throw p9err(E.EINVAL, `fid ${fidNo} is not an open directory`);
  count = Math.min(count, s.msize - 11, s.room - 11);
  s.root.checkOpen(f.dir);
  // Offset 0 rewinds (rewinddir); other offsets are the cookies this server handed out.
  if (offset === 0 || !f.dir.entries) f.dir.entries = listDir(s, f, f.dir.fd);
  const entries = f.dir.entries;
  const at = w.off;
  w.u32(0);
  let used = 0;
  for (let i = offset; i < entries.length; i++) {
    const e = entries[i];
    const size = 13 + 8 + 1 + strLen(e.name);
    if (used + size > count) break;
    // QEMU 7.2 fills only the qid path of a directory entry (type and version 0).
    w.qid({ type: 0, version: 0, path: e.ino })
      .u64(i + 1)
      .u8(e.dtype)
      .str(e.name);
    used += size;
  }
  w.patchU32(at, used);
};

const fsync: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  const datasync = r.u32('datasync');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  const fd = f.file?.fd ?? f.dir?.fd;
  if (fd === undefined) throw p9err(E.EBADF, `fid ${fidNo} is not open`);
  if (datasync) fdatasyncSync(fd);
  else fsyncSync(fd);
};

export const ioOps: Record<number, Handler> = {
  [P9.Tlopen]: lopen,
  [P9.Tlcreate]: lcreate,
  [P9.Tread]: read,
  [P9.Twrite]: write,
  [P9.Treaddir]: readdir,
  [P9.Tfsync]: fsync,
};
