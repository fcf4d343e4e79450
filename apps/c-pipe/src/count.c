/* count [-m MAX] [-b] [-F]: counts the lines, words and bytes on stdin and their FNV-1a, waiting
 * for input with epoll (stdin non-blocking, level-triggered: read until EAGAIN, then wait again) —
 * or, with -b, in plain blocking reads — until end of file, or MAX lines, after which it stops
 * reading and exits, as head does. -F: a late reader, which starts only once FIONREAD says the
 * 64 KiB pipe is full (sleeping 1 ms at a time, for 10 s at most), so the writer waits for it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long max = -1;
  int c, blocking = 0, late = 0;
  while ((c = getopt(argc, argv, "m:bF")) != -1) {
    if (c == 'm') max = atol(optarg);
    else if (c == 'b') blocking = 1;
    else if (c == 'F') late = 1;
    else return 2;
  }
  int queued = 0;
  for (int ms = 0; late && ms < 10000 && queued < 65536; ms++) {
    if (ioctl(0, FIONREAD, &queued) != 0) {
      perror("count: FIONREAD");
      return 1;
    }
    struct timespec t = {0, 1000000L};
    if (queued < 65536) nanosleep(&t, NULL);
  }
  int ep = -1;
  if (!blocking) {
    ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = 0};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) != 0) {
      perror("count: epoll");
      return 1;
    }
    if (fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) != 0) {
      perror("count: fcntl");
      return 1;
    }
  }
  long lines = 0, words = 0, bytes = 0, waits = 0;
  uint32_t fnv = 2166136261u;
  int inword = 0, eof = 0;
  char buf[512];
  while (!eof && lines != max) {
    struct epoll_event got;
    if (!blocking && epoll_wait(ep, &got, 1, -1) < 0) {
      perror("count: epoll_wait");
      return 1;
    }
    waits++;
    for (;;) {
      ssize_t r = read(0, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) break;
      if (r < 0) {
        perror("count: read");
        return 1;
      }
      if (r == 0) {
        eof = 1;
        break;
      }
      for (ssize_t i = 0; i < r && lines != max; i++) {
        unsigned char ch = (unsigned char)buf[i];
        bytes++;
        fnv = (fnv ^ ch) * 16777619u;
        if (ch == '\n') lines++;
        if (ch == ' ' || ch == '\n') inword = 0;
        else if (!inword) {
          inword = 1;
          words++;
        }
      }
      if (lines == max || blocking) break;
    }
  }
  printf("count: %ld lines, %ld words, %ld bytes, fnv %08x%s\n", lines, words, bytes, fnv,
         eof ? "" : " (stopped)");
  fprintf(stderr, "count: %ld %s\n", waits, blocking ? "reads" : "epoll waits");
  return 0;
}
