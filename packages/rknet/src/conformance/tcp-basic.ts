// The kit's TCP checks on the socket's life outside data transfer: socket() arguments, bind and its
// errnos, SO_REUSEADDR against listeners and TIME-WAIT, connect/accept addresses, refused connects,
// calls in the wrong state, and options — each errno as Linux gives it (socket(7), tcp(7), ip(7)).
import { Errno } from '@runikraft/errno';
import {
  AF_INET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SHUT_WR,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from '../socket/consts';
import {
  expectThat,
  fail,
  gives,
  inet,
  ok,
  type RkSocketCheck,
  type RkSocketKitCaps,
  type RkSocketKitFactory,
  refuses,
  sock,
  withStack,
} from './env';
import { closeAll, listener, pair, readExactly } from './tcp-util';

/** 192.0.2.1 (TEST-NET-1, RFC 5737): never an address of the stack under test. */
const FOREIGN = 0xc0000201;

export function tcpBasicChecks(make: RkSocketKitFactory, caps: RkSocketKitCaps): RkSocketCheck[] {
  const check = (name: string, body: Parameters<typeof withStack>[2]): RkSocketCheck => ({
    name: `tcp: ${name}`,
    run: () => withStack(make, caps, body),
  });
  return [
    check(
      'socket() refuses unknown families and protocols; defaults are blocking, SO_TYPE stream',
      async (s) => {
        await refuses('socket(AF_INET6)', s.socket(10, SOCK_STREAM), Errno.EAFNOSUPPORT);
        await refuses(
          'socket(SOCK_STREAM, IPPROTO_UDP)',
          s.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP),
          Errno.EPROTONOSUPPORT,
        );
        const x = sock(s.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
        expectThat(!x.nonBlocking, 'a new socket is non-blocking without SOCK_NONBLOCK');
        await gives('SO_TYPE', x.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
        await gives('SO_REUSEADDR default', x.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
        await gives('SO_ERROR default', x.getsockopt(SOL_SOCKET, SO_ERROR), 0);
        const nb = sock(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
        expectThat(nb.nonBlocking, 'SOCK_NONBLOCK did not make the socket non-blocking');
        closeAll(x, nb);
      },
    ),

    check(
      'bind: ephemeral port 0, EADDRINUSE, EINVAL twice, EADDRNOTAVAIL for a foreign address',
      async (s) => {
        const { l, port } = await listener(s);
        const b = sock(s.socket(AF_INET, SOCK_STREAM));
        await refuses(`bind to listening port ${port}`, b.bind(inet(0, port)), Errno.EADDRINUSE);
        await ok('bind(0) after a failed bind', b.bind(inet(0, 0)));
        await refuses('second bind', b.bind(inet(0, 0)), Errno.EINVAL);
        const f = sock(s.socket(AF_INET, SOCK_STREAM));
        await refuses('bind(192.0.2.1)', f.bind(inet(FOREIGN, 0)), Errno.EADDRNOTAVAIL);
        await refuses(
          'bind(AF_UNSPEC)',
          f.bind({ family: 0 as 2, addr: 0, port: 0 }),
          Errno.EAFNOSUPPORT,
        );
        closeAll(l, b, f);
      },
    ),

    check(
      'SO_REUSEADDR: never beside a listener; rebinds a port held in TIME-WAIT (both sides set it)',
      async (s) => {
        const p = await pair(s, { listener: (l) => l.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1) });
        const twin = sock(s.socket(AF_INET, SOCK_STREAM));
        await ok('setsockopt(SO_REUSEADDR)', twin.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1));
        await gives('getsockopt(SO_REUSEADDR)', twin.getsockopt(SOL_SOCKET, SO_REUSEADDR), 1);
        await refuses(
          'SO_REUSEADDR bind beside a listener',
          twin.bind(inet(0, p.port)),
          Errno.EADDRINUSE,
        );
        // The server closes first, so its side of the connection holds the port in TIME-WAIT.
        await ok('close(listener)', p.l.close());
        await ok('close(accepted)', p.a.close());
        await gives('recv end of stream', p.c.recv(new Uint8Array(4)), 0);
        await ok('close(client)', p.c.close());
        await s.sched.sleep(50e6);
        const plain = sock(s.socket(AF_INET, SOCK_STREAM));
        await refuses(
          'bind to a TIME-WAIT port without SO_REUSEADDR',
          plain.bind(inet(0, p.port)),
          Errno.EADDRINUSE,
        );
        await ok('bind to a TIME-WAIT port with SO_REUSEADDR', twin.bind(inet(0, p.port)));
        await ok('listen there', twin.listen(4));
        closeAll(plain, twin);
      },
    ),

    check('connect/accept: addresses agree both ways, data flows both ways', async (s) => {
      const p = await pair(s);
      const cl = { addr: 0, port: 0 };
      const cp = { addr: 0, port: 0 };
      const al = { addr: 0, port: 0 };
      const ap = { addr: 0, port: 0 };
      await ok('getsockname(client)', p.c.getsockname(cl));
      await ok('getpeername(client)', p.c.getpeername(cp));
      await ok('getsockname(accepted)', p.a.getsockname(al));
      await ok('getpeername(accepted)', p.a.getpeername(ap));
      expectThat(
        cp.port === p.port && cp.addr === s.addr,
        `client's peer is ${cp.addr}:${cp.port}`,
      );
      expectThat(
        cl.port !== 0 && cl.port === ap.port && cl.addr === ap.addr,
        'accepted peer differs from the client address',
      );
      expectThat(
        al.port === p.port && al.addr === cp.addr,
        'accepted local address differs from what the client reached',
      );
      await gives('send', p.c.send(Uint8Array.of(1, 2, 3)), 3);
      const got = await readExactly(p.a, 3);
      expectThat(got[2] === 3, 'bytes changed in transit');
      await gives('send back', p.a.send(Uint8Array.of(9)), 1);
      expectThat((await readExactly(p.c, 1))[0] === 9, 'bytes changed in transit');
      const peer = { addr: 0, port: 0 };
      const c2 = sock(s.socket(AF_INET, SOCK_STREAM));
      await ok('connect (2)', c2.connect(inet(s.addr, p.port)));
      const a2 = await p.l.accept(peer);
      if (typeof a2 === 'number') fail(`accept (2): ${a2}`);
      const c2l = { addr: 0, port: 0 };
      await ok('getsockname', c2.getsockname(c2l));
      expectThat(
        peer.port === c2l.port && peer.addr === c2l.addr,
        "accept() did not fill in the peer's address",
      );
      closeAll(p.c, p.a, p.l, c2, a2);
    }),

    check(
      'connect to a port nobody listens on: ECONNREFUSED (blocking) and SO_ERROR (non-blocking)',
      async (s) => {
        const { l, port } = await listener(s);
        await ok('close(listener)', l.close());
        const c = sock(s.socket(AF_INET, SOCK_STREAM));
        await refuses(
          'connect to a closed port',
          c.connect(inet(s.addr, port)),
          Errno.ECONNREFUSED,
        );
        const n = sock(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
        await refuses('non-blocking connect', n.connect(inet(s.addr, port)), Errno.EINPROGRESS);
        for (let i = 0; i < 2000 && n.pollEvents() === 0; i++) await s.sched.sleep(1e6);
        await gives(
          'SO_ERROR after a refused non-blocking connect',
          n.getsockopt(SOL_SOCKET, SO_ERROR),
          Errno.ECONNREFUSED,
        );
        await gives('SO_ERROR read again (cleared)', n.getsockopt(SOL_SOCKET, SO_ERROR), 0);
        closeAll(c, n);
      },
    ),

    check(
      'calls in the wrong state: EPIPE/ENOTCONN before connect, EINVAL, EISCONN, EBADF after close',
      async (s) => {
        const x = sock(s.socket(AF_INET, SOCK_STREAM));
        const buf = new Uint8Array(8);
        await refuses('send before connect (Linux: EPIPE)', x.send(buf), Errno.EPIPE);
        await refuses('recv before connect', x.recv(buf), Errno.ENOTCONN);
        await refuses(
          'getpeername before connect',
          x.getpeername({ addr: 0, port: 0 }),
          Errno.ENOTCONN,
        );
        await refuses('shutdown before connect', x.shutdown(SHUT_WR), Errno.ENOTCONN);
        await refuses('accept on a socket not listening', x.accept(), Errno.EINVAL);
        const p = await pair(s);
        await refuses('listen on a connected socket', p.c.listen(4), Errno.EINVAL);
        await refuses('connect when connected', p.c.connect(inet(s.addr, p.port)), Errno.EISCONN);
        await refuses('shutdown(how=7)', p.c.shutdown(7), Errno.EINVAL);
        await ok('close', x.close());
        await refuses('close twice', x.close(), Errno.EBADF);
        await ok('close(client)', p.c.close());
        await refuses('recv after close', p.c.recv(buf), Errno.EBADF);
        closeAll(p.a, p.l);
      },
    ),

    check(
      'options: SO_RCVBUF/SO_SNDBUF (as set or doubled as Linux), TCP_NODELAY, SO_KEEPALIVE, ENOPROTOOPT',
      async (s) => {
        const x = sock(s.socket(AF_INET, SOCK_STREAM));
        for (const [name, opt] of [
          ['SO_RCVBUF', SO_RCVBUF],
          ['SO_SNDBUF', SO_SNDBUF],
        ] as const) {
          await ok(`setsockopt(${name}, 16384)`, x.setsockopt(SOL_SOCKET, opt, 16384));
          const v = await ok(`getsockopt(${name})`, x.getsockopt(SOL_SOCKET, opt));
          expectThat(v === 16384 || v === 32768, `${name} set to 16384 reads ${v}`);
        }
        for (const [name, level, opt] of [
          ['TCP_NODELAY', IPPROTO_TCP, TCP_NODELAY],
          ['SO_KEEPALIVE', SOL_SOCKET, SO_KEEPALIVE],
        ] as const) {
          await gives(`${name} default`, x.getsockopt(level, opt), 0);
          await ok(`setsockopt(${name}, 1)`, x.setsockopt(level, opt, 1));
          await gives(`${name} after set`, x.getsockopt(level, opt), 1);
        }
        await refuses(
          'getsockopt(SOL_SOCKET, 9999)',
          x.getsockopt(SOL_SOCKET, 9999),
          Errno.ENOPROTOOPT,
        );
        await refuses(
          'setsockopt(IPPROTO_TCP, 9999)',
          x.setsockopt(IPPROTO_TCP, 9999, 1),
          Errno.ENOPROTOOPT,
        );
        await refuses(
          'setsockopt(SO_ERROR) (read-only)',
          x.setsockopt(SOL_SOCKET, SO_ERROR, 1),
          Errno.ENOPROTOOPT,
        );
        closeAll(x);
      },
    ),
  ];
}
