// Directory entries: Tmkdir, Tsymlink, Tmknod, Tlink, Trename, Trenameat, Tunlinkat, Tremove,
// Treadlink. Both ends of every link and rename are confined paths: nothing leaves the share.
import {
  constants as C,
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { E, p9err } from './errno';
import { MAPPED_DIR_MODE, MAPPED_FILE_MODE, MappedFile } from './mapped';
import { checkName, checkNewName, METADATA_DIR } from './names';
import type { Handler, P9Server } from './server';
import { isDir, isLink, qidOf, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './stat';
import { P9 } from './wire';

const AT_REMOVEDIR = 0x200;
const ignore = (fn: () => void) => {
  try {
    fn();
  } catch {}
};

/** A new entry `name` in the directory fid `dfid`: its path (the fid must exist, be a directory). */
function newEntry(s: P9Server, dfid: number, name: string): string[] {
  const d = s.fid(dfid, E.ENOENT);
  s.writable();
  checkNewName(s, name);
  return [...d.path, name];
}

/** Creates a regular file holding `content` (mapped-file symlinks and device nodes). */
function createFile(s: P9Server, path: string[], content: string): void {
  const flags = C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW;
  const fd = s.root.at(path, (p) => openSync(p, flags, MAPPED_FILE_MODE));
  try {
    if (content) writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

const mkdir: Handler = (s, r, w) => {
  const dfid = r.u32('dfid');
  const name = r.str('name');
  const mode = r.u32('mode');
  const gid = r.u32('gid');
  r.end();
  const path = newEntry(s, dfid, name);
  const uid = s.fid(dfid).uid;
  s.root.at(path, (p) => mkdirSync(p, s.mapped ? MAPPED_DIR_MODE : mode & 0o7777));
  // chown and chmod change neither ino, mtime nor size: the qid is the new directory's as made
  const a = s.lstat(path);
  s.setCred(path, { uid, gid, mode: (mode & 0o7777) | S_IFDIR }, a);
  w.qid(qidOf(a));
};

const symlink: Handler = (s, r, w) => {
  const dfid = r.u32('fid');
  const name = r.str('name');
  const target = r.str('symtgt');
  const gid = r.u32('gid');
  r.end();
  const path = newEntry(s, dfid, name);
  if (target.includes('\0')) throw p9err(E.EINVAL, 'the target holds a NUL byte');
  const uid = s.fid(dfid).uid;
  // The target is stored as given and never followed by this server, wherever it points.
  if (s.mapped) createFile(s, path, target);
  else s.root.at(path, (p) => symlinkSync(target, p));
  s.setCred(path, { uid, gid, mode: S_IFLNK | 0o777 });
  w.qid(qidOf(s.lstat(path)));
};

const mknod: Handler = (s, r, w) => {
  const dfid = r.u32('dfid');
  const name = r.str('name');
  const mode = r.u32('mode');
  const major = r.u32('major');
  const minor = r.u32('minor');
  const gid = r.u32('gid');
  r.end();
  const path = newEntry(s, dfid, name);
  const uid = s.fid(dfid).uid;
  const type = mode & S_IFMT;
  if (s.mapped) {
    createFile(s, path, '');
    const rdev = ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
    s.mapped.write(path, { uid, gid, mode, rdev: rdev >>> 0 });
  } else if (type === S_IFREG || type === 0) {
    const fd = s.root.at(path, (p) =>
      openSync(p, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode & 0o7777),
    );
    closeSync(fd);
    s.setCred(path, { uid, gid, mode: mode & 0o7777 });
  }
  // Node cannot mknod; and a host device node made by the guest would reach outside the share.
  else throw p9err(E.EOPNOTSUPP, 'special files need security_model=mapped-file');
  w.qid(qidOf(s.lstat(path)));
};

const link: Handler = (s, r) => {
  const dfid = r.u32('dfid');
  const fidNo = r.u32('fid');
  const name = r.str('name');
  r.end();
  const target = s.fid(fidNo);
  const path = newEntry(s, dfid, name);
  s.root.at(target.path, (from) => s.root.at(path, (to) => linkSync(from, to)));
  if (s.mapped) mappedMove(s, target.path, path, linkSync);
};

/** Carries mapped-file metadata along with a rename or link (absent metadata is fine). */
function mappedMove(s: P9Server, from: string[], to: string[], op: (a: string, b: string) => void) {
  if (from.length === 0 || to.length === 0) return;
  s.root.inDir(from.slice(0, -1), (fd) =>
    s.root.inDir(to.slice(0, -1), (td) => {
      ignore(() => mkdirSync(`${td}/${METADATA_DIR}`, MAPPED_DIR_MODE));
      ignore(() =>
        op(MappedFile.entry(fd, from[from.length - 1]), MappedFile.entry(td, to[to.length - 1])),
      );
    }),
  );
}

function renamePath(s: P9Server, from: string[], to: string[]): void {
  s.writable();
  if (from.length === 0) throw p9err(E.EBUSY, 'the root of the share cannot be renamed');
  s.root.at(from, (a) => s.root.at(to, (b) => renameSync(a, b)));
  if (s.mapped) mappedMove(s, from, to, renameSync);
  s.renamed(from, to);
}

const rename: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  const dfid = r.u32('dfid');
  const name = r.str('name');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  const d = s.fid(dfid, E.ENOENT);
  checkNewName(s, name);
  renamePath(s, f.path, [...d.path, name]);
};

const renameat: Handler = (s, r) => {
  const oldDir = r.u32('olddirfid');
  const oldName = r.str('oldname');
  const newDir = r.u32('newdirfid');
  const newName = r.str('newname');
  r.end();
  const a = s.fid(oldDir, E.ENOENT);
  const b = s.fid(newDir, E.ENOENT);
  checkNewName(s, oldName);
  checkNewName(s, newName);
  renamePath(s, [...a.path, oldName], [...b.path, newName]);
};

/** Removes `path` as unlinkat(2) would (rmdir with AT_REMOVEDIR), with its mapped metadata. */
function removePath(s: P9Server, path: string[], dir: boolean): void {
  s.writable();
  if (path.length === 0) throw p9err(E.EBUSY, 'the root of the share cannot be removed');
  if (dir) {
    if (s.mapped) s.root.inDir(path, (d) => ignore(() => removeMetadataDir(d)));
    s.root.at(path, (p) => rmdirSync(p));
  } else s.root.at(path, (p) => unlinkSync(p));
  if (s.mapped)
    s.root.inDir(path.slice(0, -1), (d) =>
      ignore(() => unlinkSync(MappedFile.entry(d, path[path.length - 1]))),
    );
}

/** A directory's own `.virtfs_metadata` goes first (rmdir needs it empty): only if empty of entries. */
function removeMetadataDir(dirPath: string): void {
  rmdirSync(`${dirPath}/${METADATA_DIR}`);
}

const unlinkat: Handler = (s, r) => {
  const dfid = r.u32('dirfd');
  const name = r.str('name');
  const flags = r.u32('flags');
  r.end();
  const d = s.fid(dfid);
  checkName(s, name);
  if (flags & ~AT_REMOVEDIR) throw p9err(E.EINVAL, `unlinkat flags 0x${flags.toString(16)}`);
  if (name === '.') throw p9err(E.EINVAL, "'.' cannot be removed");
  if (name === '..') throw p9err(E.ENOTEMPTY, "'..' cannot be removed");
  removePath(s, [...d.path, name], (flags & AT_REMOVEDIR) !== 0);
};

const remove: Handler = (s, r) => {
  const fidNo = r.u32('fid');
  r.end();
  const f = s.fid(fidNo);
  // Tremove clunks the fid whether or not the removal succeeds (9P remove(5)).
  s.fids.delete(fidNo);
  s.release(f);
  removePath(s, f.path, isDir(s.lstat(f.path)));
};

const readlink: Handler = (s, r, w) => {
  const fidNo = r.u32('fid');
  r.end();
  const f = s.fid(fidNo, E.ENOENT);
  const a = s.lstat(f.path);
  if (!isLink(a)) throw p9err(E.EINVAL, 'not a symlink');
  if (s.mapped && (a.mode & S_IFMT) === S_IFLNK && !isHostLink(s, f.path)) {
    const fd = s.root.at(f.path, (p) => openSync(p, C.O_RDONLY | C.O_NOFOLLOW));
    try {
      w.str(readFileSync(fd, 'utf8'));
    } finally {
      closeSync(fd);
    }
    return;
  }
  w.str(s.root.at(f.path, (p) => readlinkSync(p)));
};

function isHostLink(s: P9Server, path: string[]): boolean {
  return s.root.at(path, (p) => {
    try {
      readlinkSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

export const nameOps: Record<number, Handler> = {
  [P9.Tmkdir]: mkdir,
  [P9.Tsymlink]: symlink,
  [P9.Tmknod]: mknod,
  [P9.Tlink]: link,
  [P9.Trename]: rename,
  [P9.Trenameat]: renameat,
  [P9.Tunlinkat]: unlinkat,
  [P9.Tremove]: remove,
  [P9.Treadlink]: readlink,
};
