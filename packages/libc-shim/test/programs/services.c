/*
 * getaddrinfo's service names and getservbyname/getservbyport, printed so that the same source
 * built natively (glibc over the host's /etc/services) and for libc-shim gives comparable lines.
 * Usage: services NAME...   (each NAME is looked up as a service with socktype any, stream, dgram)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *eai(int e) {
  switch (e) {
  case EAI_NONAME: return "EAI_NONAME";
  case EAI_SERVICE: return "EAI_SERVICE";
  case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
  case EAI_FAMILY: return "EAI_FAMILY";
  default: return "other";
  }
}

static const char *st(int t) {
  return t == 0           ? "any"
         : t == SOCK_STREAM ? "stream"
         : t == SOCK_DGRAM  ? "dgram"
         : t == SOCK_RAW    ? "raw"
                            : "other";
}

/* Every entry of the answer: socket type, protocol and port (glibc gives one per socket type). */
static void gaip(const char *serv, int socktype, int protocol, int flags) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = socktype;
  hints.ai_protocol = protocol;
  hints.ai_flags = flags;
  int e = getaddrinfo("127.0.0.1", serv, &hints, &res);
  printf("gai %s %s%s", serv ? serv : "(null)", st(socktype), flags & AI_NUMERICSERV ? " numericserv" : "");
  if (protocol) printf(" proto %d", protocol);
  printf(": ");
  if (e) {
    printf("%s\n", eai(e));
    return;
  }
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    struct sockaddr_in *sin = (struct sockaddr_in *)a->ai_addr;
    printf("%s%s/%d port %d", a == res ? "" : ", ", st(a->ai_socktype), a->ai_protocol,
           ntohs(sin->sin_port));
  }
  printf("\n");
  freeaddrinfo(res);
}

static void gai(const char *serv, int socktype, int flags) { gaip(serv, socktype, 0, flags); }

static void sbn(const char *name, const char *proto) {
  struct servent *s = getservbyname(name, proto);
  printf("getservbyname %s/%s: ", name, proto ? proto : "any");
  if (!s) printf("none\n");
  else printf("%s %d/%s\n", s->s_name, ntohs((unsigned short)s->s_port), s->s_proto);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    gai(argv[i], 0, 0);
    gai(argv[i], SOCK_STREAM, 0);
    gai(argv[i], SOCK_DGRAM, 0);
    sbn(argv[i], "tcp");
    sbn(argv[i], "udp");
  }
  gai("http", SOCK_STREAM, AI_NUMERICSERV);
  gai("8080", SOCK_STREAM, AI_NUMERICSERV);
  gai("65535", SOCK_STREAM, 0);
  gai("65536", SOCK_STREAM, 0);
  gai("-1", SOCK_STREAM, 0);
  gai(NULL, SOCK_STREAM, 0);
  /* socket type 0: one entry per type (stream, dgram, raw) for a port or no service */
  gai(NULL, 0, 0);
  gai("8080", 0, 0);
  gai(NULL, SOCK_RAW, 0);
  gai("8080", SOCK_RAW, 0);
  gai("http", SOCK_RAW, 0);
  gaip(NULL, 0, IPPROTO_TCP, 0);
  gaip(NULL, 0, IPPROTO_UDP, 0);
  gaip("https", 0, IPPROTO_UDP, 0);
  gaip("8080", 0, IPPROTO_TCP, 0);
  gaip(NULL, 0, IPPROTO_ICMP, 0);
  gaip(NULL, SOCK_RAW, IPPROTO_TCP, 0);
  gaip(NULL, SOCK_STREAM, IPPROTO_UDP, 0);
  gaip("ssh", 0, IPPROTO_UDP, 0);
  sbn("http", NULL);
  sbn("https", NULL);
  struct servent *s = getservbyport(htons(443), "udp");
  printf("getservbyport 443/udp: %s\n", s ? s->s_name : "none");
  s = getservbyport(htons(22), "udp");
  printf("getservbyport 22/udp: %s\n", s ? s->s_name : "none");
  s = getservbyport(htons(8080), NULL);
  printf("getservbyport 8080/any: %s\n", s ? s->s_name : "none");
  return 0;
}
