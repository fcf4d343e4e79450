/* BSD sockets over libc-shim's socket extension, in one thread over 127.0.0.1: TCP (connect,
 * accept, data both ways, peek, poll, non-blocking, half-close), UDP with source addresses,
 * getaddrinfo, options, fd_renumber of a socket and the errors a program sees. Prints one line per check. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

static void addr(struct sockaddr_in *a, const char *ip, int port) {
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  inet_pton(AF_INET, ip, &a->sin_addr);
}

static const char *show(const struct sockaddr_in *a) {
  static char buf[64];
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
  snprintf(buf, sizeof buf, "%s:%d", ip, ntohs(a->sin_port));
  return buf;
}

int main(void) {
  struct addrinfo hints = {0}, *res;
  hints.ai_socktype = SOCK_STREAM;
  int g = getaddrinfo("127.0.0.1", "7070", &hints, &res);
  printf("getaddrinfo %d %s\n", g, g ? gai_strerror(g) : show((struct sockaddr_in *)res->ai_addr));
  int l = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int one = 1;
  printf("reuseaddr %d\n", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  printf("bind %d listen %d\n", bind(l, res->ai_addr, res->ai_addrlen), listen(l, 8));
  freeaddrinfo(res);
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &al);
  printf("listening on %s\n", show(&a));

  struct pollfd p = {l, POLLIN, 0};
  printf("poll before connect %d\n", poll(&p, 1, 20));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  addr(&a, "127.0.0.1", 7070);
  printf("connect %d\n", connect(c, (struct sockaddr *)&a, sizeof a));
  printf("poll after connect %d revents %d\n", poll(&p, 1, 1000), p.revents & POLLIN);
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &pl);
  struct sockaddr_in cl;
  socklen_t cll = sizeof cl;
  getsockname(c, (struct sockaddr *)&cl, &cll);
  printf("accepted peer ok %d (len %d)\n", peer.sin_port == cl.sin_port, (int)pl);

  printf("send %zd\n", send(c, "ping", 4, MSG_NOSIGNAL));
  char buf[64] = {0};
  printf("peek %zd\n", recv(s, buf, sizeof buf, MSG_PEEK));
  ssize_t n = read(s, buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  printf("write %zd\n", write(s, "pong!", 5));
  n = recv(c, buf, sizeof buf, 0);
  printf("recv %zd '%.*s'\n", n, (int)n, buf);

  fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
  n = recv(s, buf, sizeof buf, 0);
  printf("nonblocking recv %zd %s\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : strerror(errno));
  n = recv(c, buf, sizeof buf, MSG_DONTWAIT);
  printf("dontwait recv %zd %s\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : strerror(errno));

  int type = 0, nd = 1;
  socklen_t tl = sizeof type;
  getsockopt(c, SOL_SOCKET, SO_TYPE, &type, &tl);
  printf("so_type stream %d\n", type == SOCK_STREAM);
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof nd);
  nd = 0;
  tl = sizeof nd;
  getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nd, &tl);
  printf("nodelay %d\n", nd);

  printf("shutdown %d\n", shutdown(c, SHUT_WR));
  fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
  printf("eof %zd\n", recv(s, buf, sizeof buf, 0));
  close(s);
  close(c);

  int c2 = socket(AF_INET, SOCK_STREAM, 0);
  int s2;
  connect(c2, (struct sockaddr *)&a, sizeof a);
  s2 = accept(l, NULL, NULL);
  printf("accept without address %d\n", s2 > 2);
  /* fd_renumber (wasi-libc's dup2): the socket moves onto a file's descriptor number. */
  int f = open("renumbered", O_CREAT | O_RDWR, 0644);
  printf("renumber %d\n", __wasi_fd_renumber(s2, f));
  printf("write on the new number %zd\n", write(f, "moved", 5));
  n = recv(c2, buf, sizeof buf, 0);
  int gone = fcntl(s2, F_GETFL) < 0 && errno == EBADF;
  printf("peer got %zd '%.*s', old number closed %d\n", n, (int)n, buf, gone);
  close(f);
  close(c2);
  close(l);

  int r = socket(AF_INET, SOCK_STREAM, 0);
  addr(&a, "127.0.0.1", 7071);
  printf("refused %d %s\n", connect(r, (struct sockaddr *)&a, sizeof a),
         errno == ECONNREFUSED ? "ECONNREFUSED" : strerror(errno));
  close(r);
  printf("inet6 %d %s\n", socket(AF_INET6, SOCK_STREAM, 0),
         errno == EAFNOSUPPORT ? "EAFNOSUPPORT" : strerror(errno));
  printf("not a socket %d %s\n", listen(1, 1), errno == ENOTSOCK ? "ENOTSOCK" : strerror(errno));

  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  addr(&a, "127.0.0.1", 7072);
  bind(u1, (struct sockaddr *)&a, sizeof a);
  struct sockaddr_in b;
  addr(&b, "127.0.0.1", 7073);
  bind(u2, (struct sockaddr *)&b, sizeof b);
  printf("sendto %zd\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  n = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom %zd '%.*s' from %s\n", n, (int)n, buf, show(&from));
  close(u1);
  close(u2);
  return 0;
}
