// Fills 4 MiB of heap with a pattern, then blocks (sleeps, which always suspend the program through
// asyncify, between file writes and reads) from a recursion deep enough to fill a good part of the
// save area, then checks every heap byte. Prints "heap intact" or where the heap was overwritten.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCKS 64
#define BLOCK (64 * 1024)

static unsigned char *blocks[BLOCKS];

static int io(int fd, int depth) {
  char buf[256];
  if (depth > 0) {
    memset(buf, depth, sizeof buf);
    int r = io(fd, depth - 1);
    return r < 0 ? r : r + buf[depth % sizeof buf];
  }
  for (int i = 0; i < 32; i++) {
    usleep(10);
    memset(buf, i, sizeof buf);
    if (pwrite(fd, buf, sizeof buf, i * sizeof buf) != sizeof buf) return -1;
    if (pread(fd, buf, sizeof buf, i * sizeof buf) != sizeof buf || buf[7] != i) return -1;
  }
  return 0;
}

int main(void) {
  for (int b = 0; b < BLOCKS; b++) {
    blocks[b] = malloc(BLOCK);
    if (!blocks[b]) return 2;
    for (int i = 0; i < BLOCK; i++) blocks[b][i] = (unsigned char)(b * 31 + i * 7);
  }
  int fd = open("/tmp/heap.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0 || io(fd, 200) < 0) return 3;
  close(fd);
  for (int b = 0; b < BLOCKS; b++)
    for (int i = 0; i < BLOCK; i++)
      if (blocks[b][i] != (unsigned char)(b * 31 + i * 7)) {
        printf("heap overwritten: block %d byte %d\n", b, i);
        return 1;
      }
  printf("heap intact\n");
  return 0;
}
