/*
 * fetch: a small HTTP/1.0 client written against plain BSD sockets and getaddrinfo (the host may be
 * a name and the port a service name: http://localhost/ connects to the "http" service, port 80).
 * It retries a refused connection, because in apps/c-multi it starts next to the server it talks
 * to, which may not be listening yet.
 *
 * Usage: fetch [-n COUNT] [-o FILE] URL
 *   -n COUNT  fetch the URL COUNT times, one connection each (default 1)
 *   -o FILE   write the last body to FILE, then read it back
 * Prints one line per response and exits 0 (every response 2xx), 22 (an HTTP error, as curl -f),
 * 6 (the host does not resolve), 7 (no connection after the retries) or 2 (usage).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RETRIES 100 /* x 20 ms */

static char buf[1 << 20];

/* FNV-1a, so the output names the body without printing it. */
static unsigned fnv(const char *p, size_t n) {
  unsigned h = 2166136261u;
  while (n--) h = (h ^ (unsigned char)*p++) * 16777619u;
  return h;
}

static int usage(void) {
  fprintf(stderr, "usage: fetch [-n COUNT] [-o FILE] http://HOST[:PORT]/PATH\n");
  return 2;
}

/* One request on a new connection; the response (head and body) lands in buf. Returns its length or -exitcode. */
static long get(const char *host, const char *serv, const char *path, int *attempts) {
  struct addrinfo hints = {0}, *ai;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  int e = getaddrinfo(host, serv, &hints, &ai);
  if (e) {
    fprintf(stderr, "fetch: %s:%s: %s\n", host, serv, gai_strerror(e));
    return e == EAI_SERVICE ? -2 : -6;
  }
  int fd = -1;
  for (*attempts = 1; *attempts <= RETRIES; ++*attempts) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) break;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    int err = errno;
    close(fd);
    fd = -1;
    if (err != ECONNREFUSED) {
      errno = err;
      break;
    }
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  freeaddrinfo(ai);
  if (fd < 0) {
    fprintf(stderr, "fetch: connect to %s:%s: %s\n", host, serv, strerror(errno));
    return -7;
  }
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: fetch\r\n\r\n", path, host);
  if (send(fd, req, (size_t)n, 0) != n) {
    fprintf(stderr, "fetch: send: %s\n", strerror(errno));
    close(fd);
    return -7;
  }
  size_t got = 0;
  for (;;) {
    ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = 0;
  return (long)got;
}

int main(int argc, char **argv) {
  int count = 1;
  const char *out = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "n:o:")) != -1) {
    if (opt == 'n') count = atoi(optarg);
    else if (opt == 'o') out = optarg;
    else return usage();
  }
  if (optind != argc - 1 || count < 1) return usage();
  const char *url = argv[optind];
  if (strncmp(url, "http://", 7) != 0) return usage();
  char host[256], serv[32] = "http";
  const char *h = url + 7, *slash = strchr(h, '/'), *path = slash ? slash : "/";
  size_t hl = slash ? (size_t)(slash - h) : strlen(h);
  if (hl == 0 || hl >= sizeof host) return usage();
  memcpy(host, h, hl);
  host[hl] = 0;
  char *colon = strchr(host, ':');
  if (colon) {
    *colon = 0;
    if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof serv) return usage();
    strcpy(serv, colon + 1);
  }
  int status = 0;
  for (int i = 0; i < count; i++) {
    int attempts = 0;
    long n = get(host, serv, path, &attempts);
    if (n < 0) return (int)-n;
    int code = 0;
    char *body = strstr(buf, "\r\n\r\n");
    if (sscanf(buf, "HTTP/%*d.%*d %d", &code) != 1 || body == NULL) {
      fprintf(stderr, "fetch: not an HTTP response (%ld bytes)\n", n);
      return 7;
    }
    body += 4;
    size_t blen = (size_t)(buf + n - body);
    printf("fetch: %s %d, %zu body bytes, fnv %08x, %d connect attempt%s\n", url, code, blen,
           fnv(body, blen), attempts, attempts == 1 ? "" : "s");
    if (code >= 400) status = 22;
    if (out && i == count - 1) {
      FILE *f = fopen(out, "w");
      if (!f || fwrite(body, 1, blen, f) != blen || fclose(f) != 0) {
        fprintf(stderr, "fetch: %s: %s\n", out, strerror(errno));
        return 23;
      }
      struct stat st;
      if (stat(out, &st) != 0) return 23;
      printf("fetch: saved %s (%lld bytes)\n", out, (long long)st.st_size);
    }
  }
  fflush(stdout);
  return status;
}
