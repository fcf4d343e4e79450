// WASI preview1 ABI (wasi_snapshot_preview1, witx of the 0.2 "snapshot 1" release): numbering and
// struct layouts as the spec fixes them. Everything little-endian, wasm32 (pointers are u32).

/** WASI's own errno numbering (not Linux's): `$errno` in the witx. */
export const WasiErrno = {
  SUCCESS: 0,
  '2BIG': 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  PROTONOSUPPORT: 66,
  PROTOTYPE: 67,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  SRCH: 71,
  STALE: 72,
  TIMEDOUT: 73,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/** `$filetype` (u8). */
export const Filetype = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/** `$fdflags` (u16). */
export const FDFLAG_APPEND = 1;
export const FDFLAG_DSYNC = 2;
export const FDFLAG_NONBLOCK = 4;
export const FDFLAG_RSYNC = 8;
export const FDFLAG_SYNC = 16;

/** `$oflags` (u16). */
export const OFLAG_CREAT = 1;
export const OFLAG_DIRECTORY = 2;
export const OFLAG_EXCL = 4;
export const OFLAG_TRUNC = 8;

/** `$lookupflags` (u32). */
export const LOOKUP_SYMLINK_FOLLOW = 1;

/** `$fstflags` (u16). */
export const FST_ATIM = 1;
export const FST_ATIM_NOW = 2;
export const FST_MTIM = 4;
export const FST_MTIM_NOW = 8;

/** `$clockid`. */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;

/** `$eventtype` (u8) and `$subclockflags`, `$eventrwflags`. */
export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const SUBCLOCK_ABSTIME = 1;
export const EVENT_FD_READWRITE_HANGUP = 1;

/** `$riflags`, `$roflags`, `$sdflags`. */
export const RIFLAG_RECV_PEEK = 1;
export const RIFLAG_RECV_WAITALL = 2;
export const ROFLAG_RECV_DATA_TRUNCATED = 1;
export const SDFLAG_RD = 1;
export const SDFLAG_WR = 2;

/** `$rights` (u64) — bit numbers; combine with {@link rights}. */
export const Right = {
  FD_DATASYNC: 0,
  FD_READ: 1,
  FD_SEEK: 2,
  FD_FDSTAT_SET_FLAGS: 3,
  FD_SYNC: 4,
  FD_TELL: 5,
  FD_WRITE: 6,
  FD_ADVISE: 7,
  FD_ALLOCATE: 8,
  PATH_CREATE_DIRECTORY: 9,
  PATH_CREATE_FILE: 10,
  PATH_LINK_SOURCE: 11,
  PATH_LINK_TARGET: 12,
  PATH_OPEN: 13,
  FD_READDIR: 14,
  PATH_READLINK: 15,
  PATH_RENAME_SOURCE: 16,
  PATH_RENAME_TARGET: 17,
  PATH_FILESTAT_GET: 18,
  PATH_FILESTAT_SET_SIZE: 19,
  PATH_FILESTAT_SET_TIMES: 20,
  FD_FILESTAT_GET: 21,
  FD_FILESTAT_SET_SIZE: 22,
  FD_FILESTAT_SET_TIMES: 23,
  PATH_SYMLINK: 24,
  PATH_REMOVE_DIRECTORY: 25,
  PATH_UNLINK_FILE: 26,
  POLL_FD_READWRITE: 27,
  SOCK_SHUTDOWN: 28,
  SOCK_ACCEPT: 29,
} as const;
export type RightName = keyof typeof Right;

/** A rights mask from right names. */
export const rights = (...names: RightName[]): bigint =>
  names.reduce((m, n) => m | (1n << BigInt(Right[n])), 0n);

export const RIGHTS_ALL = (1n << 30n) - 1n;
/** What a regular file can do (wasi-libc asks for these when it opens one). */
export const RIGHTS_FILE = rights(
  'FD_DATASYNC',
  'FD_READ',
  'FD_SEEK',
  'FD_FDSTAT_SET_FLAGS',
  'FD_SYNC',
  'FD_TELL',
  'FD_WRITE',
  'FD_ADVISE',
  'FD_ALLOCATE',
  'FD_FILESTAT_GET',
  'FD_FILESTAT_SET_SIZE',
  'FD_FILESTAT_SET_TIMES',
  'POLL_FD_READWRITE',
);
/** What a directory can do: the path rights, readdir, and its files' rights to inherit. */
export const RIGHTS_DIR = rights(
  'FD_FDSTAT_SET_FLAGS',
  'FD_SYNC',
  'FD_ADVISE',
  'PATH_CREATE_DIRECTORY',
  'PATH_CREATE_FILE',
  'PATH_LINK_SOURCE',
  'PATH_LINK_TARGET',
  'PATH_OPEN',
  'FD_READDIR',
  'PATH_READLINK',
  'PATH_RENAME_SOURCE',
  'PATH_RENAME_TARGET',
  'PATH_FILESTAT_GET',
  'PATH_FILESTAT_SET_SIZE',
  'PATH_FILESTAT_SET_TIMES',
  'FD_FILESTAT_GET',
  'FD_FILESTAT_SET_TIMES',
  'PATH_SYMLINK',
  'PATH_REMOVE_DIRECTORY',
  'PATH_UNLINK_FILE',
  'POLL_FD_READWRITE',
);
/** A character device or a socket: no seeking, no paths. */
export const RIGHTS_TTY = rights(
  'FD_READ',
  'FD_FDSTAT_SET_FLAGS',
  'FD_WRITE',
  'FD_FILESTAT_GET',
  'POLL_FD_READWRITE',
);
export const RIGHTS_SOCKET = RIGHTS_TTY | rights('SOCK_SHUTDOWN', 'SOCK_ACCEPT');

/** Struct sizes and field offsets. */
export const FDSTAT_SIZE = 24; // filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16
export const FILESTAT_SIZE = 64; // dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56
export const PRESTAT_SIZE = 8; // tag u8 @0 (0 = dir), name_len u32 @4
export const DIRENT_SIZE = 24; // d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20
export const IOVEC_SIZE = 8; // buf u32 @0, len u32 @4
export const SUBSCRIPTION_SIZE = 48; // userdata u64 @0, tag u8 @8, union @16
export const EVENT_SIZE = 32; // userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
