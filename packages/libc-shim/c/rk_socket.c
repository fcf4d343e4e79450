/*
 * Runikraft libc-shim: BSD sockets for wasm32-wasi C/C++ programs over WasmEdge's socket extension
 * of wasi_snapshot_preview1 (layouts in packages/libc-shim/src/wasi/sockets-ext.ts). rk build
 * links this file into every C/C++ program; the linker keeps only what the program calls.
 * accept/accept4, send, recv and getsockopt replace wasi-libc's: its accept writes through a
 * NULL addrlen, its send/recv refuse MSG_NOSIGNAL/MSG_DONTWAIT, and its getsockopt knows SO_TYPE
 * only. Errors are WASI errno values, which are wasi-libc's errno values.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

typedef struct {
  uint8_t *buf;
  uint32_t len;
} rk_address;

IMPORT("sock_open") uint32_t rk_sock_open(uint32_t af, uint32_t type, uint32_t *fd);
IMPORT("sock_bind") uint32_t rk_sock_bind(uint32_t fd, rk_address *a, uint32_t port);
IMPORT("sock_listen") uint32_t rk_sock_listen(uint32_t fd, uint32_t backlog);
IMPORT("sock_connect") uint32_t rk_sock_connect(uint32_t fd, rk_address *a, uint32_t port);
IMPORT("sock_recv_from")
uint32_t rk_sock_recv_from(uint32_t fd, __wasi_iovec_t *iov, uint32_t n, rk_address *a,
                           uint32_t flags, uint32_t *port, uint32_t *got, uint32_t *oflags);
IMPORT("sock_send_to")
uint32_t rk_sock_send_to(uint32_t fd, const __wasi_ciovec_t *iov, uint32_t n, rk_address *a,
                         uint32_t port, uint32_t flags, uint32_t *sent);
IMPORT("sock_getlocaladdr")
uint32_t rk_sock_getlocaladdr(uint32_t fd, rk_address *a, uint32_t *type, uint32_t *port);
IMPORT("sock_getpeeraddr")
uint32_t rk_sock_getpeeraddr(uint32_t fd, rk_address *a, uint32_t *type, uint32_t *port);
IMPORT("sock_getsockopt")
uint32_t rk_sock_getsockopt(uint32_t fd, uint32_t level, uint32_t name, void *val, uint32_t *len);
IMPORT("sock_setsockopt")
uint32_t rk_sock_setsockopt(uint32_t fd, uint32_t level, uint32_t name, const void *val,
                            uint32_t len);
IMPORT("sock_getaddrinfo")
uint32_t rk_sock_getaddrinfo(const char *node, uint32_t nlen, const char *serv, uint32_t slen,
                             const void *hints, uint32_t *res, uint32_t max, uint32_t *n);

static int fail(uint32_t e) {
  errno = (int)e;
  return -1;
}

int socket(int domain, int type, int protocol) {
  int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (domain == AF_INET6) return fail(EAFNOSUPPORT);
  if (domain != AF_INET) return fail(EAFNOSUPPORT);
  uint32_t wtype;
  if (kind == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) wtype = 2;
  else if (kind == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) wtype = 1;
  else if (kind == SOCK_STREAM || kind == SOCK_DGRAM) return fail(EPROTONOSUPPORT);
  else return fail(EPROTOTYPE);
  uint32_t fd;
  uint32_t e = rk_sock_open(1, wtype, &fd);
  if (e) return fail(e);
  if (type & SOCK_NONBLOCK) {
    e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
    if (e) {
      (void)__wasi_fd_close(fd);
      return fail(e);
    }
  }
  return (int)fd;
}

/* A sockaddr_in's address bytes and port, or an errno. */
static int inet_of(const struct sockaddr *addr, socklen_t len, rk_address *a, uint32_t *port) {
  if (addr == NULL) return EFAULT;
  if (len < sizeof(sa_family_t)) return EINVAL;
  if (addr->sa_family != AF_INET) return EAFNOSUPPORT;
  if (len < sizeof(struct sockaddr_in)) return EINVAL;
  const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
  a->buf = (uint8_t *)&sin->sin_addr;
  a->len = 4;
  *port = ntohs(sin->sin_port);
  return 0;
}

/* Writes an IPv4 address as a sockaddr_in, truncated to *len as POSIX says; *len = full size. */
static void put_inet(struct sockaddr *addr, socklen_t *len, const uint8_t ip[4], uint32_t port) {
  if (addr == NULL || len == NULL) return;
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)port);
  memcpy(&sin.sin_addr, ip, 4);
  memcpy(addr, &sin, *len < sizeof sin ? *len : sizeof sin);
  *len = sizeof sin;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  rk_address a;
  uint32_t port;
  int e = inet_of(addr, len, &a, &port);
  if (e) return fail(e);
  e = rk_sock_bind(fd, &a, port);
  return e ? fail(e) : 0;
}

int listen(int fd, int backlog) {
  uint32_t e = rk_sock_listen(fd, backlog < 0 ? 0 : backlog);
  return e ? fail(e) : 0;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  rk_address a;
  uint32_t port;
  int e = inet_of(addr, len, &a, &port);
  if (e) return fail(e);
  e = rk_sock_connect(fd, &a, port);
  return e ? fail(e) : 0;
}

static int name_of(int fd, struct sockaddr *addr, socklen_t *len, int peer) {
  uint8_t ip[16];
  rk_address a = {ip, sizeof ip};
  uint32_t type, port;
  uint32_t e = peer ? rk_sock_getpeeraddr(fd, &a, &type, &port)
                    : rk_sock_getlocaladdr(fd, &a, &type, &port);
  if (e) return fail(e);
  if (addr == NULL || len == NULL) return fail(EFAULT);
  put_inet(addr, len, ip, port);
  return 0;
}

int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
  return name_of(fd, addr, len, 0);
}

int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
  return name_of(fd, addr, len, 1);
}

int accept4(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len, int flags) {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return fail(EINVAL);
  __wasi_fd_t nfd;
  uint32_t e = __wasi_sock_accept(fd, flags & SOCK_NONBLOCK ? __WASI_FDFLAGS_NONBLOCK : 0, &nfd);
  if (e) return fail(e);
  if (addr != NULL && len != NULL) {
    uint8_t ip[16];
    rk_address a = {ip, sizeof ip};
    uint32_t type, port;
    if (rk_sock_getpeeraddr(nfd, &a, &type, &port) == 0) put_inet(addr, len, ip, port);
    else *len = 0;
  }
  return (int)nfd;
}

int accept(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
  return accept4(fd, addr, len, 0);
}

/* MSG_DONTWAIT on a blocking socket: ask poll first (one thread: nothing can race in between). */
static int would_block(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  return poll(&p, 1, 0) == 0;
}

static uint32_t riflags(int flags) {
  return (flags & MSG_PEEK ? __WASI_RIFLAGS_RECV_PEEK : 0) |
         (flags & MSG_WAITALL ? __WASI_RIFLAGS_RECV_WAITALL : 0);
}

ssize_t recvfrom(int fd, void *__restrict buf, size_t n, int flags,
                 struct sockaddr *__restrict addr, socklen_t *__restrict len) {
  if (flags & ~(MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT | MSG_NOSIGNAL)) return fail(EOPNOTSUPP);
  if (flags & MSG_DONTWAIT && would_block(fd, POLLRDNORM)) return fail(EAGAIN);
  __wasi_iovec_t iov = {buf, n};
  if (addr == NULL) {
    __wasi_size_t got;
    __wasi_roflags_t of;
    uint32_t e = __wasi_sock_recv(fd, &iov, 1, riflags(flags), &got, &of);
    return e ? fail(e) : (ssize_t)got;
  }
  uint8_t raw[32];
  rk_address a = {raw, sizeof raw};
  uint32_t port, got, of;
  uint32_t e = rk_sock_recv_from(fd, &iov, 1, &a, riflags(flags), &port, &got, &of);
  if (e) return fail(e);
  put_inet(addr, len, raw + 2, port);
  return (ssize_t)got;
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
  return recvfrom(fd, buf, n, flags, NULL, NULL);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
               socklen_t len) {
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL)) return fail(EOPNOTSUPP);
  if (flags & MSG_DONTWAIT && would_block(fd, POLLWRNORM)) return fail(EAGAIN);
  __wasi_ciovec_t iov = {buf, n};
  if (addr == NULL) {
    __wasi_size_t sent;
    uint32_t e = __wasi_sock_send(fd, &iov, 1, 0, &sent);
    return e ? fail(e) : (ssize_t)sent;
  }
  uint32_t sent;
  rk_address a;
  uint32_t port;
  int e = inet_of(addr, len, &a, &port);
  if (e) return fail(e);
  e = rk_sock_send_to(fd, &iov, 1, &a, port, 0, &sent);
  return e ? fail(e) : (ssize_t)sent;
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
  return sendto(fd, buf, n, flags, NULL, 0);
}

/* (level, name) in the extension's numbering: level 0 = SOL_SOCKET with WasmEdge's names;
 * IPPROTO_TCP passes through with Linux's. 0 when known. */
static int option(int level, int name, uint32_t *wl, uint32_t *wn) {
  if (level == IPPROTO_TCP) {
    *wl = IPPROTO_TCP;
    *wn = (uint32_t)name;
    return 0;
  }
  if (level != SOL_SOCKET) return ENOPROTOOPT;
  *wl = 0;
  switch (name) {
  case SO_REUSEADDR: *wn = 0; return 0;
  case SO_TYPE: *wn = 1; return 0;
  case SO_ERROR: *wn = 2; return 0;
  case SO_BROADCAST: *wn = 4; return 0;
  case SO_SNDBUF: *wn = 5; return 0;
  case SO_RCVBUF: *wn = 6; return 0;
  case SO_KEEPALIVE: *wn = 7; return 0;
  case SO_LINGER: *wn = 9; return 0;
  case SO_RCVTIMEO: case 66: *wn = 11; return 0;
  case SO_SNDTIMEO: case 67: *wn = 12; return 0;
  default: return ENOPROTOOPT;
  }
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  uint32_t wl, wn;
  int e = option(level, name, &wl, &wn);
  if (e) return fail(e);
  e = rk_sock_setsockopt(fd, wl, wn, val, len);
  return e ? fail(e) : 0;
}

int getsockopt(int fd, int level, int name, void *__restrict val, socklen_t *__restrict len) {
  uint32_t wl, wn;
  int e = option(level, name, &wl, &wn);
  if (e) return fail(e);
  if (val == NULL || len == NULL) return fail(EFAULT);
  uint32_t n = *len;
  e = rk_sock_getsockopt(fd, wl, wn, val, &n);
  if (e) return fail(e);
  *len = n;
  if (level == SOL_SOCKET && name == SO_TYPE && n >= sizeof(int))
    *(int *)val = *(int *)val == 2 ? SOCK_STREAM : SOCK_DGRAM;
  return 0;
}

/* ---- getaddrinfo -------------------------------------------------------------------------- */

/* The extension's addrinfo and sockaddr (packed(4), wasm32). */
typedef struct {
  uint16_t flags;
  uint8_t family, socktype, protocol;
  uint32_t addrlen;
  uint32_t addr, canonname, canonnamelen, next;
} rk_addrinfo;
typedef struct {
  uint8_t family;
  uint32_t len;
  uint32_t data;
} rk_sockaddr;

#define RK_AI_MAX 8

int __rk_service_port(const char *name, int protocol);

/*
 * The socket types an answer is given for, in glibc's order (the first three rows of its gai
 * table; the stack has no SCTP, DCCP or UDP-Lite): a service applies to stream (tcp) and datagram
 * (udp) sockets, a raw socket takes no service and any protocol.
 */
static const struct {
  int socktype, protocol;
} rk_kinds[] = {{SOCK_STREAM, IPPROTO_TCP}, {SOCK_DGRAM, IPPROTO_UDP}, {SOCK_RAW, 0}};
#define RK_KINDS 3

struct rk_kind {
  int socktype, protocol, port;
};

/*
 * Which (socktype, protocol, port) entries each address gets, as glibc's gaih_inet picks them: with
 * ai_socktype or ai_protocol set, the first kind that matches them (a service on a raw socket is
 * EAI_SERVICE); with neither, every kind, limited for a service name to the protocols it has.
 * `port` is -1 for no service, the number for a numeric one. @returns how many, or an EAI_* code.
 */
static int rk_gai_kinds(int socktype, int protocol, const char *name, int port,
                        struct rk_kind out[RK_KINDS]) {
  int n = 0;
  for (int i = 0; i < RK_KINDS; i++) {
    int st = rk_kinds[i].socktype, pr = rk_kinds[i].protocol;
    if (socktype != 0 && socktype != st) continue;
    if (protocol != 0 && pr != 0 && protocol != pr) continue;
    int any = socktype == 0 && protocol == 0;
    if (st == SOCK_RAW) {
      if (name != NULL || port >= 0) {
        if (!any) return EAI_SERVICE;
        if (name != NULL) continue;
      }
      pr = protocol;
    }
    int p = name != NULL ? __rk_service_port(name, pr) : port < 0 ? 0 : port;
    if (p < 0) {
      if (!any) return EAI_SERVICE;
      continue;
    }
    out[n].socktype = st;
    out[n].protocol = pr;
    out[n].port = p;
    n++;
    if (!any) break;
  }
  if (n == 0) return name != NULL && socktype == 0 ? EAI_SERVICE : EAI_SOCKTYPE;
  return n;
}

struct rk_ai {
  struct addrinfo ai;
  struct sockaddr_in sin;
};

int getaddrinfo(const char *__restrict node, const char *__restrict service,
                const struct addrinfo *__restrict hints, struct addrinfo **__restrict res) {
  int flags = hints ? hints->ai_flags : 0;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int socktype = hints ? hints->ai_socktype : 0;
  int protocol = hints ? hints->ai_protocol : 0;
  if (node == NULL && service == NULL) return EAI_NONAME;
  if (family != AF_UNSPEC && family != AF_INET) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM && socktype != SOCK_RAW)
    return EAI_SOCKTYPE;
  /* The import takes numeric ports: a service name becomes its number per protocol here
   * (rk_services.c). */
  const char *name = NULL;
  int port = -1;
  if (service != NULL && *service) {
    char *end;
    long p = strtol(service, &end, 10);
    if (*end == 0) {
      if (p < 0 || p > 65535) return EAI_SERVICE;
      port = (int)p;
    } else if (flags & AI_NUMERICSERV) {
      return EAI_NONAME;
    } else {
      name = service;
    }
  }
  struct rk_kind kinds[RK_KINDS];
  int nk = rk_gai_kinds(socktype, protocol, name, port, kinds);
  if (nk < 0) return nk;
  if (node != NULL) {
    /* An IPv6 address is never sent to the resolver: the stack has no IPv6 (glibc's answer when
     * the family does not match). */
    struct in6_addr tmp6;
    if (inet_pton(AF_INET6, node, &tmp6) == 1) return EAI_ADDRFAMILY;
    struct in_addr tmp;
    if (flags & AI_NUMERICHOST && inet_pton(AF_INET, node, &tmp) != 1) return EAI_NONAME;
  }
  rk_addrinfo wa[RK_AI_MAX];
  rk_sockaddr ws[RK_AI_MAX];
  uint8_t data[RK_AI_MAX][26];
  memset(wa, 0, sizeof wa);
  for (int i = 0; i < RK_AI_MAX; i++) {
    ws[i].family = 1;
    ws[i].len = sizeof data[i];
    ws[i].data = (uint32_t)(uintptr_t)data[i];
    wa[i].addr = (uint32_t)(uintptr_t)&ws[i];
    wa[i].next = i + 1 < RK_AI_MAX ? (uint32_t)(uintptr_t)&wa[i + 1] : 0;
  }
  rk_addrinfo hint;
  memset(&hint, 0, sizeof hint);
  hint.flags = flags & AI_PASSIVE ? 1 : 0;
  hint.family = 1;
  /* The addresses only: the entries' types and ports are the kinds above. */
  uint32_t first = (uint32_t)(uintptr_t)wa, n = 0;
  const char *h = node ? node : "";
  const char *s = "";
  uint32_t e = rk_sock_getaddrinfo(h, strlen(h), s, strlen(s), &hint, &first, RK_AI_MAX, &n);
  if (e == ENOENT || e == EHOSTUNREACH) return EAI_NONAME;
  if (e == EAGAIN || e == ETIMEDOUT) return EAI_AGAIN;
  if (e == EINVAL) return EAI_SERVICE;
  if (e) return EAI_FAIL;
  if (n == 0) return EAI_NONAME;
  struct addrinfo *head = NULL, **tail = &head;
  for (uint32_t i = 0; i < n; i++)
    for (int k = 0; k < nk; k++) {
      struct rk_ai *r = calloc(1, sizeof *r);
      if (r == NULL) {
        freeaddrinfo(head);
        return EAI_MEMORY;
      }
      r->sin.sin_family = AF_INET;
      r->sin.sin_port = htons((uint16_t)kinds[k].port);
      memcpy(&r->sin.sin_addr, data[i] + 2, 4);
      r->ai.ai_family = AF_INET;
      r->ai.ai_socktype = kinds[k].socktype;
      r->ai.ai_protocol = kinds[k].protocol;
      r->ai.ai_addrlen = sizeof r->sin;
      r->ai.ai_addr = (struct sockaddr *)&r->sin;
      *tail = &r->ai;
      tail = &r->ai.ai_next;
    }
  *res = head;
  return 0;
}

void freeaddrinfo(struct addrinfo *res) {
  while (res != NULL) {
    struct addrinfo *next = res->ai_next;
    free(res); /* the addrinfo is the first member of its rk_ai block */
    res = next;
  }
}

const char *gai_strerror(int err) {
  switch (err) {
  case EAI_BADFLAGS: return "Invalid flags";
  case EAI_NONAME: return "Name does not resolve";
  case EAI_AGAIN: return "Temporary failure in name resolution";
  case EAI_FAIL: return "Non-recoverable failure in name resolution";
  case EAI_FAMILY: return "Unrecognized address family or invalid length";
  case EAI_ADDRFAMILY: return "Address family for hostname not supported";
  case EAI_SOCKTYPE: return "Unrecognized socket type";
  case EAI_SERVICE: return "Unrecognized service";
  case EAI_MEMORY: return "Out of memory";
  case EAI_SYSTEM: return "System error";
  default: return "Unknown error";
  }
}
