/* seq N [MS]: prints 1..N, one line per write (flushed), sleeping MS milliseconds between lines.
 * A write that fails (no reader left: EPIPE) is reported on stderr and is exit status 3. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  int ms = argc > 2 ? atoi(argv[2]) : 0;
  for (int i = 1; i <= n; i++) {
    /* stdio flushes a line itself until it knows stdout is not a terminal: check both. */
    if (printf("%d\n", i) < 0 || fflush(stdout) != 0) {
      fprintf(stderr, "seq: write: %s after %d lines\n", errno == EPIPE ? "EPIPE" : strerror(errno),
              i - 1);
      return 3;
    }
    if (ms > 0) {
      struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
      nanosleep(&t, NULL);
    }
  }
  return 0;
}
