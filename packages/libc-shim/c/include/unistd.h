/*
 * Runikraft libc-shim: pipe, pipe2, dup, dup2 and dup3, which wasi-libc's <unistd.h> leaves out
 * (preview1 has no call that creates or duplicates a descriptor). rk build puts this directory first
 * on the include path of every C/C++ program and links rk_fds.c, which implements them with WASIX's
 * fd_pipe/fd_dup/fd_dup2 (namespace wasix_32v1) and preview1's fd_renumber
 * (packages/libc-shim/README.md, "Descriptors: the WASIX extension").
 */
#ifndef RK_UNISTD_H
#define RK_UNISTD_H

#include_next <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

int pipe(int fds[2]);
/* flags: O_NONBLOCK, O_CLOEXEC (0 in wasi-libc: there is no exec). */
int pipe2(int fds[2], int flags);
int dup(int fd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);

#ifdef __cplusplus
}
#endif

#endif
