/* Replays an RKAT v1 allocation trace (see ../trace.ts) with the host libc's malloc (glibc), so JS
 * allocators and glibc run the very same operations. Prints one JSON line:
 * {"ops":N,"ns":[per-run ns...],"peak":{...mallinfo2...},"end":{...}}
 * usage: replay TRACE RUNS PEAK_INDEX
 * Build: gcc -O2 -o replay replay.c */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OP_MALLOC = 1, OP_CALLOC, OP_REALLOC, OP_FREE, OP_MEMALIGN };

static uint8_t *code; static uint32_t *slot, *size, *align; static void **slots;
static uint32_t nops, nslots;

static uint64_t varint(const uint8_t *b, size_t *p, size_t n) {
  uint64_t v = 0; int sh = 0;
  for (;;) {
    if (*p >= n) { fprintf(stderr, "replay: truncated trace\n"); exit(2); }
    uint8_t c = b[(*p)++]; v |= (uint64_t)(c & 0x7f) << sh;
    if (c < 0x80) return v;
    sh += 7;
  }
}

static void load(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(n);
  if (fread(b, 1, n, f) != (size_t)n || n < 16 || memcmp(b, "RKAT", 4)) { fprintf(stderr, "replay: bad trace\n"); exit(2); }
  fclose(f);
  memcpy(&nops, b + 8, 4); memcpy(&nslots, b + 12, 4);
  code = malloc(nops); slot = malloc(4 * nops); size = malloc(4 * nops); align = malloc(4 * nops);
  slots = calloc(nslots, sizeof(void *));
  size_t p = 16;
  for (uint32_t i = 0; i < nops; i++) {
    code[i] = b[p++]; slot[i] = varint(b, &p, n);
    align[i] = code[i] == OP_MEMALIGN ? varint(b, &p, n) : 0;
    size[i] = code[i] == OP_FREE ? 0 : varint(b, &p, n);
  }
  free(b);
}

static void run(uint32_t upto) {
  for (uint32_t i = 0; i < upto; i++) {
    uint32_t s = slot[i];
    switch (code[i]) {
    case OP_MALLOC: slots[s] = malloc(size[i]); break;
    case OP_CALLOC: slots[s] = calloc(1, size[i]); break;
    case OP_REALLOC: { void *r = realloc(slots[s], size[i]); if (r) slots[s] = r; break; }
    case OP_FREE: free(slots[s]); slots[s] = 0; break;
    case OP_MEMALIGN: { void *r = 0; if (posix_memalign(&r, align[i] < 8 ? 8 : align[i], size[i]) == 0) slots[s] = r; break; }
    }
  }
}
static void free_all(void) { for (uint32_t s = 0; s < nslots; s++) { free(slots[s]); slots[s] = 0; } }
static void info(const char *name) {
  struct mallinfo2 m = mallinfo2();
  printf("\"%s\":{\"arena\":%zu,\"inUse\":%zu,\"free\":%zu,\"mmapped\":%zu}", name, m.arena, m.uordblks, m.fordblks, m.hblkhd);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: replay TRACE RUNS PEAK_INDEX\n"); return 2; }
  load(argv[1]);
  int runs = atoi(argv[2]); uint32_t peak = (uint32_t)atol(argv[3]);
  printf("{\"ops\":%u,\"ns\":[", nops);
  for (int r = 0; r < runs; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    run(nops);
    free_all();
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%s%lld", r ? "," : "", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
  }
  printf("],");
  malloc_trim(0);
  run(peak); info("peak"); free_all(); malloc_trim(0);
  printf(","); run(nops); info("end"); free_all();
  printf("}\n");
  return 0;
}
