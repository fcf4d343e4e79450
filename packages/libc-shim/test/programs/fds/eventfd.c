/* eventfd(2): a counter read and reset as 8 bytes, EFD_SEMAPHORE decrementing by one, EFD_NONBLOCK's
 * EAGAIN at zero and at the maximum, the errors of short buffers and bad values, poll readiness. */
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "common.h"

static void ready(const char *what, int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
  int n = poll(&p, 1, 0);
  printf("%s: poll %d in %d out %d\n", what, n, (p.revents & POLLIN) != 0, (p.revents & POLLOUT) != 0);
}

int main(void) {
  int fd = eventfd(5, 0);
  SHOW("eventfd(5)", fd >= 0);
  ready("count 5", fd);
  uint64_t v = 3;
  SHOW("write 3", write(fd, &v, sizeof v));
  v = 0;
  SHOW("read", read(fd, &v, sizeof v));
  printf("value %llu\n", (unsigned long long)v);
  ready("count 0", fd);
  SHOW("eventfd_write 7", eventfd_write(fd, 7));
  eventfd_t ev = 0;
  SHOW("eventfd_read", eventfd_read(fd, &ev));
  printf("value %llu\n", (unsigned long long)ev);
  SHOW("read into 4 bytes", read(fd, &v, 4));
  SHOW("write 4 bytes", write(fd, &v, 4));
  v = UINT64_MAX;
  SHOW("write UINT64_MAX", write(fd, &v, sizeof v));
  close(fd);

  fd = eventfd(0, EFD_NONBLOCK);
  SHOW("eventfd(0, EFD_NONBLOCK)", fd >= 0);
  SHOW("read at zero", read(fd, &v, sizeof v));
  v = UINT64_MAX - 1;
  SHOW("write the maximum", write(fd, &v, sizeof v));
  ready("count max", fd);
  v = 1;
  SHOW("write one more", write(fd, &v, sizeof v));
  SHOW("read", read(fd, &v, sizeof v));
  printf("value %llu\n", (unsigned long long)v);
  close(fd);

  fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
  SHOW("eventfd(3, EFD_SEMAPHORE)", fd >= 0);
  for (int i = 0; i < 4; i++) {
    v = 0;
    ssize_t r = read(fd, &v, sizeof v);
    if (r < 0) printf("semaphore read %d: -1 %s\n", i, ename(errno));
    else printf("semaphore read %d: %zd value %llu\n", i, r, (unsigned long long)v);
  }
  v = 2;
  SHOW("write 2", write(fd, &v, sizeof v));
  ready("semaphore 2", fd);
  SHOW("read", read(fd, &v, sizeof v));
  printf("value %llu\n", (unsigned long long)v);
  close(fd);

  SHOW("eventfd bad flags", eventfd(0, 0x40000000));
  return 0;
}
