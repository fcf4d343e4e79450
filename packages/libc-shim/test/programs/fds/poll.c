/* poll(2) and select(2) on pipes and an eventfd: readable, writable, timeouts, hang-up. */
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  int p[2];
  SHOW("pipe", pipe(p));
  struct pollfd f[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
  int n = poll(f, 2, 0);
  printf("empty: %d read end in %d, write end out %d\n", n, (f[0].revents & POLLIN) != 0,
         (f[1].revents & POLLOUT) != 0);
  n = poll(f, 1, 30);
  printf("empty, 30 ms: %d\n", n);
  write(p[1], "hey", 3);
  n = poll(f, 2, -1);
  printf("data: %d read end in %d, write end out %d\n", n, (f[0].revents & POLLIN) != 0,
         (f[1].revents & POLLOUT) != 0);
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(p[0], &r);
  FD_SET(p[1], &w);
  struct timeval tv = {0, 0};
  n = select(p[1] + 1, &r, &w, NULL, &tv);
  printf("select: %d readable %d writable %d\n", n, FD_ISSET(p[0], &r) != 0, FD_ISSET(p[1], &w) != 0);
  char buf[8];
  read(p[0], buf, sizeof buf);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  tv.tv_usec = 20000;
  n = select(p[0] + 1, &r, NULL, NULL, &tv);
  printf("select drained, 20 ms: %d readable %d\n", n, FD_ISSET(p[0], &r) != 0);
  close(p[1]);
  n = poll(f, 1, -1);
  /* POLLHUP alone: nothing is left to read. */
  printf("writer gone: %d hup %d in %d\n", n, (f[0].revents & POLLHUP) != 0,
         (f[0].revents & POLLIN) != 0);
  SHOW("read at EOF", read(p[0], buf, sizeof buf));
  close(p[0]);

  int e = eventfd(0, 0);
  struct pollfd ef = {.fd = e, .events = POLLIN | POLLOUT};
  n = poll(&ef, 1, 0);
  printf("eventfd 0: %d in %d out %d\n", n, (ef.revents & POLLIN) != 0, (ef.revents & POLLOUT) != 0);
  eventfd_write(e, 2);
  n = poll(&ef, 1, 0);
  printf("eventfd 2: %d in %d out %d\n", n, (ef.revents & POLLIN) != 0, (ef.revents & POLLOUT) != 0);
  FD_ZERO(&r);
  FD_SET(e, &r);
  tv.tv_usec = 0;
  n = select(e + 1, &r, NULL, NULL, &tv);
  printf("select eventfd: %d readable %d\n", n, FD_ISSET(e, &r) != 0);
  close(e);
  return 0;
}
