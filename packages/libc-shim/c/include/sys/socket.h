/*
 * Runikraft libc-shim: the BSD socket calls wasi-libc leaves out (socket, bind, listen, connect,
 * getsockname, getpeername, sendto, recvfrom, setsockopt), declared over wasi-libc's own
 * <sys/socket.h>. rk build puts this directory first on the include path of every C/C++ program
 * and links rk_socket.c, which implements them with WasmEdge's socket extension of
 * wasi_snapshot_preview1 (packages/libc-shim/README.md). Constants keep wasi-libc's values
 * (AF_INET 1, SOCK_STREAM 6, SOCK_DGRAM 5, SOL_SOCKET 0x7fffffff); the options wasi-libc hides
 * get Linux's numbers.
 */
#ifndef RK_SYS_SOCKET_H
#define RK_SYS_SOCKET_H

#include_next <sys/socket.h>

#ifndef SO_REUSEADDR
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#endif
/* wasi-libc has no raw sockets; getaddrinfo names the type as glibc does (Linux's number). */
#ifndef SOCK_RAW
#define SOCK_RAW 3
#endif
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0x40
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0x4000
#endif
#ifndef SOMAXCONN
#define SOMAXCONN 4096
#endif

#ifdef __cplusplus
extern "C" {
#endif

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
               socklen_t len);
ssize_t recvfrom(int fd, void *__restrict buf, size_t n, int flags,
                 struct sockaddr *__restrict addr, socklen_t *__restrict len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);

#ifdef __cplusplus
}
#endif

#endif
