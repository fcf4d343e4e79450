// Misbehaving programs for the bad-program tests, chosen by argv[1].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "trap")) { volatile int *p = (int *)0xfffffff0; return *p; }
  if (!strcmp(what, "abort")) abort();
  if (!strcmp(what, "badptr")) {
    // write(2) with a pointer past the end of memory: the kernel must answer EFAULT.
    long r = write(1, (const void *)0xfffff000, 100);
    printf("write badptr: %ld %s\n", r, r < 0 && errno == EFAULT ? "EFAULT" : "other");
    return 0;
  }
  if (!strcmp(what, "oom")) {
    // The blocks are chained and the chain walked, so the compiler cannot drop them as dead.
    size_t total = 0;
    void **chain = 0;
    for (;;) {
      void **p = malloc(1 << 20);
      if (p) { memset(p, 1, 1 << 20); *p = chain; chain = p; }
      if (!p) {
        size_t n = 0;
        for (void **c = chain; c; c = *c) n++;
        printf("malloc failed after %zu MiB (%zu blocks): %s\n", total >> 20, n, errno == ENOMEM ? "ENOMEM" : "other");
        return 0;
      }
      total += 1 << 20;
    }
  }
  if (!strcmp(what, "recurse")) { volatile char b[4096]; b[0] = argc; return main(argc + 1, argv) + b[0]; }
  return 9;
}
