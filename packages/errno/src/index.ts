// Errno codes shared by every kernel API (Linux asm-generic/errno-base.h numbering, as Unikraft's nolibc).
// Convention: kernel calls return `-Errno.X` for failure where they return numbers, or throw RkError.

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  ENODATA: 61,
  EPROTO: 71,
  EBADMSG: 74,
  EOVERFLOW: 75,
  EILSEQ: 84,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  /** Structure needs cleaning: Linux's EFSCORRUPTED (file-system metadata failed a check). */
  EUCLEAN: 117,
  ECANCELED: 125,
  EOWNERDEAD: 130,
  ENOTRECOVERABLE: 131,
} as const;

export type ErrnoName = keyof typeof Errno;
export type ErrnoCode = (typeof Errno)[ErrnoName];

const names = new Map<number, ErrnoName>(
  (Object.entries(Errno) as [ErrnoName, number][]).map(([k, v]) => [v, k]),
);

/** The symbolic name of an errno code ("ENOMEM"), or "E?<n>" for an unknown one. Accepts -code too. */
export function errnoName(code: number): string {
  return names.get(Math.abs(code)) ?? `E?${Math.abs(code)}`;
}

/**
 * An error carrying an errno code, for layers whose convention is to throw.
 *
 * Most are expected outcomes (ENOENT from a lookup, EAGAIN), not bugs, so by default they capture no
 * stack frames: under JSPI (V8 11.3) walking the stack of a program suspended in an import cost
 * ~0.4 ms per error, which made every failed 9P walk of SQLite's lock and journal files dominate a
 * run. Subclasses that signal a violation (a corrupt wire message, a heap overflow) set
 * `static stackFrames` higher; a debugging session may raise `RkError.stackFrames` for all.
 */
export class RkError extends Error {
  /** Stack frames an instance of this class captures (V8's Error.stackTraceLimit while it is made). */
  static stackFrames = 0;
  readonly errno: number;
  constructor(errno: number, message?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = (new.target as typeof RkError).stackFrames;
    try {
      super(message ? `${errnoName(errno)}: ${message}` : errnoName(errno));
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'RkError';
    this.errno = Math.abs(errno);
  }
}
