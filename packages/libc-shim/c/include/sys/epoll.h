/*
 * Runikraft libc-shim: Linux's epoll for wasm32-wasi programs (wasi-libc has none). The calls,
 * constants and struct epoll_event are Linux's (the generic layout: the 64-bit data union aligned,
 * 16 bytes, as on every Linux architecture but x86-64, where it is packed into 12). rk_fds.c
 * implements them with WASIX's epoll_create/epoll_ctl/epoll_wait (namespace wasix_32v1), which
 * hand data back exactly as it was given. Events WASIX has no bit for (EPOLLRDNORM, EPOLLRDBAND,
 * EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLWAKEUP, EPOLLEXCLUSIVE on ADD) are ignored.
 */
#ifndef RK_SYS_EPOLL_H
#define RK_SYS_EPOLL_H

#include <fcntl.h>
#include <__typedef_sigset_t.h> /* <signal.h> needs _WASI_EMULATED_SIGNAL */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EPOLL_CLOEXEC O_CLOEXEC
#define EPOLL_NONBLOCK O_NONBLOCK

enum EPOLL_EVENTS { __EPOLL_DUMMY };
#define EPOLLIN 0x001
#define EPOLLPRI 0x002
#define EPOLLOUT 0x004
#define EPOLLRDNORM 0x040
#define EPOLLNVAL 0x020
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLMSG 0x400
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

typedef union epoll_data {
  void *ptr;
  int fd;
  uint32_t u32;
  uint64_t u64;
} epoll_data_t;

struct epoll_event {
  uint32_t events;
  epoll_data_t data;
};

int epoll_create(int size);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
/* The signal mask is ignored: a wasm program gets no signals. */
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
                const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#endif
