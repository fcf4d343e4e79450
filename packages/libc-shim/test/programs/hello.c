#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <time.h>
int main(int argc, char **argv) {
  printf("hello from C, argc=%d argv[1]=%s\n", argc, argc > 1 ? argv[1] : "-");
  FILE *f = fopen("/tmp/x.txt", "w");
  if (!f) { printf("fopen: %s\n", strerror(errno)); return 3; }
  fprintf(f, "line %d\n", 42); fclose(f);
  char buf[64] = {0}; int fd = open("/tmp/x.txt", O_RDONLY); int n = read(fd, buf, 63); close(fd);
  printf("read %d: %s", n, buf);
  struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts); printf("time ok %d\n", ts.tv_sec > 1000000);
  char *e = getenv("HOME"); printf("HOME=%s\n", e ? e : "(none)");
  return 7;
}
