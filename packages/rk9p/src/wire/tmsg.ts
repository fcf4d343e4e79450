// Encoding of T-messages (9P2000.L as Linux's client sends them; diod protocol.md for the layouts).
import { Errno } from '@runikraft/errno';
import { P9, P9_MAXWELEM } from './consts';
import { P9WireError } from './error';
import type { P9Tmsg } from './msgs';
import { P9Writer } from './writer';

const TYPE: Record<P9Tmsg['type'], number> = {
  version: P9.TVERSION,
  auth: P9.TAUTH,
  attach: P9.TATTACH,
  flush: P9.TFLUSH,
  walk: P9.TWALK,
  read: P9.TREAD,
  write: P9.TWRITE,
  clunk: P9.TCLUNK,
  remove: P9.TREMOVE,
  statfs: P9.TSTATFS,
  lopen: P9.TLOPEN,
  lcreate: P9.TLCREATE,
  symlink: P9.TSYMLINK,
  mknod: P9.TMKNOD,
  rename: P9.TRENAME,
  readlink: P9.TREADLINK,
  getattr: P9.TGETATTR,
  setattr: P9.TSETATTR,
  xattrwalk: P9.TXATTRWALK,
  xattrcreate: P9.TXATTRCREATE,
  readdir: P9.TREADDIR,
  fsync: P9.TFSYNC,
  lock: P9.TLOCK,
  getlock: P9.TGETLOCK,
  link: P9.TLINK,
  mkdir: P9.TMKDIR,
  renameat: P9.TRENAMEAT,
  unlinkat: P9.TUNLINKAT,
};

/** The T type number of `type` (its reply is that + 1). */
export const p9TType = (type: P9Tmsg['type']): number => TYPE[type];

/** Field names of Twalk's names, made once. */
const WNAME = Array.from({ length: P9_MAXWELEM }, (_, i) => `wname[${i}]`);

/** The writer of the last buffer encoded into: a request slot's buffer is encoded into again and again. */
let last: P9Writer | null = null;

/**
 * Encodes `m` with `tag` into `buf`. @returns the message (a view of `buf`).
 * @throws P9WireError EMSGSIZE when it does not fit `buf`, EINVAL for an out-of-range field or more
 * than 16 walk names, ENAMETOOLONG for a string over 65535 bytes, EILSEQ for a lone surrogate.
 */
export function encodeT(buf: Uint8Array, tag: number, m: P9Tmsg): Uint8Array {
  const type = TYPE[m.type];
  const w = last?.b === buf ? last.restart(type, tag) : (last = new P9Writer(buf, type, tag));
  switch (m.type) {
    case 'version':
      w.u32(m.msize, 'msize').str(m.version, 'version');
      break;
    case 'auth':
      w.u32(m.afid, 'afid').str(m.uname, 'uname').str(m.aname, 'aname').u32(m.nUname, 'n_uname');
      break;
    case 'attach':
      w.u32(m.fid, 'fid').u32(m.afid, 'afid').str(m.uname, 'uname').str(m.aname, 'aname');
      w.u32(m.nUname, 'n_uname');
      break;
    case 'flush':
      w.u16(m.oldtag, 'oldtag');
      break;
    case 'walk':
      if (m.names.length > P9_MAXWELEM)
        throw new P9WireError(
          Errno.EINVAL,
          'Twalk',
          'nwname',
          `${m.names.length} names, at most 16`,
        );
      w.u32(m.fid, 'fid').u32(m.newfid, 'newfid').u16(m.names.length, 'nwname');
      for (let i = 0; i < m.names.length; i++) w.str(m.names[i], WNAME[i]);
      break;
    case 'read':
      w.u32(m.fid, 'fid').u64(m.offset, 'offset').u32(m.count, 'count');
      break;
    case 'write':
      w.u32(m.fid, 'fid').u64(m.offset, 'offset').u32(m.data.length, 'count').bytes(m.data, 'data');
      break;
    case 'clunk':
    case 'remove':
    case 'statfs':
    case 'readlink':
      w.u32(m.fid, 'fid');
      break;
    case 'lopen':
      w.u32(m.fid, 'fid').u32(m.flags, 'flags');
      break;
    case 'lcreate':
      w.u32(m.fid, 'fid').str(m.name, 'name').u32(m.flags, 'flags').u32(m.mode, 'mode');
      w.u32(m.gid, 'gid');
      break;
    case 'symlink':
      w.u32(m.fid, 'fid').str(m.name, 'name').str(m.target, 'symtgt').u32(m.gid, 'gid');
      break;
    case 'mknod':
      w.u32(m.dfid, 'dfid').str(m.name, 'name').u32(m.mode, 'mode').u32(m.major, 'major');
      w.u32(m.minor, 'minor').u32(m.gid, 'gid');
      break;
    case 'rename':
      w.u32(m.fid, 'fid').u32(m.dfid, 'dfid').str(m.name, 'name');
      break;
    case 'getattr':
      w.u32(m.fid, 'fid').u64(m.mask, 'request_mask');
      break;
    case 'setattr': {
      const a = m.attr;
      w.u32(m.fid, 'fid')
        .u32(a.valid, 'valid')
        .u32(a.mode ?? 0, 'mode')
        .u32(a.uid ?? 0, 'uid');
      w.u32(a.gid ?? 0, 'gid').u64(a.size ?? 0, 'size');
      w.u64(a.atimeSec ?? 0, 'atime_sec').u64(a.atimeNsec ?? 0, 'atime_nsec');
      w.u64(a.mtimeSec ?? 0, 'mtime_sec').u64(a.mtimeNsec ?? 0, 'mtime_nsec');
      break;
    }
    case 'xattrwalk':
      w.u32(m.fid, 'fid').u32(m.newfid, 'newfid').str(m.name, 'name');
      break;
    case 'xattrcreate':
      w.u32(m.fid, 'fid').str(m.name, 'name').u64(m.size, 'attr_size').u32(m.flags, 'flags');
      break;
    case 'readdir':
      w.u32(m.fid, 'fid').u64big(m.offset, 'offset').u32(m.count, 'count');
      break;
    case 'fsync':
      w.u32(m.fid, 'fid').u32(m.datasync, 'datasync');
      break;
    case 'lock':
      w.u32(m.fid, 'fid').u8(m.lockType, 'type').u32(m.flags, 'flags').u64(m.start, 'start');
      w.u64(m.length, 'length').u32(m.procId, 'proc_id').str(m.clientId, 'client_id');
      break;
    case 'getlock':
      w.u32(m.fid, 'fid').u8(m.lockType, 'type').u64(m.start, 'start').u64(m.length, 'length');
      w.u32(m.procId, 'proc_id').str(m.clientId, 'client_id');
      break;
    case 'link':
      w.u32(m.dfid, 'dfid').u32(m.fid, 'fid').str(m.name, 'name');
      break;
    case 'mkdir':
      w.u32(m.dfid, 'dfid').str(m.name, 'name').u32(m.mode, 'mode').u32(m.gid, 'gid');
      break;
    case 'renameat':
      w.u32(m.olddfid, 'olddirfid').str(m.oldname, 'oldname').u32(m.newdfid, 'newdirfid');
      w.str(m.newname, 'newname');
      break;
    case 'unlinkat':
      w.u32(m.dfid, 'dirfd').str(m.name, 'name').u32(m.flags, 'flags');
      break;
  }
  return w.finish();
}
