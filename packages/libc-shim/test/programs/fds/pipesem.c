/* What a demanding C program asks of a pipe's descriptors, compared with Linux: fstat's type and
 * inode, FIONREAD, poll/select/epoll at hang-up on either side, EPIPE, the access mode F_GETFL
 * reports, F_SETFL O_NONBLOCK (EAGAIN on empty and on full), fcntl(F_DUPFD[_CLOEXEC]), and PIPE_BUF:
 * a write of at most PIPE_BUF bytes goes in whole or not at all, a larger one takes what fits. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* revents by name, in a fixed order (the bits' values differ between glibc and wasi-libc). */
static const char *pollbits(int ev) {
  static char s[64];
  s[0] = 0;
  if (ev & POLLIN) strcat(s, "IN ");
  if (ev & POLLOUT) strcat(s, "OUT ");
  if (ev & POLLERR) strcat(s, "ERR ");
  if (ev & POLLHUP) strcat(s, "HUP ");
  if (ev & POLLNVAL) strcat(s, "NVAL ");
  if (!s[0]) strcpy(s, "none ");
  s[strlen(s) - 1] = 0;
  return s;
}

static const char *epollbits(unsigned ev) {
  static char s[64];
  s[0] = 0;
  if (ev & EPOLLIN) strcat(s, "IN ");
  if (ev & EPOLLOUT) strcat(s, "OUT ");
  if (ev & EPOLLERR) strcat(s, "ERR ");
  if (ev & EPOLLHUP) strcat(s, "HUP ");
  if (!s[0]) strcpy(s, "none ");
  s[strlen(s) - 1] = 0;
  return s;
}

static void poll1(const char *what, int fd, short events) {
  struct pollfd f = {.fd = fd, .events = events};
  int n = poll(&f, 1, 0);
  printf("poll %s: %d %s\n", what, n, pollbits(f.revents));
}

static void epoll1(const char *what, int fd, unsigned events) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = events, .data.u64 = 7};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  struct epoll_event got[2];
  int n = epoll_wait(ep, got, 2, 0);
  printf("epoll %s: %d %s\n", what, n, n > 0 ? epollbits(got[0].events) : "-");
  close(ep);
}

static void select1(const char *what, int fd) {
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(fd, &r);
  FD_SET(fd, &w);
  struct timeval tv = {0, 0};
  int n = select(fd + 1, &r, &w, NULL, &tv);
  printf("select %s: %d readable %d writable %d\n", what, n, FD_ISSET(fd, &r) != 0,
         FD_ISSET(fd, &w) != 0);
}

static const char *accmode(int fl) {
  switch (fl & O_ACCMODE) {
  case O_RDONLY: return "O_RDONLY";
  case O_WRONLY: return "O_WRONLY";
  case O_RDWR: return "O_RDWR";
  default: return "other";
  }
}

static void getfl(const char *what, int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) printf("F_GETFL %s: -1 %s\n", what, ename(errno));
  else printf("F_GETFL %s: %s%s\n", what, accmode(fl), fl & O_NONBLOCK ? " O_NONBLOCK" : "");
}

int main(void) {
  no_sigpipe();
  int p[2];
  struct stat st, sw;
  char buf[PIPE_BUF * 2];
  memset(buf, 'x', sizeof buf);

  /* 1. fstat: both ends are one FIFO. */
  SHOW("pipe", pipe(p));
  SHOW("fstat read end", fstat(p[0], &st));
  SHOW("fstat write end", fstat(p[1], &sw));
  printf("read end S_ISFIFO %d S_ISREG %d S_ISCHR %d S_ISDIR %d\n", S_ISFIFO(st.st_mode),
         S_ISREG(st.st_mode), S_ISCHR(st.st_mode), S_ISDIR(st.st_mode));
  printf("write end S_ISFIFO %d, same inode %d, nlink %ld, size %ld\n", S_ISFIFO(sw.st_mode),
         st.st_ino == sw.st_ino, (long)sw.st_nlink, (long)sw.st_size);
  int q[2];
  pipe(q);
  struct stat sq;
  fstat(q[0], &sq);
  printf("another pipe, another inode %d\n", sq.st_ino != st.st_ino);
  close(q[0]);
  close(q[1]);

  /* 3. F_GETFL: the access mode of each end; F_SETFL O_NONBLOCK shows and is kept per open file. */
  getfl("read end", p[0]);
  getfl("write end", p[1]);
  SHOW("F_SETFL O_NONBLOCK on the read end", fcntl(p[0], F_SETFL, O_NONBLOCK));
  getfl("read end", p[0]);
  getfl("write end", p[1]);
  SHOW("read empty, O_NONBLOCK", read(p[0], buf, 1));
  SHOW("F_SETFL O_NONBLOCK on the write end", fcntl(p[1], F_SETFL, O_NONBLOCK));
  SHOW("lseek on a pipe", lseek(p[0], 0, SEEK_CUR));
  SHOW("lseek SEEK_SET on a pipe", lseek(p[1], 10, SEEK_SET));
  SHOW("pread on a pipe", pread(p[0], buf, 1, 0));
  SHOW("pwrite on a pipe", pwrite(p[1], buf, 1, 0));
  SHOW("read on the write end", read(p[1], buf, 1));
  SHOW("write on the read end", write(p[0], "x", 1));

  /* 5. PIPE_BUF: fill the 64 KiB to 100 bytes short of full (Linux: 15 pages and 3,996 bytes). */
  long total = 0;
  ssize_t w;
  while (total + 1024 <= 65536 - 100 && (w = write(p[1], buf, 1024)) > 0) total += w;
  SHOW("fill to 100 short", total + write(p[1], buf, (size_t)(65536 - 100 - total)));
  poll1("write end, 100 bytes free", p[1], POLLOUT);
  SHOW("write 200 (atomic: all or nothing)", write(p[1], buf, 200));
  SHOW("write PIPE_BUF (atomic)", write(p[1], buf, PIPE_BUF));
  SHOW("write 50 (fits)", write(p[1], buf, 50));
  SHOW("read 4000", read(p[0], buf, 4000));
  SHOW("write PIPE_BUF with 4050 free", write(p[1], buf, PIPE_BUF));
  SHOW("read 200", read(p[0], buf, 200));
  poll1("write end, 4250 bytes free", p[1], POLLOUT);
  SHOW("write PIPE_BUF with 4250 free", write(p[1], buf, PIPE_BUF));
  long drained = 0;
  ssize_t got;
  while ((got = read(p[0], buf, sizeof buf)) > 0) drained += got;
  printf("drained %ld, then %s\n", drained, ename(errno));
  /* A write larger than PIPE_BUF takes what fits: all 64 KiB of an empty pipe. */
  char *big = calloc(1, 65536 + PIPE_BUF);
  SHOW("write 64 KiB + PIPE_BUF into an empty pipe", write(p[1], big, 65536 + PIPE_BUF));
  SHOW("write 1 when full", write(p[1], buf, 1));
  poll1("write end, full", p[1], POLLOUT);
  poll1("read end, full", p[0], POLLIN);
  SHOW("read it all", read(p[0], big, 65536 + PIPE_BUF));
  free(big);

  /* FIONREAD: what is queued. */
  int queued = -1;
  SHOW("FIONREAD empty", ioctl(p[0], FIONREAD, &queued) == 0 ? queued : -1);
  SHOW("write", write(p[1], "tail", 4));
  SHOW("FIONREAD read end", ioctl(p[0], FIONREAD, &queued) == 0 ? queued : -1);

  /* 2. Readiness at hang-up. Read end, writer gone, data left: IN and HUP; drained: HUP. */
  SHOW("close write end", close(p[1]));
  SHOW("FIONREAD, writer gone, data left", ioctl(p[0], FIONREAD, &queued) == 0 ? queued : -1);
  poll1("read end, writer gone, data left", p[0], POLLIN);
  epoll1("read end, writer gone, data left", p[0], EPOLLIN);
  select1("read end, writer gone, data left", p[0]);
  SHOW("read the rest", read(p[0], buf, sizeof buf));
  poll1("read end, writer gone, empty", p[0], POLLIN);
  epoll1("read end, writer gone, empty", p[0], EPOLLIN);
  select1("read end, writer gone, empty", p[0]);
  SHOW("FIONREAD, writer gone, empty", ioctl(p[0], FIONREAD, &queued) == 0 ? queued : -1);
  SHOW("read at EOF", read(p[0], buf, sizeof buf));
  close(p[0]);
  /* Write end, reader gone: EPIPE. */
  SHOW("pipe", pipe(p));
  SHOW("close read end", close(p[0]));
  epoll1("write end, reader gone", p[1], EPOLLOUT);
  select1("write end, reader gone", p[1]);
  SHOW("write without a reader", write(p[1], "x", 1));
  SHOW("write PIPE_BUF without a reader", write(p[1], buf, PIPE_BUF));
  close(p[1]);

  /* 4. fcntl(F_DUPFD): the lowest free descriptor >= the argument, sharing the open file. */
  SHOW("pipe", pipe(p));
  int on = 1;
  SHOW("FIONBIO on", ioctl(p[0], FIONBIO, &on));
  getfl("read end after FIONBIO", p[0]);
  SHOW("read empty after FIONBIO", read(p[0], buf, 1));
  on = 0;
  SHOW("FIONBIO off", ioctl(p[0], FIONBIO, &on));
  getfl("read end after FIONBIO off", p[0]);
  SHOW("ioctl with another request", ioctl(p[0], 0x5401 /* TCGETS */, buf));
  int d = fcntl(p[1], F_DUPFD, 20);
  SHOW("F_DUPFD 20", d);
  int d2 = fcntl(p[1], F_DUPFD, 20);
  SHOW("F_DUPFD 20 again", d2);
  int d3 = fcntl(p[1], F_DUPFD, 0);
  SHOW("F_DUPFD 0 is the lowest free", d3 == p[1] + 1);
  int dc = fcntl(p[0], F_DUPFD_CLOEXEC, 30);
  SHOW("F_DUPFD_CLOEXEC 30", dc);
  getfl("F_DUPFD of the write end", d);
  getfl("F_DUPFD_CLOEXEC of the read end", dc);
  SHOW("write via the F_DUPFD", write(d, "dup", 3));
  got = read(dc, buf, sizeof buf);
  printf("read via the F_DUPFD_CLOEXEC %zd '%.*s'\n", got, (int)(got > 0 ? got : 0), buf);
  SHOW("F_SETFL O_NONBLOCK via a dup", fcntl(d, F_SETFL, O_NONBLOCK));
  getfl("the original write end", p[1]);
  SHOW("F_DUPFD of a closed fd", fcntl(99, F_DUPFD, 0));
  SHOW("F_DUPFD at -1", fcntl(p[0], F_DUPFD, -1));
  SHOW("F_DUPFD past the limit", fcntl(p[0], F_DUPFD, 1 << 20));
  int cmd = F_DUPFD;
  SHOW("F_DUPFD through a variable is 40", fcntl(p[0], cmd, 40) == 40);
  close(40);
  /* Every write end closed, dups included: EOF. */
  close(p[1]);
  close(d);
  close(d2);
  close(d3);
  SHOW("read at EOF via the dup", read(dc, buf, sizeof buf));
  close(dc);
  close(p[0]);
  return 0;
}
