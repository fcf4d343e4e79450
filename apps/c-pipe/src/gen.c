/* gen [-n LINES] [-s SEED] [-d MS]: writes LINES lines of pseudo-random lowercase words (1-8 words
 * of 1-9 letters; a 32-bit LCG from SEED) to stdout, sleeping MS milliseconds after each line.
 * A write that fails (the reader is gone: EPIPE) ends it with status 3. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned state;
static unsigned next(unsigned n) {
  state = state * 1103515245u + 12345u;
  return (state >> 16) % n;
}

int main(int argc, char **argv) {
  long lines = 100, ms = 0;
  state = 1;
  int c;
  while ((c = getopt(argc, argv, "n:s:d:")) != -1) {
    if (c == 'n') lines = atol(optarg);
    else if (c == 's') state = (unsigned)atol(optarg);
    else if (c == 'd') ms = atol(optarg);
    else return 2;
  }
  char line[128];
  for (long i = 0; i < lines; i++) {
    int len = 0, words = 1 + (int)next(8);
    for (int w = 0; w < words; w++) {
      if (w) line[len++] = ' ';
      int letters = 1 + (int)next(9);
      for (int k = 0; k < letters; k++) line[len++] = (char)('a' + next(26));
    }
    line[len++] = '\n';
    if (fwrite(line, 1, (size_t)len, stdout) != (size_t)len || fflush(stdout) != 0) {
      fprintf(stderr, "gen: write: %s after %ld lines\n", errno == EPIPE ? "EPIPE" : strerror(errno),
              i);
      return 3;
    }
    if (ms > 0) {
      struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
      nanosleep(&t, NULL);
    }
  }
  return 0;
}
