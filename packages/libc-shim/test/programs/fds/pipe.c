/* pipe(2): data in order, EOF once every writer is gone (a dup counts), EPIPE once every reader is,
 * EBADF for the wrong end, the capacity seen through O_NONBLOCK. */
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  no_sigpipe();
  int p[2];
  SHOW("pipe", pipe(p));
  printf("ends differ %d, both above stdio %d\n", p[0] != p[1], p[0] > 2 && p[1] > 2);
  char buf[64];
  for (int round = 0; round < 3; round++) {
    char msg[16];
    int n = snprintf(msg, sizeof msg, "ping %d", round);
    SHOW("write", write(p[1], msg, (size_t)n));
    ssize_t got = read(p[0], buf, sizeof buf);
    printf("read %zd '%.*s'\n", got, (int)(got > 0 ? got : 0), buf);
  }
  /* Two writes are read back in one read, in order. */
  SHOW("write", write(p[1], "ab", 2));
  SHOW("write", write(p[1], "cd", 2));
  ssize_t got = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", got, (int)got, buf);
  /* A short read leaves the rest. */
  SHOW("write", write(p[1], "hello", 5));
  got = read(p[0], buf, 2);
  printf("read %zd '%.*s'\n", got, (int)got, buf);
  got = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", got, (int)got, buf);
  /* The wrong end. */
  SHOW("read on the write end", read(p[1], buf, 1));
  SHOW("write on the read end", write(p[0], "x", 1));
  /* EOF: a duplicate of the write end keeps the pipe open. */
  int w2 = dup(p[1]);
  SHOW("dup of the write end > write end", w2 > p[1]);
  SHOW("write", write(p[1], "last", 4));
  SHOW("close write end", close(p[1]));
  got = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", got, (int)got, buf);
  SHOW("fcntl O_NONBLOCK", fcntl(p[0], F_SETFL, O_NONBLOCK));
  SHOW("read with a writer left", read(p[0], buf, sizeof buf));
  SHOW("close the dup", close(w2));
  SHOW("read at EOF", read(p[0], buf, sizeof buf));
  SHOW("read at EOF again", read(p[0], buf, sizeof buf));
  SHOW("close read end", close(p[0]));
  SHOW("close it again", close(p[0]));
  /* EPIPE: no reader. */
  SHOW("pipe", pipe(p));
  SHOW("close read end", close(p[0]));
  SHOW("write without a reader", write(p[1], "x", 1));
  SHOW("close write end", close(p[1]));
  /* The capacity: 64 KiB (Linux's default), filled 1 KiB at a time without blocking. */
  SHOW("pipe", pipe(p));
  SHOW("fcntl O_NONBLOCK", fcntl(p[1], F_SETFL, O_NONBLOCK));
  char kib[1024];
  memset(kib, 'z', sizeof kib);
  long total = 0;
  ssize_t w;
  while ((w = write(p[1], kib, sizeof kib)) > 0) total += w;
  printf("filled %ld bytes, then %s\n", total, ename(errno));
  long drained = 0;
  while (drained < total && (got = read(p[0], kib, sizeof kib)) > 0) drained += got;
  printf("drained %ld\n", drained);
  SHOW("write after draining", write(p[1], kib, sizeof kib));
  close(p[0]);
  close(p[1]);
  return 0;
}
