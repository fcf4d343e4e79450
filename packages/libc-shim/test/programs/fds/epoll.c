/* epoll(7) over a pipe, an eventfd and a UDP socket: level-triggered items report while ready,
 * EPOLLET once per change, EPOLLONESHOT once until EPOLL_CTL_MOD; data comes back as given; hang-up;
 * the errors of epoll_ctl and epoll_wait. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"

static int epfd;

/* One epoll_wait: the count and each event's data tag and bits. */
static void wait_and_show(const char *what, int timeout) {
  struct epoll_event ev[8];
  int n = epoll_wait(epfd, ev, 8, timeout);
  if (n < 0) {
    printf("%s: -1 %s\n", what, ename(errno));
    return;
  }
  printf("%s: %d", what, n);
  /* Order within one wait is not specified: print the events sorted by tag. */
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (ev[j].data.u64 < ev[i].data.u64) {
        struct epoll_event t = ev[i];
        ev[i] = ev[j];
        ev[j] = t;
      }
  for (int i = 0; i < n; i++) {
    uint32_t e = ev[i].events;
    printf(" [%llx%s%s%s%s]", (unsigned long long)ev[i].data.u64, e & EPOLLIN ? " IN" : "",
           e & EPOLLOUT ? " OUT" : "", e & EPOLLHUP ? " HUP" : "", e & EPOLLERR ? " ERR" : "");
  }
  printf("\n");
}

/* Waits until the datagram sent to ourselves has arrived (Linux's loopback delivers it within
 * sendto; rknet's through its device, a moment later), so that every wait below sees it. */
static void arrived(int s) {
  struct pollfd p = {.fd = s, .events = POLLIN};
  poll(&p, 1, -1);
}

static int add(int fd, uint32_t events, uint64_t tag) {
  struct epoll_event ev = {.events = events, .data.u64 = tag};
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int main(void) {
  no_sigpipe();
  epfd = epoll_create1(0);
  SHOW("epoll_create1", epfd >= 0);
  int p[2];
  SHOW("pipe", pipe(p));
  int efd = eventfd(0, EFD_NONBLOCK);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SHOW("bind", bind(s, (struct sockaddr *)&a, sizeof a));
  socklen_t len = sizeof a;
  SHOW("getsockname", getsockname(s, (struct sockaddr *)&a, &len));

  /* Level-triggered: reported at every wait while ready. */
  SHOW("add pipe read end (LT)", add(p[0], EPOLLIN, 0x1122334455667788ull));
  SHOW("add eventfd (LT)", add(efd, EPOLLIN, 0x2000000000000002ull));
  SHOW("add socket (LT)", add(s, EPOLLIN, 0x3000000000000003ull));
  wait_and_show("nothing ready", 0);
  wait_and_show("nothing ready, 20 ms", 20);
  SHOW("write pipe", write(p[1], "abc", 3));
  eventfd_write(efd, 1);
  SHOW("sendto self", sendto(s, "dgram", 5, 0, (struct sockaddr *)&a, sizeof a));
  arrived(s);
  wait_and_show("three ready", -1);
  wait_and_show("still ready (LT)", 0);
  char buf[16];
  SHOW("read pipe", read(p[0], buf, sizeof buf));
  eventfd_t v;
  eventfd_read(efd, &v);
  SHOW("recv", recv(s, buf, sizeof buf, 0));
  wait_and_show("drained", 0);

  /* Edge-triggered: one report per change, however long it stays ready. */
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x11};
  SHOW("mod pipe to ET", epoll_ctl(epfd, EPOLL_CTL_MOD, p[0], &ev));
  ev.data.u64 = 0x22;
  SHOW("mod eventfd to ET", epoll_ctl(epfd, EPOLL_CTL_MOD, efd, &ev));
  ev.data.u64 = 0x33;
  SHOW("mod socket to ET", epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev));
  SHOW("write pipe", write(p[1], "x", 1));
  eventfd_write(efd, 1);
  SHOW("sendto self", sendto(s, "d1", 2, 0, (struct sockaddr *)&a, sizeof a));
  arrived(s);
  wait_and_show("edges", 0);
  wait_and_show("no new edge", 0);
  SHOW("write pipe again", write(p[1], "y", 1));
  eventfd_write(efd, 1);
  wait_and_show("new edges", 0);
  SHOW("read pipe", read(p[0], buf, sizeof buf));
  eventfd_read(efd, &v);
  recv(s, buf, sizeof buf, 0);

  /* One-shot: one report, then nothing until EPOLL_CTL_MOD re-arms it. */
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.u64 = 0x111;
  SHOW("mod pipe to ONESHOT", epoll_ctl(epfd, EPOLL_CTL_MOD, p[0], &ev));
  ev.data.u64 = 0x222;
  SHOW("mod eventfd to ONESHOT", epoll_ctl(epfd, EPOLL_CTL_MOD, efd, &ev));
  ev.data.u64 = 0x333;
  SHOW("mod socket to ONESHOT", epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev));
  SHOW("write pipe", write(p[1], "z", 1));
  eventfd_write(efd, 1);
  sendto(s, "d2", 2, 0, (struct sockaddr *)&a, sizeof a);
  arrived(s);
  wait_and_show("one shot", 0);
  wait_and_show("disarmed", 0);
  ev.data.u64 = 0x444;
  SHOW("re-arm pipe", epoll_ctl(epfd, EPOLL_CTL_MOD, p[0], &ev));
  wait_and_show("re-armed", 0);
  SHOW("read pipe", read(p[0], buf, sizeof buf));

  /* Hang-up, and the write end's room. */
  SHOW("del pipe read end", epoll_ctl(epfd, EPOLL_CTL_DEL, p[0], NULL));
  SHOW("add write end (OUT)", add(p[1], EPOLLOUT, 0x55));
  wait_and_show("room", 0);
  SHOW("del write end", epoll_ctl(epfd, EPOLL_CTL_DEL, p[1], NULL));
  SHOW("add read end again", add(p[0], EPOLLIN, 0x66));
  SHOW("close write end", close(p[1]));
  wait_and_show("hang-up", 0);
  /* Closing the last descriptor of a file drops its item. */
  SHOW("close read end", close(p[0]));
  SHOW("del closed fd", epoll_ctl(epfd, EPOLL_CTL_DEL, p[0], NULL));

  /* Errors. */
  ev.events = EPOLLIN;
  SHOW("add twice", epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev));
  int q[2];
  pipe(q);
  SHOW("mod unregistered", epoll_ctl(epfd, EPOLL_CTL_MOD, q[0], &ev));
  SHOW("del unregistered", epoll_ctl(epfd, EPOLL_CTL_DEL, q[0], NULL));
  SHOW("add itself", epoll_ctl(epfd, EPOLL_CTL_ADD, epfd, &ev));
  SHOW("bad op", epoll_ctl(epfd, 99, q[0], &ev));
  SHOW("bad fd", epoll_ctl(epfd, EPOLL_CTL_ADD, 999, &ev));
  SHOW("not an epoll", epoll_ctl(q[0], EPOLL_CTL_ADD, q[1], &ev));
  int f = open("epoll-regular-file", O_CREAT | O_RDWR | O_TRUNC, 0644);
  SHOW("regular file", epoll_ctl(epfd, EPOLL_CTL_ADD, f, &ev));
  close(f);
  unlink("epoll-regular-file");
  SHOW("exclusive with MOD", epoll_ctl(epfd, EPOLL_CTL_MOD, efd, &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE}));
  struct epoll_event out[1];
  SHOW("wait maxevents 0", epoll_wait(epfd, out, 0, 0));
  SHOW("wait on a pipe", epoll_wait(q[0], out, 1, 0));
  SHOW("wait on a closed fd", epoll_wait(999, out, 1, 0));
  SHOW("epoll_create(0)", epoll_create(0));
  SHOW("epoll_create1 bad flags", epoll_create1(1));
  int e2 = epoll_create(1);
  SHOW("epoll_create(1)", e2 >= 0);
  /* An epoll in an epoll: readable while its own items are ready. */
  ev.data.u64 = 0x77;
  SHOW("add an epoll", epoll_ctl(epfd, EPOLL_CTL_ADD, e2, &ev));
  struct epoll_event qe = {.events = EPOLLIN, .data.u64 = 9};
  SHOW("inner add", epoll_ctl(e2, EPOLL_CTL_ADD, q[0], &qe));
  SHOW("del eventfd", epoll_ctl(epfd, EPOLL_CTL_DEL, efd, NULL));
  SHOW("del socket", epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL));
  wait_and_show("inner idle", 0);
  write(q[1], "w", 1);
  wait_and_show("inner ready", 0);
  return 0;
}
