/*
 * Runikraft libc-shim: PIPE_BUF, which wasi-libc's <limits.h> leaves out ("WASI has no pipes"). The
 * pipes libc-shim gives a program (pipe/pipe2, and the stdio of `libc.start`'s `a | b`) are posix
 * pipes with Linux's semantics: a write of at most PIPE_BUF bytes is atomic.
 */
#ifndef RK_LIMITS_H
#define RK_LIMITS_H

#include_next <limits.h>

#if (defined(_POSIX_SOURCE) || defined(_POSIX_C_SOURCE) || defined(_XOPEN_SOURCE) ||              \
     defined(_GNU_SOURCE) || defined(_BSD_SOURCE)) &&                                              \
    !defined(PIPE_BUF)
#define PIPE_BUF 4096
#endif

#endif
