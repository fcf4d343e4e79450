// Polls stdin for input with a timeout, as a server's event loop does: poll(2) is wasi-libc's
// poll_oneoff with an fd subscription and a clock subscription.
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  for (int round = 0; round < 3; round++) {
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int n = poll(&p, 1, 50);
    if (n == 0) {
      printf("round %d: timeout\n", round);
      continue;
    }
    char buf[64];
    ssize_t got = read(0, buf, sizeof buf);
    printf("round %d: ready %d revents %s%s, read %d: %.*s\n", round, n,
           (p.revents & POLLIN) ? "IN" : "", (p.revents & POLLHUP) ? "+HUP" : "", (int)got,
           got > 0 ? (int)got : 0, buf);
  }
  return 0;
}
