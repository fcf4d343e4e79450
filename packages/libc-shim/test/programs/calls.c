// One libc call in a loop, for the sync-path test and bench:wasicalls.
//   calls write PATH N   N one-byte write()s to PATH (created/truncated; /dev/null works)
//   calls read PATH      read() PATH one byte at a time, then pread() each byte back
//   calls clock N        N clock_gettime(CLOCK_MONOTONIC), checked never to go back
//   calls yield N        N sched_yield() (each one a blocking call: the kernel runs other threads)
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what) {
  perror(what);
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "write")) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open");
    long n = atol(argv[3]);
    for (long i = 0; i < n; i++) {
      char c = 'a' + i % 26;
      if (write(fd, &c, 1) != 1) return fail("write");
    }
    if (close(fd)) return fail("close");
    printf("wrote %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "read")) {
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) return fail("open");
    long n = 0;
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) == 1) {
      if (c != 'a' + n % 26) return fail("read: wrong byte");
      n++;
    }
    if (r < 0) return fail("read");
    for (long i = n - 1; i >= 0; i--)
      if (pread(fd, &c, 1, i) != 1 || c != 'a' + i % 26) return fail("pread");
    close(fd);
    printf("read %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "clock")) {
    long n = atol(argv[2]);
    struct timespec last = {0, 0}, t;
    for (long i = 0; i < n; i++) {
      if (clock_gettime(CLOCK_MONOTONIC, &t)) return fail("clock_gettime");
      if (t.tv_sec < last.tv_sec || (t.tv_sec == last.tv_sec && t.tv_nsec < last.tv_nsec))
        return fail("clock went back");
      last = t;
    }
    printf("clock %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "yield")) {
    long n = atol(argv[2]);
    for (long i = 0; i < n; i++)
      if (sched_yield()) return fail("sched_yield");
    printf("yield %ld\n", n);
    return 0;
  }
  fprintf(stderr, "usage: calls write PATH N | calls read PATH | calls clock N | calls yield N\n");
  return 2;
}
