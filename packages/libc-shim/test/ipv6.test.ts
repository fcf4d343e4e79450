// IPv6 in a stack without it (rknet is IPv4 only): socket(AF_INET6), IPv6 socket addresses on
// IPv4 sockets and IPv6 in getaddrinfo each get a precise error from a C program, and IPv4 keeps
// working (test/programs/ipv6.c on a whole rknet stack).
import { describe, expect, it } from 'vitest';
import { runOnNet } from './net-kernel';

describe('IPv6 (not in rknet)', () => {
  it('is EAFNOSUPPORT for sockets and addresses, EAI_FAMILY / EAI_ADDRFAMILY in getaddrinfo', async () => {
    const { status, out } = await runOnNet('ipv6.c', ['ipv6']);
    expect(out).toBe(
      [
        'socket AF_INET6 stream -1 EAFNOSUPPORT',
        'socket AF_INET6 dgram -1 EAFNOSUPPORT',
        'inet_pton ::1 1',
        'inet sockets ok',
        'bind sockaddr_in6 -1 EAFNOSUPPORT',
        'connect sockaddr_in6 -1 EAFNOSUPPORT',
        'sendto sockaddr_in6 -1 EAFNOSUPPORT',
        // never sent to the DNS resolver
        'getaddrinfo ::1 AF_UNSPEC: EAI_ADDRFAMILY',
        'getaddrinfo ::1 AF_INET: EAI_ADDRFAMILY',
        'getaddrinfo ::ffff:127.0.0.1 AF_UNSPEC: EAI_ADDRFAMILY',
        'getaddrinfo 127.0.0.1 AF_INET6: EAI_FAMILY',
        'getaddrinfo localhost AF_INET6: EAI_FAMILY',
        'getaddrinfo 127.0.0.1 AF_UNSPEC: ok',
        'sock_getaddrinfo ::1 EAFNOSUPPORT',
        'bind sockaddr_in 0',
        '',
      ].join('\n'),
    );
    expect(status).toBe(0);
  }, 120_000);
});
