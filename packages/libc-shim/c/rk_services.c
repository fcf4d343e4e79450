/*
 * Runikraft libc-shim: service names for getaddrinfo, getservbyname and getservbyport. The image
 * has no /etc/services, so the names come from this built-in table: IANA's port numbers, with the
 * transport protocols Debian's netbase lists for each (packages/libc-shim/README.md has the list).
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#define T 1 /* tcp */
#define U 2 /* udp */

/* One line of a services file: a name, its port for one or both protocols, up to two aliases. */
static const struct rk_service {
  const char *name;
  unsigned short port;
  unsigned char protos;
  const char *alias[2];
} SERVICES[] = {
    {"echo", 7, T | U, {0}},
    {"discard", 9, T | U, {"sink", "null"}},
    {"daytime", 13, T | U, {0}},
    {"ftp-data", 20, T, {0}},
    {"ftp", 21, T, {0}},
    {"ssh", 22, T, {0}},
    {"telnet", 23, T, {0}},
    {"smtp", 25, T, {"mail"}},
    {"time", 37, T | U, {"timserver"}},
    {"domain", 53, T | U, {0}},
    {"bootps", 67, U, {0}},
    {"bootpc", 68, U, {0}},
    {"tftp", 69, U, {0}},
    {"gopher", 70, T, {0}},
    {"finger", 79, T, {0}},
    {"http", 80, T, {"www"}},
    {"kerberos", 88, T | U, {"kerberos5", "krb5"}},
    {"pop3", 110, T, {"pop-3"}},
    {"sunrpc", 111, T | U, {"portmapper"}},
    {"ntp", 123, U, {0}},
    {"imap2", 143, T, {"imap"}},
    {"snmp", 161, T | U, {0}},
    {"ldap", 389, T | U, {0}},
    {"https", 443, T | U, {0}},
    {"shell", 514, T, {"cmd", "syslog"}}, /* as in netbase: "syslog" over tcp is this alias */
    {"syslog", 514, U, {0}},
    {"submission", 587, T, {0}},
    {"ldaps", 636, T | U, {0}},
    {"rsync", 873, T, {0}},
    {"imaps", 993, T, {0}},
    {"pop3s", 995, T, {0}},
    {"nfs", 2049, T | U, {0}},
    {"mysql", 3306, T, {0}},
    {"postgresql", 5432, T, {"postgres"}},
    {"redis", 6379, T, {0}},
    {"http-alt", 8080, T, {"webcache"}},
    {"git", 9418, T, {0}},
};
#define NSERVICES (sizeof SERVICES / sizeof SERVICES[0])

static int proto_bit(const char *proto) {
  if (proto == NULL) return T | U;
  if (strcmp(proto, "tcp") == 0) return T;
  if (strcmp(proto, "udp") == 0) return U;
  return 0;
}

static int named(const struct rk_service *s, const char *name) {
  return strcmp(s->name, name) == 0 || (s->alias[0] && strcmp(s->alias[0], name) == 0) ||
         (s->alias[1] && strcmp(s->alias[1], name) == 0);
}

/* The first line naming `name` (as its name or an alias) for one of the protocols in `bits`. */
static const struct rk_service *by_name(const char *name, int bits) {
  for (size_t i = 0; i < NSERVICES; i++)
    if ((SERVICES[i].protos & bits) != 0 && named(&SERVICES[i], name)) return &SERVICES[i];
  return NULL;
}

/*
 * getaddrinfo's lookup: the port (host order) of service `name` over `protocol` (IPPROTO_TCP or
 * IPPROTO_UDP), or -1 when the name is unknown or the service has no such protocol.
 */
int __rk_service_port(const char *name, int protocol) {
  const struct rk_service *s = by_name(name, protocol == IPPROTO_TCP ? T : U);
  return s == NULL ? -1 : s->port;
}

static struct servent ent;
static char *aliases[3];

static struct servent *fill(const struct rk_service *s, int bits) {
  ent.s_name = (char *)s->name;
  aliases[0] = (char *)s->alias[0];
  aliases[1] = (char *)s->alias[1];
  aliases[2] = NULL;
  ent.s_aliases = aliases;
  ent.s_port = htons(s->port);
  ent.s_proto = (char *)(s->protos & bits & T ? "tcp" : "udp");
  return &ent;
}

struct servent *getservbyname(const char *name, const char *proto) {
  int bits = proto_bit(proto);
  const struct rk_service *s = name != NULL && bits ? by_name(name, bits) : NULL;
  return s == NULL ? NULL : fill(s, bits);
}

struct servent *getservbyport(int port, const char *proto) {
  int bits = proto_bit(proto);
  for (size_t i = 0; i < NSERVICES; i++)
    if (htons(SERVICES[i].port) == (unsigned short)port && (SERVICES[i].protos & bits) != 0)
      return fill(&SERVICES[i], bits);
  return NULL;
}
