/* Shared by the descriptor corpus: errno by name (Linux and WASI number them differently), and
 * SIGPIPE ignored on Linux (a wasm program has no signals: a write without readers is EPIPE). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#ifndef __wasi__
#include <signal.h>
#endif

static const char *ename(int e) {
  switch (e) {
  case 0: return "0";
  case EAGAIN: return "EAGAIN";
  case EBADF: return "EBADF";
  case EEXIST: return "EEXIST";
  case EFAULT: return "EFAULT";
  case EINVAL: return "EINVAL";
  case EMFILE: return "EMFILE";
  case ENOENT: return "ENOENT";
  case EPERM: return "EPERM";
  case EPIPE: return "EPIPE";
  case ESPIPE: return "ESPIPE";
  case ENOSYS: return "ENOSYS";
  case ENOTTY: return "ENOTTY";
  default: return strerror(e);
  }
}

/* "r" if r >= 0, else "-1 ENAME". */
#define SHOW(what, r)                                                                          \
  do {                                                                                         \
    long _r = (long)(r);                                                                       \
    if (_r < 0) printf("%s -1 %s\n", what, ename(errno));                                      \
    else printf("%s %ld\n", what, _r);                                                         \
  } while (0)

static void no_sigpipe(void) {
#ifndef __wasi__
  signal(SIGPIPE, SIG_IGN);
#endif
}
