/* sum [MAX]: adds the numbers on stdin, one per line, until EOF (or MAX lines, then exits as head
 * does), and prints how many and their total. Each read on an empty pipe parks the program. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int max = argc > 1 ? atoi(argv[1]) : -1;
  char line[64];
  long total = 0;
  int lines = 0;
  while (lines != max && fgets(line, sizeof line, stdin)) {
    total += atol(line);
    lines++;
  }
  printf("sum: %d lines, total %ld\n", lines, total);
  return lines > 0 ? 0 : 1;
}
