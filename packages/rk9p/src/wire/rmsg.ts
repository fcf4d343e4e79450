// Decoding of R-messages (9P2000.L). Nothing in a reply is trusted: counts are checked against the
// bytes present, strings against UTF-8, and every message must end exactly where its last field does.
import { Errno } from '@runikraft/errno';
import type { RkP9Dirent } from '../api';
import { P9, P9_MAXWELEM, p9TypeName } from './consts';
import { P9WireError } from './error';
import type { P9RFor, P9Rmsg, P9Type } from './msgs';
import { P9Reader } from './reader';
import { p9TType } from './tmsg';

/**
 * Decodes the reply `b` to a T-message of type `expect`: its R-message or Rlerror.
 * @throws P9WireError EBADMSG for a malformed message (naming the field), EPROTO for a reply of
 * another type.
 */
export function decodeR<T extends P9Type>(
  b: Uint8Array,
  expect: T,
): P9RFor<T> | { type: 'lerror'; ecode: number } {
  const r = new P9Reader(b);
  const want = p9TType(expect) + 1;
  if (r.type === P9.RLERROR) {
    const ecode = r.u32('ecode');
    r.end();
    return { type: 'lerror', ecode };
  }
  if (r.type !== want)
    throw new P9WireError(Errno.EPROTO, r.name, 'type', `${p9TypeName(want)} or Rlerror expected`);
  const m = body(r, expect) as P9RFor<T>;
  r.end();
  return m;
}

/** Field names of Rwalk's qids, made once. */
const WQID = Array.from({ length: P9_MAXWELEM }, (_, i) => `wqid[${i}]`);

function body(r: P9Reader, t: P9Type): P9Rmsg {
  switch (t) {
    case 'version':
      return { type: t, msize: r.u32('msize'), version: r.str('version') };
    case 'auth':
      return { type: t, aqid: r.qid('aqid') };
    case 'attach':
    case 'symlink':
    case 'mknod':
    case 'mkdir':
      return { type: t, qid: r.qid('qid') };
    case 'walk': {
      const n = r.u16('nwqid');
      if (n > P9_MAXWELEM)
        throw new P9WireError(Errno.EBADMSG, r.name, 'nwqid', `${n} qids, at most 16`);
      const qids = [];
      for (let i = 0; i < n; i++) qids.push(r.qid(WQID[i]));
      return { type: t, qids };
    }
    case 'read': {
      const n = r.u32('count');
      return { type: t, data: r.bytes(n, 'data') };
    }
    case 'write':
      return { type: t, count: r.u32('count') };
    case 'statfs':
      return {
        type: t,
        fsType: r.u32('type'),
        bsize: r.u32('bsize'),
        blocks: r.u64('blocks'),
        bfree: r.u64('bfree'),
        bavail: r.u64('bavail'),
        files: r.u64('files'),
        ffree: r.u64('ffree'),
        fsid: r.u64big('fsid'),
        namelen: r.u32('namelen'),
      };
    case 'lopen':
    case 'lcreate':
      return { type: t, qid: r.qid('qid'), iounit: r.u32('iounit') };
    case 'readlink':
      return { type: t, target: r.str('target') };
    case 'getattr':
      return { type: t, attr: getattr(r) };
    case 'xattrwalk':
      return { type: t, size: r.u64('size') };
    case 'readdir':
      return { type: t, entries: readdir(r) };
    case 'lock':
      return { type: t, status: r.u8('status') };
    case 'getlock':
      return {
        type: t,
        lockType: r.u8('type'),
        start: r.u64('start'),
        length: r.u64('length'),
        procId: r.u32('proc_id'),
        clientId: r.str('client_id'),
      };
    default:
      return { type: t } as P9Rmsg;
  }
}

function getattr(r: P9Reader) {
  return {
    valid: r.u64('valid'),
    qid: r.qid('qid'),
    mode: r.u32('mode'),
    uid: r.u32('uid'),
    gid: r.u32('gid'),
    nlink: r.u64('nlink'),
    rdev: r.u64('rdev'),
    size: r.u64('size'),
    blksize: r.u64('blksize'),
    blocks: r.u64('blocks'),
    atimeSec: r.u64('atime_sec'),
    atimeNsec: r.u64('atime_nsec'),
    mtimeSec: r.u64('mtime_sec'),
    mtimeNsec: r.u64('mtime_nsec'),
    ctimeSec: r.u64('ctime_sec'),
    ctimeNsec: r.u64('ctime_nsec'),
    btimeSec: r.u64('btime_sec'),
    btimeNsec: r.u64('btime_nsec'),
    gen: r.u64('gen'),
    dataVersion: r.u64('data_version'),
  };
}

function readdir(r: P9Reader): RkP9Dirent[] {
  const count = r.u32('count');
  const end = r.pos + count;
  if (end > r.b.length)
    throw new P9WireError(
      Errno.EBADMSG,
      r.name,
      'count',
      `${count} bytes of entries, ${r.b.length - r.pos} present`,
    );
  const out: RkP9Dirent[] = [];
  while (r.pos < end) {
    const i = out.length;
    const qid = r.qid(`entry[${i}].qid`);
    const offset = r.u64big(`entry[${i}].offset`);
    const dtype = r.u8(`entry[${i}].type`);
    const name = r.str(`entry[${i}].name`);
    if (r.pos > end)
      throw new P9WireError(
        Errno.EBADMSG,
        r.name,
        `entry[${i}]`,
        `runs ${r.pos - end} bytes past count`,
      );
    if (name === '' || name.includes('/'))
      throw new P9WireError(
        Errno.EBADMSG,
        r.name,
        `entry[${i}].name`,
        `'${name}' is not a file name`,
      );
    out.push({ qid, offset, dtype, name });
  }
  return out;
}
