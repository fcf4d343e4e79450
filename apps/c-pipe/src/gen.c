/* gen [-n LINES] [-s SEED] [-d MS] [-B BYTES]: writes LINES lines of pseudo-random lowercase words
 * (1-8 words of 1-9 letters; a 32-bit LCG from SEED) to stdout, sleeping MS milliseconds after each
 * line. A write that fails (the reader is gone: EPIPE) ends it with status 3.
 * -B: the lines go out in blocking write(2)s of BYTES bytes instead of one per line; before each
 * one gen polls stdout, and at the end it tells on stderr how many found the pipe full (and so
 * waited for the reader). A blocking write that returns short ends it with status 4. */
#include <errno.h>
#include <poll.h>
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

static char *block;
static long blocksize, held, writes, waited;

/* One blocking write of what is held: all of it, however long the reader takes. */
static int flush_block(void) {
  if (held == 0) return 0;
  struct pollfd p = {.fd = 1, .events = POLLOUT};
  if (poll(&p, 1, 0) == 0) waited++;
  ssize_t w = write(1, block, (size_t)held);
  if (w < 0) return -1;
  if (w != held) {
    fprintf(stderr, "gen: a blocking write of %ld bytes returned %zd\n", held, w);
    exit(4);
  }
  writes++;
  held = 0;
  return 0;
}

int main(int argc, char **argv) {
  long lines = 100, ms = 0;
  state = 1;
  int c;
  while ((c = getopt(argc, argv, "n:s:d:B:")) != -1) {
    if (c == 'n') lines = atol(optarg);
    else if (c == 's') state = (unsigned)atol(optarg);
    else if (c == 'd') ms = atol(optarg);
    else if (c == 'B') blocksize = atol(optarg);
    else return 2;
  }
  if (blocksize > 0 && !(block = malloc((size_t)blocksize))) return 2;
  char line[128];
  for (long i = 0; i < lines; i++) {
    int len = 0, words = 1 + (int)next(8);
    for (int w = 0; w < words; w++) {
      if (w) line[len++] = ' ';
      int letters = 1 + (int)next(9);
      for (int k = 0; k < letters; k++) line[len++] = (char)('a' + next(26));
    }
    line[len++] = '\n';
    int failed = 0;
    if (block) {
      for (int k = 0; k < len && !failed; k++) {
        block[held++] = line[k];
        if (held == blocksize) failed = flush_block() != 0;
      }
    } else failed = fwrite(line, 1, (size_t)len, stdout) != (size_t)len || fflush(stdout) != 0;
    if (failed) {
      fprintf(stderr, "gen: write: %s after %ld lines\n", errno == EPIPE ? "EPIPE" : strerror(errno),
              i);
      return 3;
    }
    if (ms > 0) {
      struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
      nanosleep(&t, NULL);
    }
  }
  if (block) {
    if (flush_block() != 0) {
      fprintf(stderr, "gen: write: %s at the end\n", errno == EPIPE ? "EPIPE" : strerror(errno));
      return 3;
    }
    fprintf(stderr, "gen: %ld of %ld writes waited for room\n", waited, writes);
  }
  return 0;
}
