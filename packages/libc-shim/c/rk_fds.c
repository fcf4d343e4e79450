/*
 * Runikraft libc-shim: pipe/pipe2, dup/dup2/dup3, fcntl(F_DUPFD), eventfd and epoll for wasm32-wasi
 * C/C++ programs, over WASIX's descriptor calls in the wasix_32v1 namespace (layouts in
 * packages/libc-shim/src/wasi/fds-ext.ts), and ioctl(FIONREAD/FIONBIO) over preview1's. rk build
 * links this file into every C/C++ program; the linker keeps only what the program calls. Errors
 * are WASI errno values, which are wasi-libc's errno values. wasi-libc's own read/write/close/poll/
 * select/fcntl(F_SETFL) work on the descriptors these calls create.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <wasi/api.h>

#define WASIX(name) __attribute__((import_module("wasix_32v1"), import_name(name)))

/* WASIX's epoll_event: events in WASIX's bits, then 24 bytes of data handed back as given. */
typedef struct {
  uint32_t events;
  uint32_t pad;
  uint32_t ptr;
  uint32_t fd;
  uint32_t data1;
  uint32_t pad2;
  uint64_t data2;
} rk_wasix_event;
_Static_assert(sizeof(rk_wasix_event) == 32, "WASIX epoll_event is 32 bytes");

WASIX("fd_pipe") uint32_t rk_fd_pipe(uint32_t *rd, uint32_t *wr);
WASIX("fd_dup") uint32_t rk_fd_dup(uint32_t fd, uint32_t *out);
WASIX("fd_dup2") uint32_t rk_fd_dup2(uint32_t fd, uint32_t min, uint32_t cloexec, uint32_t *out);
WASIX("fd_event") uint32_t rk_fd_event(uint64_t initial, uint32_t flags, uint32_t *out);
WASIX("epoll_create") uint32_t rk_epoll_create(uint32_t *out);
WASIX("epoll_ctl") uint32_t rk_epoll_ctl(uint32_t epfd, uint32_t op, uint32_t fd, rk_wasix_event *ev);
WASIX("epoll_wait")
uint32_t rk_epoll_wait(uint32_t epfd, rk_wasix_event *evs, int32_t max, uint64_t timeout_ns,
                       uint32_t *n);

static int fail(uint32_t e) {
  errno = (int)e;
  return -1;
}

/* Sets O_NONBLOCK on a descriptor just made; on failure closes it. */
static int nonblock(uint32_t fd) {
  uint32_t e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
  if (e) (void)__wasi_fd_close(fd);
  return (int)e;
}

int pipe2(int fds[2], int flags) {
  /* O_CLOEXEC is 0 in wasi-libc (there is no exec); anything but O_NONBLOCK is unknown. */
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return fail(EINVAL);
  /* Address 0 is ordinary memory in wasm: refuse NULL as Linux's EFAULT would. */
  if (fds == 0) return fail(EFAULT);
  uint32_t r, w;
  uint32_t e = rk_fd_pipe(&r, &w);
  if (e) return fail(e);
  if (flags & O_NONBLOCK) {
    if ((e = nonblock(r))) {
      (void)__wasi_fd_close(w);
      return fail(e);
    }
    if ((e = nonblock(w))) {
      (void)__wasi_fd_close(r);
      return fail(e);
    }
  }
  fds[0] = (int)r;
  fds[1] = (int)w;
  return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }

int dup(int fd) {
  uint32_t out;
  uint32_t e = rk_fd_dup((uint32_t)fd, &out);
  return e ? fail(e) : (int)out;
}

/*
 * newfd refers to oldfd's open file; what it held is closed. WASIX's fd_dup2 is F_DUPFD (the lowest
 * free fd >= newfd): that is newfd when newfd is free; else preview1's fd_renumber moves the
 * duplicate onto newfd, closing what newfd held, as dup2 does.
 */
static int dup_to(int oldfd, int newfd) {
  if (newfd < 0) return fail(EBADF);
  uint32_t got;
  uint32_t e = rk_fd_dup2((uint32_t)oldfd, (uint32_t)newfd, 0, &got);
  if (e) return fail(e == __WASI_ERRNO_INVAL ? EBADF : e); /* newfd past the limit: EBADF */
  if ((int)got == newfd) return newfd;
  e = __wasi_fd_renumber(got, (uint32_t)newfd);
  if (e) {
    (void)__wasi_fd_close(got);
    return fail(e);
  }
  return newfd;
}

int __rk_fcntl_dupfd(int fd, int cmd, int min) {
  if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) return fail(EINVAL);
  /* Linux: a minimum below 0 or past RLIMIT_NOFILE is EINVAL (fd_dup2 checks the limit). */
  if (min < 0) return fail(EINVAL);
  uint32_t out;
  uint32_t e = rk_fd_dup2((uint32_t)fd, (uint32_t)min, cmd == F_DUPFD_CLOEXEC, &out);
  return e ? fail(e) : (int)out;
}

int dup2(int oldfd, int newfd) {
  if (oldfd == newfd) {
    __wasi_fdstat_t st;
    uint32_t e = __wasi_fd_fdstat_get((uint32_t)oldfd, &st);
    return e ? fail(e) : newfd;
  }
  return dup_to(oldfd, newfd);
}

int dup3(int oldfd, int newfd, int flags) {
  if (oldfd == newfd || (flags & ~O_CLOEXEC)) return fail(EINVAL);
  return dup_to(oldfd, newfd);
}

/*
 * ioctl(FIONREAD, FIONBIO) in place of wasi-libc's, with preview1's calls only (so a program calling
 * it still imports nothing from wasix_32v1). FIONREAD asks poll_oneoff for the bytes a read would
 * get; a read event carrying EPIPE is a pipe whose writers are gone with nothing left (libc-shim
 * says so for poll's POLLHUP), which Linux's FIONREAD reports as 0, where wasi-libc's would fail.
 */
static int fionread(int fd, int *out) {
  __wasi_subscription_t sub[2] = {{0}};
  sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  sub[0].u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  sub[1].userdata = 1;
  sub[1].u.tag = __WASI_EVENTTYPE_CLOCK; /* timeout 0: answer now */
  sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  __wasi_event_t ev[2];
  __wasi_size_t n;
  uint32_t e = __wasi_poll_oneoff(sub, ev, 2, &n);
  if (e) return fail(e);
  for (__wasi_size_t i = 0; i < n; i++) {
    if (ev[i].type != __WASI_EVENTTYPE_FD_READ) continue;
    if (ev[i].error && ev[i].error != __WASI_ERRNO_PIPE) return fail(ev[i].error);
    *out = ev[i].error ? 0 : (int)ev[i].fd_readwrite.nbytes;
    return 0;
  }
  *out = 0; /* not readable yet */
  return 0;
}

static int fionbio(int fd, int on) {
  __wasi_fdstat_t st;
  uint32_t e = __wasi_fd_fdstat_get((uint32_t)fd, &st);
  if (e) return fail(e);
  __wasi_fdflags_t fl = on ? (st.fs_flags | __WASI_FDFLAGS_NONBLOCK)
                           : (st.fs_flags & ~__WASI_FDFLAGS_NONBLOCK);
  e = __wasi_fd_fdstat_set_flags((uint32_t)fd, fl);
  return e ? fail(e) : 0;
}

int ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  switch (request) {
  case FIONREAD: return fionread(fd, (int *)arg);
  case FIONBIO: return fionbio(fd, *(const int *)arg);
  default: return fail(ENOTTY); /* Linux: the request does not apply to this descriptor */
  }
}

int eventfd(unsigned int initval, int flags) {
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return fail(EINVAL);
  uint32_t fd;
  uint32_t e = rk_fd_event(initval, (flags & EFD_SEMAPHORE) ? 1 : 0, &fd);
  if (e) return fail(e);
  if ((flags & EFD_NONBLOCK) && (e = nonblock(fd))) return fail(e);
  return (int)fd;
}

int eventfd_read(int fd, eventfd_t *value) {
  if (value == 0) return fail(EFAULT);
  return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value) {
  return write(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

int epoll_create1(int flags) {
  if (flags & ~EPOLL_CLOEXEC) return fail(EINVAL);
  uint32_t fd;
  uint32_t e = rk_epoll_create(&fd);
  return e ? fail(e) : (int)fd;
}

int epoll_create(int size) {
  if (size <= 0) return fail(EINVAL);
  return epoll_create1(0);
}

/* Linux's event bits and WASIX's, in WASIX's order (1 << i). */
static const uint32_t BITS[8] = {EPOLLIN,  EPOLLOUT, EPOLLRDHUP, EPOLLPRI,
                                 EPOLLERR, EPOLLHUP, EPOLLET,    EPOLLONESHOT};

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
  uint32_t wop;
  switch (op) {
  case EPOLL_CTL_ADD: wop = 0; break;
  case EPOLL_CTL_MOD: wop = 1; break;
  case EPOLL_CTL_DEL: wop = 2; break;
  default: return fail(EINVAL);
  }
  if (op == EPOLL_CTL_DEL) {
    uint32_t e = rk_epoll_ctl((uint32_t)epfd, wop, (uint32_t)fd, 0);
    return e ? fail(e) : 0;
  }
  if (event == 0) return fail(EFAULT);
  /* Linux: EPOLLEXCLUSIVE only with ADD, and never with ONESHOT. */
  if ((event->events & EPOLLEXCLUSIVE) &&
      (op == EPOLL_CTL_MOD || (event->events & EPOLLONESHOT)))
    return fail(EINVAL);
  rk_wasix_event w = {0};
  for (int i = 0; i < 8; i++)
    if (event->events & BITS[i]) w.events |= 1u << i;
  w.ptr = (uint32_t)(uintptr_t)event->data.ptr;
  w.fd = (uint32_t)fd;
  w.data1 = event->data.u32;
  w.data2 = event->data.u64;
  uint32_t e = rk_epoll_ctl((uint32_t)epfd, wop, (uint32_t)fd, &w);
  return e ? fail(e) : 0;
}

#define RK_EPOLL_BATCH 32

/* Up to `max` WASIX events into Linux's layout at `out`. @returns how many, or -1 with errno. */
static int wait_batch(int epfd, struct epoll_event *out, int max, uint64_t ns) {
  rk_wasix_event got[RK_EPOLL_BATCH];
  uint32_t n;
  uint32_t e = rk_epoll_wait((uint32_t)epfd, got, max < RK_EPOLL_BATCH ? max : RK_EPOLL_BATCH,
                             ns, &n);
  if (e) return fail(e);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t ev = 0;
    for (int i = 0; i < 8; i++)
      if (got[k].events & (1u << i)) ev |= BITS[i];
    out[k].events = ev;
    out[k].data.u64 = got[k].data2;
  }
  return (int)n;
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
                const sigset_t *sigmask) {
  (void)sigmask;
  if (maxevents <= 0) return fail(EINVAL);
  if (events == 0) return fail(EFAULT);
  int n = wait_batch(epfd, events, maxevents, timeout < 0 ? UINT64_MAX : (uint64_t)timeout * 1000000u);
  /* More ready than one batch holds: take the rest without waiting again. */
  for (int more = n; more == RK_EPOLL_BATCH && n < maxevents; n += more) {
    more = wait_batch(epfd, events + n, maxevents - n, 0);
    if (more < 0) return n;
  }
  return n;
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
  return epoll_pwait(epfd, events, maxevents, timeout, 0);
}
