/*
 * Runikraft libc-shim: futimens and utimensat (and through it utimes, utime) with "now" and "omit"
 * as POSIX has them. Debian's wasi-libc turns a NULL `times` into two explicit zero times (the file
 * is stamped 1970-01-01) and rejects UTIME_NOW/UTIME_OMIT with EINVAL, on any runtime; preview1's
 * fst flags can say both, so these definitions replace wasi-libc's futimens and the
 * __wasilibc_nocwd_utimensat its utimensat, utimes and utime call once the path is relative to a
 * preopen. rk build links this file into every C/C++ program; the linker keeps what is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <wasi/api.h>

/* One time of `times` as preview1 wants it: 0 (omit), its NOW flag, or its SET flag with *ts. */
static int rk_fst(const struct timespec *t, __wasi_fstflags_t set, __wasi_fstflags_t now,
                  __wasi_timestamp_t *ts, __wasi_fstflags_t *flags) {
  if (t->tv_nsec == UTIME_OMIT) return 0;
  if (t->tv_nsec == UTIME_NOW) {
    *flags |= now;
    return 0;
  }
  /* preview1 times are unsigned ns since the epoch: before 1970 or past 2554 does not fit */
  if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000 || t->tv_sec < 0 ||
      (uint64_t)t->tv_sec > (UINT64_MAX - (uint64_t)t->tv_nsec) / 1000000000u)
    return EINVAL;
  *ts = (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
  *flags |= set;
  return 0;
}

/* `times` (NULL: both now) as preview1's two timestamps and fst flags. @returns 0 or an errno. */
static int rk_times(const struct timespec times[2], __wasi_timestamp_t *atim,
                    __wasi_timestamp_t *mtim, __wasi_fstflags_t *flags) {
  *atim = *mtim = 0;
  *flags = 0;
  if (!times) {
    *flags = __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW;
    return 0;
  }
  int e = rk_fst(&times[0], __WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_ATIM_NOW, atim, flags);
  return e ? e : rk_fst(&times[1], __WASI_FSTFLAGS_MTIM, __WASI_FSTFLAGS_MTIM_NOW, mtim, flags);
}

int futimens(int fd, const struct timespec times[2]) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t flags;
  int e = rk_times(times, &atim, &mtim, &flags);
  if (!e) e = __wasi_fd_filestat_set_times(fd, atim, mtim, flags);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}

int __wasilibc_nocwd_utimensat(int fd, const char *path, const struct timespec times[2],
                               int flag) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t flags;
  int e = (flag & ~AT_SYMLINK_NOFOLLOW) ? EINVAL : rk_times(times, &atim, &mtim, &flags);
  if (!e) {
    __wasi_lookupflags_t lookup = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    e = __wasi_path_filestat_set_times(fd, lookup, path, atim, mtim, flags);
  }
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}
