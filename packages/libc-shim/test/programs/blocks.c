/* blocks LETTER COUNT SIZE: COUNT blocking write(2)s to stdout of SIZE bytes of LETTER, each of
 * which must return SIZE (a blocking write to a pipe completes whole); a short one is status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  long count = atol(argv[2]), size = atol(argv[3]);
  char *b = malloc((size_t)size);
  if (!b) return 2;
  memset(b, argv[1][0], (size_t)size);
  for (long i = 0; i < count; i++) {
    ssize_t w = write(1, b, (size_t)size);
    if (w != size) {
      fprintf(stderr, "blocks: write %ld returned %zd\n", i, w);
      return 1;
    }
  }
  return 0;
}
