// 9P2000.L message types and constants (Linux include/net/9p/9p.h, diod's protocol.md; the numbering
// every 9P2000.L peer shares). Names keep the spec's spelling.

export const P9_PROTO_2000L = '9P2000.L';

/** T-message types (the R-message of each is T + 1). */
export const P9 = {
  TLERROR: 6,
  RLERROR: 7,
  TSTATFS: 8,
  TLOPEN: 12,
  TLCREATE: 14,
  TSYMLINK: 16,
  TMKNOD: 18,
  TRENAME: 20,
  TREADLINK: 22,
  TGETATTR: 24,
  TSETATTR: 26,
  TXATTRWALK: 30,
  TXATTRCREATE: 32,
  TREADDIR: 40,
  TFSYNC: 50,
  TLOCK: 52,
  TGETLOCK: 54,
  TLINK: 70,
  TMKDIR: 72,
  TRENAMEAT: 74,
  TUNLINKAT: 76,
  TVERSION: 100,
  TAUTH: 102,
  TATTACH: 104,
  TFLUSH: 108,
  TWALK: 110,
  TREAD: 116,
  TWRITE: 118,
  TCLUNK: 120,
  TREMOVE: 122,
} as const;

/** "Twalk" by type number, made once (every message's reader and writer asks). */
const NAMES = new Map<number, string>();
const display = (k: string) => k[0] + k.slice(1).toLowerCase();
for (const [k, v] of Object.entries(P9)) {
  NAMES.set(v, display(k));
  if (k !== 'TLERROR' && k !== 'RLERROR') NAMES.set(v + 1, display(`R${k.slice(1)}`));
}

/** "Twalk", "Rlerror", or "type 55" for a number no 9P2000.L message has. */
export function p9TypeName(type: number): string {
  return NAMES.get(type) ?? `type ${type}`;
}

/** size[4] type[1] tag[2]. */
export const P9_HDRSZ = 7;
/** Header of Tread/Twrite/Rread as Linux counts it: count ≤ msize − P9_IOHDRSZ (diod refuses more). */
export const P9_IOHDRSZ = 24;
/** Readdir replies carry the same 24-byte allowance as reads (Linux P9_READDIRHDRSZ). */
export const P9_READDIRHDRSZ = 24;
export const P9_NOTAG = 0xffff;
export const P9_NOFID = 0xffffffff;
/** Names per Twalk (Plan 9's MAXWELEM). */
export const P9_MAXWELEM = 16;
/** Smallest msize a client accepts from Rversion (Linux refuses a server that offers less). */
export const P9_MIN_MSIZE = 4096;

/** qid.type bits. */
export const P9_QTDIR = 0x80;
export const P9_QTAPPEND = 0x40;
export const P9_QTEXCL = 0x20;
export const P9_QTSYMLINK = 0x02;
export const P9_QTFILE = 0x00;

/** Tgetattr request_mask / Rgetattr valid bits. */
export const P9_GETATTR_MODE = 0x1;
export const P9_GETATTR_NLINK = 0x2;
export const P9_GETATTR_UID = 0x4;
export const P9_GETATTR_GID = 0x8;
export const P9_GETATTR_RDEV = 0x10;
export const P9_GETATTR_ATIME = 0x20;
export const P9_GETATTR_MTIME = 0x40;
export const P9_GETATTR_CTIME = 0x80;
export const P9_GETATTR_INO = 0x100;
export const P9_GETATTR_SIZE = 0x200;
export const P9_GETATTR_BLOCKS = 0x400;
export const P9_GETATTR_BASIC = 0x7ff;
export const P9_GETATTR_ALL = 0x3fff;

/** Tsetattr valid bits. */
export const P9_SETATTR_MODE = 0x1;
export const P9_SETATTR_UID = 0x2;
export const P9_SETATTR_GID = 0x4;
export const P9_SETATTR_SIZE = 0x8;
export const P9_SETATTR_ATIME = 0x10;
export const P9_SETATTR_MTIME = 0x20;
export const P9_SETATTR_CTIME = 0x40;
export const P9_SETATTR_ATIME_SET = 0x80;
export const P9_SETATTR_MTIME_SET = 0x100;

/** Tlock types and status. */
export const P9_LOCK_TYPE_RDLCK = 0;
export const P9_LOCK_TYPE_WRLCK = 1;
export const P9_LOCK_TYPE_UNLCK = 2;
export const P9_LOCK_FLAGS_BLOCK = 1;
export const P9_LOCK_SUCCESS = 0;
export const P9_LOCK_BLOCKED = 1;
export const P9_LOCK_ERROR = 2;
export const P9_LOCK_GRACE = 3;

/** Tunlinkat flags: AT_REMOVEDIR as Linux. */
export const P9_AT_REMOVEDIR = 0x200;

/** Linux open flags as 9P2000.L carries them in Tlopen/Tlcreate (asm-generic/fcntl.h, octal). */
export const P9_DOTL = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_SYNC: 0o4010000,
} as const;
