/*
 * Runikraft libc-shim: getaddrinfo for wasm32-wasi programs (wasi-libc has no <netdb.h>), over
 * WasmEdge's sock_getaddrinfo: numeric IPv4 addresses, "localhost", and names through the
 * kernel's DNS stub resolver (rknet); ports given as numbers or as service names from a built-in
 * table (rk_services.c: the image has no /etc/services), also behind getservbyname/getservbyport.
 * IPv4 only (rknet has no IPv6): ai_family AF_INET6 is EAI_FAMILY, an IPv6 address as the host
 * EAI_ADDRFAMILY.
 */
#ifndef RK_NETDB_H
#define RK_NETDB_H

#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr *ai_addr;
  char *ai_canonname;
  struct addrinfo *ai_next;
};

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_V4MAPPED 0x08
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400

#define NI_MAXHOST 255
#define NI_MAXSERV 32

#define EAI_BADFLAGS -1
#define EAI_NONAME -2
#define EAI_AGAIN -3
#define EAI_FAIL -4
#define EAI_FAMILY -6
#define EAI_ADDRFAMILY -9 /* glibc's: the host's address is of a family the stack lacks (IPv6) */
#define EAI_SOCKTYPE -7
#define EAI_SERVICE -8
#define EAI_MEMORY -10
#define EAI_SYSTEM -11

struct servent {
  char *s_name;
  char **s_aliases;
  int s_port; /* network byte order */
  char *s_proto;
};

int getaddrinfo(const char *__restrict node, const char *__restrict service,
                const struct addrinfo *__restrict hints, struct addrinfo **__restrict res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int err);
struct servent *getservbyname(const char *name, const char *proto);
struct servent *getservbyport(int port, const char *proto);

#ifdef __cplusplus
}
#endif

#endif
