// The kit's UDP checks (udp(7) as Linux): addresses on recvfrom, datagram boundaries and truncation,
// EDESTADDRREQ/EMSGSIZE/EOPNOTSUPP/ENOTCONN/EADDRINUSE, connected sockets filtering by peer, EPIPE
// after SHUT_WR, readiness, and ECONNREFUSED from ICMP port unreachable on a connected socket.
import { Errno } from '@runikraft/errno';
import type { RkSocket } from '../socket/api';
import {
  AF_INET,
  MSG_PEEK,
  RK_POLLIN,
  RK_POLLOUT,
  SHUT_WR,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
} from '../socket/consts';
import {
  expectThat,
  gives,
  inet,
  ok,
  pattern,
  type RkSocketCheck,
  type RkSocketKitCaps,
  type RkSocketKitFactory,
  type RkSocketKitSubject,
  refuses,
  sameBytes,
  sock,
  withStack,
} from './env';
import { closeAll, eventually } from './tcp-util';

/** A UDP socket bound to an ephemeral port; @returns it and the port. */
async function bound(s: RkSocketKitSubject, flags = 0): Promise<{ u: RkSocket; port: number }> {
  const u = sock(s.socket(AF_INET, SOCK_DGRAM | flags));
  await ok('bind(port 0)', u.bind(inet(0, 0)));
  const me = { addr: 0, port: 0 };
  await ok('getsockname', u.getsockname(me));
  expectThat(me.port !== 0, 'a UDP socket bound to port 0 reports port 0');
  return { u, port: me.port };
}

export function udpChecks(make: RkSocketKitFactory, caps: RkSocketKitCaps): RkSocketCheck[] {
  if (caps.udp === false) return [];
  const check = (name: string, body: Parameters<typeof withStack>[2]): RkSocketCheck => ({
    name: `udp: ${name}`,
    run: () => withStack(make, caps, body),
  });
  const checks = [
    check(
      'sendto/recvfrom: source address, boundaries kept, excess truncated, MSG_PEEK',
      async (s) => {
        const a = await bound(s);
        const b = await bound(s, SOCK_NONBLOCK);
        await gives('sendto 100', a.u.sendto(pattern(100, 1), 0, inet(s.addr, b.port)), 100);
        await gives('sendto 5', a.u.sendto(pattern(5, 2), 0, inet(s.addr, b.port)), 5);
        expectThat(
          await eventually(s, () => (b.u.pollEvents() & RK_POLLIN) !== 0),
          'no POLLIN with a datagram queued',
        );
        expectThat((b.u.pollEvents() & RK_POLLOUT) !== 0, 'an idle UDP socket is not writable');
        const from = { addr: 0, port: 0 };
        const buf = new Uint8Array(10);
        await gives('recvfrom(MSG_PEEK) into 10 bytes', b.u.recvfrom(buf, MSG_PEEK, from), 10);
        await gives('recvfrom into 10 bytes (truncated)', b.u.recvfrom(buf, 0, from), 10);
        expectThat(sameBytes(buf, pattern(100, 1).subarray(0, 10)), 'truncated datagram differs');
        expectThat(
          from.port === a.port,
          `recvfrom gave source port ${from.port}, the sender is on ${a.port}`,
        );
        const big = new Uint8Array(200);
        await gives('next recv is the next datagram (the rest was discarded)', b.u.recv(big), 5);
        await refuses('non-blocking recv on an empty queue', b.u.recv(big), Errno.EAGAIN);
        closeAll(a.u, b.u);
      },
    ),

    check(
      'errnos: EDESTADDRREQ, EMSGSIZE, EOPNOTSUPP, ENOTCONN, EADDRINUSE, EPIPE after SHUT_WR',
      async (s) => {
        const a = await bound(s);
        await refuses('send unconnected', a.u.send(Uint8Array.of(1)), Errno.EDESTADDRREQ);
        await refuses(
          'sendto 70000 bytes',
          a.u.sendto(new Uint8Array(70_000), 0, inet(s.addr, 9)),
          Errno.EMSGSIZE,
        );
        await refuses('listen on UDP', a.u.listen(1), Errno.EOPNOTSUPP);
        await refuses('accept on UDP', a.u.accept(), Errno.EOPNOTSUPP);
        await refuses('shutdown unconnected', a.u.shutdown(SHUT_WR), Errno.ENOTCONN);
        await refuses(
          'getpeername unconnected',
          a.u.getpeername({ addr: 0, port: 0 }),
          Errno.ENOTCONN,
        );
        const twin = sock(s.socket(AF_INET, SOCK_DGRAM));
        await refuses('bind to a bound port', twin.bind(inet(0, a.port)), Errno.EADDRINUSE);
        await ok('connect', a.u.connect(inet(s.addr, a.port)));
        await ok('shutdown(SHUT_WR)', a.u.shutdown(SHUT_WR));
        await refuses('send after SHUT_WR', a.u.send(Uint8Array.of(1)), Errno.EPIPE);
        closeAll(a.u, twin);
      },
    ),

    check(
      'a connected socket sends without an address and takes datagrams from its peer only',
      async (s) => {
        const a = await bound(s, SOCK_NONBLOCK);
        const b = await bound(s);
        const other = await bound(s);
        await ok('connect', a.u.connect(inet(s.addr, b.port)));
        const peer = { addr: 0, port: 0 };
        await ok('getpeername', a.u.getpeername(peer));
        expectThat(peer.port === b.port, 'getpeername differs from the connected address');
        await gives('send', a.u.send(pattern(20, 4)), 20);
        const buf = new Uint8Array(64);
        await gives('recv at the peer', b.u.recv(buf), 20);
        await gives(
          'sendto from a stranger',
          other.u.sendto(Uint8Array.of(1), 0, inet(s.addr, a.port)),
          1,
        );
        await gives(
          'reply from the peer',
          b.u.sendto(Uint8Array.of(2, 2), 0, inet(s.addr, a.port)),
          2,
        );
        expectThat(
          await eventually(s, () => (a.u.pollEvents() & RK_POLLIN) !== 0),
          'no datagram from the peer',
        );
        await gives('recv takes the peer datagram only', a.u.recv(buf), 2);
        await s.sched.sleep(10e6);
        await refuses('the stranger datagram was filtered', a.u.recv(buf), Errno.EAGAIN);
        closeAll(a.u, b.u, other.u);
      },
    ),
  ];
  if (caps.udpRefused !== false)
    checks.push(
      check('ICMP port unreachable: a connected socket gets ECONNREFUSED', async (s) => {
        const gone = await bound(s);
        await ok('close', gone.u.close());
        const a = await bound(s);
        await ok('connect', a.u.connect(inet(s.addr, gone.port)));
        await gives('send', a.u.send(Uint8Array.of(1)), 1);
        await refuses(
          'recv after port unreachable',
          a.u.recv(new Uint8Array(4)),
          Errno.ECONNREFUSED,
        );
        closeAll(a.u);
      }),
    );
  return checks;
}
