// Waits for input on stdin with epoll and a timeout, as an event loop does: stdin is the console
// (devfs) here, in the same epoll as anything else (<sys/epoll.h> over WASIX's epoll_*).
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

int main(void) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xc0de};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) != 0) {
    perror("epoll_ctl");
    return 1;
  }
  for (int round = 0; round < 3; round++) {
    struct epoll_event got;
    int n = epoll_wait(ep, &got, 1, 50);
    if (n == 0) {
      printf("round %d: timeout\n", round);
      continue;
    }
    char buf[64];
    ssize_t r = read(0, buf, sizeof buf);
    printf("round %d: ready %d data %llx%s, read %d: %.*s\n", round, n,
           (unsigned long long)got.data.u64, (got.events & EPOLLIN) ? " IN" : "", (int)r,
           r > 0 ? (int)r : 0, buf);
  }
  return 0;
}
