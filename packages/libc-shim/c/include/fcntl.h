/*
 * Runikraft libc-shim: fcntl(F_DUPFD) and fcntl(F_DUPFD_CLOEXEC), which wasi-libc's fcntl refuses
 * (EINVAL: preview1 cannot duplicate a descriptor). They need WASIX's fd_dup2 (rk_fds.c), and a
 * program that imports anything from wasix_32v1 no longer runs on a plain preview1 runtime, so
 * wasi-libc's fcntl is kept and this macro sends only the duplicating commands to rk_fds.c: with a
 * constant command (nearly every call) the compiler keeps just the branch taken, even at -O0, so a
 * program that never asks for F_DUPFD imports nothing new. A command in a variable links both.
 * The macro evaluates `cmd` twice; a program with its own `x->fcntl(...)` member calls can
 * `#undef fcntl` after this header (and lose F_DUPFD).
 */
#ifndef RK_FCNTL_H
#define RK_FCNTL_H

#include_next <fcntl.h>

/* Linux's numbers (wasi-libc's F_GETFD..F_SETFL are 1-4). */
#define F_DUPFD 0
#define F_DUPFD_CLOEXEC 1030

#ifdef __cplusplus
extern "C" {
#endif

/* fcntl(fd, F_DUPFD or F_DUPFD_CLOEXEC, min): the lowest free descriptor >= min. */
int __rk_fcntl_dupfd(int fd, int cmd, int min);

#ifdef __cplusplus
}
#endif

#define fcntl(...) __RK_FCNTL(__VA_ARGS__, 0, 0)
#define __RK_FCNTL(fd, cmd, arg, ...)                                                              \
  (((cmd) == F_DUPFD || (cmd) == F_DUPFD_CLOEXEC) ? __rk_fcntl_dupfd((fd), (cmd), (int)(arg))      \
                                                  : (fcntl)((fd), (cmd), arg))

#endif
