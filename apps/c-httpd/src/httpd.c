/*
 * c-httpd: an HTTP/1.1 server written against plain BSD sockets and poll(), compiled unmodified to
 * wasm32-wasi (rk build: clang + wasi-libc + libc-shim's socket header) and served through rknet.
 * One thread, one poll() loop over non-blocking sockets: keep-alive, pipelining, HTTP/1.0, HEAD,
 * a fixed 612-byte page at / (the size of httpreply's and nginx's default page), 404 elsewhere.
 *
 * Usage: c-httpd [port]   (default 80)
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONN 512
#define IN_CAP 8192
#define OUT_CAP 65536

static const char PAGE[] =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<title>Welcome to c-httpd!</title>\n"
    "<style>\n"
    "body { width: 40rem; margin: 0 auto; font-family: sans-serif; }\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<h1>Welcome to c-httpd!</h1>\n"
    "<p>This page was served by c-httpd, a small C program using BSD sockets,\n"
    "compiled to WebAssembly and running inside a Runikraft unikernel\n"
    "on its own TCP/IP stack (rknet) through libc-shim.</p>\n"
    "\n"
    "<p>It is the C counterpart of httpreply in the benchmarks: the page\n"
    "has the same size, 612 bytes, so both servers move the same bytes.</p>\n"
    "\n"
    "<p><em>Thank you for trying Runikraft, a TypeScript unikernel!</em></p>\n"
    "</body>\n"
    "</html>\n";

struct conn {
  int fd;
  size_t in_len;
  size_t out_len, out_off;
  int close_after; /* close once the output is flushed */
  char in[IN_CAP];
  char out[OUT_CAP];
};

static struct conn *conns[MAX_CONN];
static int nconns;
static unsigned long served;

static void drop(int i) {
  close(conns[i]->fd);
  free(conns[i]);
  conns[i] = conns[--nconns];
}

/* Is `name: value` (case-insensitive name) among the header lines of [head, end)? */
static int has_header(const char *head, const char *end, const char *name, const char *value) {
  size_t nl = strlen(name), vl = strlen(value);
  for (const char *p = head; p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) break;
    if ((size_t)(eol - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (v < eol && (*v == ' ' || *v == '\t')) v++;
      for (; v + vl <= eol; v++)
        if (strncasecmp(v, value, vl) == 0) return 1;
    }
    p = eol + 1;
  }
  return 0;
}

static void reply(struct conn *c, int status, int head_only, int keep) {
  const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
  static const char missing[] = "<html><body><h1>404 Not Found</h1></body></html>\n";
  static const char bad[] = "<html><body><h1>400 Bad Request</h1></body></html>\n";
  const char *body = status == 200 ? PAGE : status == 404 ? missing : bad;
  size_t blen = status == 200 ? sizeof PAGE - 1 : status == 404 ? sizeof missing - 1 : sizeof bad - 1;
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\nServer: c-httpd\r\nContent-Type: text/html\r\n"
                   "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                   status, reason, blen, keep ? "keep-alive" : "close");
  size_t need = (size_t)n + (head_only ? 0 : blen);
  if (c->out_len + need > OUT_CAP) { /* a client pipelining faster than it reads */
    c->close_after = 1;
    return;
  }
  memcpy(c->out + c->out_len, head, (size_t)n);
  c->out_len += (size_t)n;
  if (!head_only) {
    memcpy(c->out + c->out_len, body, blen);
    c->out_len += blen;
  }
  if (!keep) c->close_after = 1;
  served++;
}

/* Answers every complete request head in the input buffer (pipelining). */
static void handle(struct conn *c) {
  for (;;) {
    if (c->close_after) {
      c->in_len = 0;
      return;
    }
    char *end = NULL;
    for (size_t i = 3; i < c->in_len; i++)
      if (memcmp(c->in + i - 3, "\r\n\r\n", 4) == 0) {
        end = c->in + i + 1;
        break;
      }
    if (!end) {
      if (c->in_len == IN_CAP) reply(c, 400, 0, 0);
      return;
    }
    char method[8], path[256], version[16];
    int ok = sscanf(c->in, "%7s %255s %15s", method, path, version) == 3 &&
             strncmp(version, "HTTP/1.", 7) == 0;
    int http10 = ok && strcmp(version, "HTTP/1.0") == 0;
    int keep = http10 ? has_header(c->in, end, "Connection", "keep-alive")
                      : !has_header(c->in, end, "Connection", "close");
    int head_only = ok && strcmp(method, "HEAD") == 0;
    if (!ok || (strcmp(method, "GET") != 0 && !head_only)) reply(c, 400, 0, 0);
    else if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
      reply(c, 200, head_only, keep);
    else reply(c, 404, head_only, keep);
    size_t used = (size_t)(end - c->in);
    memmove(c->in, end, c->in_len - used);
    c->in_len -= used;
  }
}

/* Sends what is queued; 0 when done or blocked, -1 when the connection is gone. */
static int flush(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->out_off += (size_t)n;
  }
  c->out_off = c->out_len = 0;
  return c->close_after ? -1 : 0;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 80;
  int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1024) < 0) {
    fprintf(stderr, "c-httpd: cannot listen on port %d: %s\n", port, strerror(errno));
    return 1;
  }
  printf("c-httpd: serving on port %d\n", port);
  fflush(stdout);
  static struct pollfd pfd[MAX_CONN + 1];
  for (;;) {
    pfd[0].fd = l;
    pfd[0].events = nconns < MAX_CONN ? POLLIN : 0;
    for (int i = 0; i < nconns; i++) {
      pfd[i + 1].fd = conns[i]->fd;
      pfd[i + 1].events = conns[i]->out_len > conns[i]->out_off ? POLLOUT : POLLIN;
      pfd[i + 1].revents = 0;
    }
    if (poll(pfd, (nfds_t)nconns + 1, -1) < 0) {
      fprintf(stderr, "c-httpd: poll: %s\n", strerror(errno));
      return 1;
    }
    /* Walk backwards: drop() moves the last connection into the freed slot. */
    for (int i = nconns - 1; i >= 0; i--) {
      struct conn *c = conns[i];
      short re = pfd[i + 1].revents;
      if (!re) continue;
      if (re & POLLOUT) {
        if (flush(c) < 0) drop(i);
        continue;
      }
      ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN)) {
        drop(i);
        continue;
      }
      if (n < 0) continue;
      c->in_len += (size_t)n;
      handle(c);
      if (flush(c) < 0) drop(i);
    }
    if (pfd[0].revents & POLLIN) {
      while (nconns < MAX_CONN) {
        int fd = accept4(l, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) break;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
          close(fd);
          break;
        }
        c->fd = fd;
        conns[nconns++] = c;
      }
    }
  }
}
