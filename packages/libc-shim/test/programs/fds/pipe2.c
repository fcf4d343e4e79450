/* pipe2(2) with O_NONBLOCK: EAGAIN instead of waiting on both ends, flags seen by fcntl, and an
 * unknown flag refused. */
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  no_sigpipe();
  int p[2];
  SHOW("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK));
  printf("read end nonblock %d, write end nonblock %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0,
         (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
  char buf[8];
  SHOW("read empty", read(p[0], buf, sizeof buf));
  SHOW("write", write(p[1], "abc", 3));
  SHOW("read", read(p[0], buf, sizeof buf));
  SHOW("read empty again", read(p[0], buf, sizeof buf));
  /* Fill: 4 KiB writes (PIPE_BUF, atomic) until EAGAIN. */
  static char page[4096];
  int writes = 0;
  while (write(p[1], page, sizeof page) == (ssize_t)sizeof page) writes++;
  printf("%d page writes, then %s\n", writes, ename(errno));
  SHOW("one byte more", write(p[1], "x", 1));
  SHOW("read a page", read(p[0], page, sizeof page));
  SHOW("a page fits again", write(p[1], page, sizeof page));
  SHOW("clear O_NONBLOCK on the read end", fcntl(p[0], F_SETFL, 0));
  printf("read end nonblock %d, write end nonblock %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0,
         (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
  close(p[0]);
  close(p[1]);
  SHOW("pipe2 flags 0", pipe2(p, 0));
  printf("nonblock %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
  close(p[0]);
  close(p[1]);
  SHOW("pipe2 O_CLOEXEC", pipe2(p, O_CLOEXEC));
  close(p[0]);
  close(p[1]);
  SHOW("pipe2 O_APPEND", pipe2(p, O_APPEND));
  SHOW("pipe2 NULL", pipe2(NULL, 0));
  SHOW("pipe NULL", pipe(NULL));
  return 0;
}
