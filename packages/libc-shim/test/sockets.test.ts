// C programs using BSD sockets (libc-shim's header and rk_socket.c over the WasmEdge socket
// extension) against a whole rknet stack on the simulated platform, over 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { runOnNet } from './net-kernel';

describe('BSD sockets in C programs', () => {
  it('TCP and UDP over 127.0.0.1: connect/accept, data, peek, poll, non-blocking, options, errors', async () => {
    const { status, out } = await runOnNet('sockets.c', ['sockets']);
    expect(out).toBe(
      [
        'getaddrinfo 0 127.0.0.1:7070',
        'reuseaddr 0',
        'bind 0 listen 0',
        'listening on 127.0.0.1:7070',
        'poll before connect 0',
        'connect 0',
        'poll after connect 1 revents 1',
        'accepted peer ok 1 (len 16)',
        'send 4',
        'peek 4',
        "read 4 'ping'",
        'write 5',
        "recv 5 'pong!'",
        'nonblocking recv -1 EAGAIN',
        'dontwait recv -1 EAGAIN',
        'so_type stream 1',
        'nodelay 1',
        'shutdown 0',
        'eof 0',
        'accept without address 1',
        'renumber 0',
        'write on the new number 5',
        "peer got 5 'moved', old number closed 1",
        'refused -1 ECONNREFUSED',
        'inet6 -1 EAFNOSUPPORT',
        'not a socket -1 ENOTSOCK',
        'sendto 8',
        "recvfrom 8 'datagram' from 127.0.0.1:7073",
        '',
      ].join('\n'),
    );
    expect(status).toBe(0);
  }, 300_000);
});
