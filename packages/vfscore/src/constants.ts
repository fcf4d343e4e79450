// POSIX constants with Linux's asm-generic values (riscv64), as Unikraft's vfscore takes them from
// its libc: open flags, file types, *at() flags, seek whences, access modes, rename flags.

/* open(2) flags: asm-generic/fcntl.h */
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_ACCMODE = 0o3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_SYNC = 0o4010000;
export const O_PATH = 0o10000000;
/** The status flags F_SETFL may change (fs/fcntl.c SETFL_MASK, minus O_DIRECT/O_NOATIME/FASYNC). */
export const O_SETFL_MASK = O_APPEND | O_NONBLOCK;

/* File types in st_mode (S_IFMT bits) */
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
/** Permission and set-id bits chmod may change. */
export const S_IALLUGO = 0o7777;

/* d_type in getdents64 */
export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

/** The d_type for a file-type value (mode & S_IFMT). */
export function dtypeOf(mode: number): number {
  return (mode & S_IFMT) >>> 12;
}

/* *at() */
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

/* renameat2(2) */
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;

/* lseek(2) */
export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

/* access(2) */
export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

/* utimensat(2) */
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

/* fcntl(2) */
export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;

/** NAME_MAX: bytes in one path component (UTF-8). */
export const NAME_MAX = 255;
/** PATH_MAX: bytes in a path including the terminating NUL. */
export const PATH_MAX = 4096;
/** Symlinks followed in one resolution before ELOOP (Linux's MAXSYMLINKS). */
export const MAXSYMLINKS = 40;
