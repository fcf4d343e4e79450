// Host errors as Linux errno values for Rlerror (9P2000.L carries Linux numbers whatever the host).
// Node reports host errors by name (`err.code`); the table maps names to Linux's asm-generic values.

/** Linux errno values the server sends. */
export const E = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
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
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EPROTO: 71,
  EOVERFLOW: 75,
  EBADMSG: 74,
  EILSEQ: 84,
  EOPNOTSUPP: 95,
  ENOTSUP: 95,
  EDQUOT: 122,
  ESTALE: 116,
  EMSGSIZE: 90,
  ECANCELED: 125,
} as const;

/** A 9P request refused with a Linux errno (becomes Rlerror). It captures no stack: it is an answer. */
export class P9Errno extends Error {
  readonly errno: number;
  constructor(errno: number, why: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(why);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.errno = errno;
  }
}

export const p9err = (errno: number, why: string): P9Errno => new P9Errno(errno, why);

/**
 * The Linux errno for a thrown host error: a Node system error by its code, a P9Errno by its value.
 * @returns the errno, or null when `e` is not an errno-carrying error (a bug: the caller logs it, EIO).
 */
export function hostErrno(e: unknown): number | null {
  if (e instanceof P9Errno) return e.errno;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code in E) return E[code as keyof typeof E];
  // Node rejects a NUL in a path before the system call: the name is invalid.
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') return E.EINVAL;
  return null;
}
