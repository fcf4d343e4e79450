/* dup, dup2 and dup3 on pipes: duplicates share the open file (its O_NONBLOCK), keep the pipe open,
 * can replace stdout; the errors of bad descriptors and equal ones. */
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  int p[2];
  SHOW("pipe", pipe(p));
  int d = dup(p[1]);
  SHOW("dup is the lowest free", d == p[1] + 1);
  SHOW("write through the dup", write(d, "via dup", 7));
  char buf[32];
  ssize_t n = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  /* Status flags belong to the open file: O_NONBLOCK set on one descriptor shows on the other. */
  int r2 = dup(p[0]);
  SHOW("fcntl O_NONBLOCK on the dup", fcntl(r2, F_SETFL, O_NONBLOCK));
  printf("original nonblock %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
  SHOW("read empty through the original", read(p[0], buf, sizeof buf));
  /* dup2 onto a free high descriptor, onto an open one (closed first), onto itself. */
  SHOW("dup2 onto 40", dup2(p[1], 40));
  SHOW("write via 40", write(40, "forty", 5));
  n = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  int q[2];
  pipe(q);
  SHOW("dup2 onto the other pipe's write end", dup2(p[1], q[1]) == q[1]);
  SHOW("write via it", write(q[1], "moved", 5));
  n = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  /* The other pipe lost its only writer: its reader sees EOF. */
  SHOW("other pipe at EOF", read(q[0], buf, sizeof buf));
  SHOW("dup2 onto itself", dup2(p[0], p[0]) == p[0]);
  /* stdout into the pipe and back. */
  fflush(stdout);
  int saved = dup(1);
  SHOW("dup2 pipe onto stdout", dup2(p[1], 1) == 1);
  write(1, "to stdout", 9);
  SHOW("restore stdout", dup2(saved, 1));
  close(saved);
  n = read(p[0], buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  /* Closing every write end, dups included, is EOF. */
  close(p[1]);
  close(d);
  close(40);
  close(q[1]);
  SHOW("fcntl blocking again", fcntl(p[0], F_SETFL, 0));
  SHOW("read at EOF", read(p[0], buf, sizeof buf));
  /* Errors. */
  SHOW("dup closed fd", dup(999));
  SHOW("dup2 closed fd", dup2(999, 50));
  SHOW("dup2 onto -1", dup2(p[0], -1));
  SHOW("dup2 itself closed", dup2(999, 999));
  SHOW("dup3 same fds", dup3(p[0], p[0], 0));
  SHOW("dup3 bad flags", dup3(p[0], 50, 0x40000000));
  SHOW("dup3", dup3(p[0], 50, O_CLOEXEC));
  SHOW("dup2 past the limit", dup2(p[0], 1 << 20));
  return 0;
}
