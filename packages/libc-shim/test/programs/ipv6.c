/*
 * IPv6 where the stack has none (rknet is IPv4 only): every way a C program reaches for it gets a
 * precise error, and IPv4 keeps working next to it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The extension's call itself, as a Rust or other non-C caller uses it (layouts: sockets-ext.ts). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_getaddrinfo"))) unsigned
raw_getaddrinfo(const char *node, unsigned nlen, const char *serv, unsigned slen, const void *hints,
                unsigned *res, unsigned max, unsigned *n);

static const char *en(int e) {
  return e == EAFNOSUPPORT ? "EAFNOSUPPORT" : strerror(e);
}

static void gai(const char *node, int family) {
  struct addrinfo h, *r;
  memset(&h, 0, sizeof h);
  h.ai_family = family;
  h.ai_socktype = SOCK_STREAM;
  int e = getaddrinfo(node, "80", &h, &r);
  printf("getaddrinfo %s %s: %s\n", node, family == AF_INET6 ? "AF_INET6" : family == AF_INET ? "AF_INET" : "AF_UNSPEC",
         e == 0 ? "ok" : e == EAI_FAMILY ? "EAI_FAMILY" : e == EAI_ADDRFAMILY ? "EAI_ADDRFAMILY" : gai_strerror(e));
  if (e == 0) freeaddrinfo(r);
}

int main(void) {
  int r = socket(AF_INET6, SOCK_STREAM, 0);
  printf("socket AF_INET6 stream %d %s\n", r, en(errno));
  r = socket(AF_INET6, SOCK_DGRAM, 0);
  printf("socket AF_INET6 dgram %d %s\n", r, en(errno));
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_port = htons(7000);
  printf("inet_pton ::1 %d\n", inet_pton(AF_INET6, "::1", &a6.sin6_addr));
  int t = socket(AF_INET, SOCK_STREAM, 0);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  printf("inet sockets %s\n", t >= 0 && u >= 0 ? "ok" : "failed");
  errno = 0;
  r = bind(t, (struct sockaddr *)&a6, sizeof a6);
  printf("bind sockaddr_in6 %d %s\n", r, en(errno));
  errno = 0;
  r = connect(t, (struct sockaddr *)&a6, sizeof a6);
  printf("connect sockaddr_in6 %d %s\n", r, en(errno));
  errno = 0;
  ssize_t n = sendto(u, "x", 1, 0, (struct sockaddr *)&a6, sizeof a6);
  printf("sendto sockaddr_in6 %zd %s\n", n, en(errno));
  gai("::1", AF_UNSPEC);
  gai("::1", AF_INET);
  gai("::ffff:127.0.0.1", AF_UNSPEC);
  gai("127.0.0.1", AF_INET6);
  gai("localhost", AF_INET6);
  gai("127.0.0.1", AF_UNSPEC);
  unsigned char hints[28] = {0};
  unsigned res = 0, got = 0;
  unsigned e = raw_getaddrinfo("::1", 3, "80", 2, hints, &res, 0, &got);
  printf("sock_getaddrinfo ::1 %s\n", e == EAFNOSUPPORT ? "EAFNOSUPPORT" : strerror((int)e));
  /* IPv4 still works on the same sockets after the refusals */
  struct sockaddr_in a4;
  memset(&a4, 0, sizeof a4);
  a4.sin_family = AF_INET;
  a4.sin_port = htons(7001);
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  printf("bind sockaddr_in %d\n", bind(t, (struct sockaddr *)&a4, sizeof a4));
  close(t);
  close(u);
  return 0;
}
