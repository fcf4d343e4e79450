// The kit's TCP data checks: non-blocking mode and MSG_DONTWAIT (-EAGAIN), readiness and watchers,
// flow control seen through POLLOUT, MSG_PEEK/MSG_WAITALL, SO_RCVTIMEO, half-close, resets
// (unread data, SO_LINGER 0) reported once as Linux, lingering close (SO_LINGER > 0), and a bulk
// exchange both ways at once.
import { Errno } from '@runikraft/errno';
import type { RkSocket } from '../socket/api';
import {
  AF_INET,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_WAITALL,
  RK_POLLHUP,
  RK_POLLIN,
  RK_POLLOUT,
  RK_POLLRDHUP,
  SHUT_WR,
  SO_LINGER,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_SNDBUF,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../socket/consts';
import {
  expectThat,
  fail,
  gives,
  ok,
  pattern,
  type RkSocketCheck,
  type RkSocketKitCaps,
  type RkSocketKitFactory,
  refuses,
  sameBytes,
  sock,
  withStack,
} from './env';
import { closeAll, eventually, listener, pair, readExactly, sendAll } from './tcp-util';

export function tcpIoChecks(make: RkSocketKitFactory, caps: RkSocketKitCaps): RkSocketCheck[] {
  const check = (name: string, body: Parameters<typeof withStack>[2]): RkSocketCheck => ({
    name: `tcp: ${name}`,
    run: () => withStack(make, caps, body),
  });
  return [
    check(
      'non-blocking: accept, recv, MSG_DONTWAIT give EAGAIN; connect EINPROGRESS then POLLOUT',
      async (s) => {
        const { l, port } = await listener(s);
        l.setNonBlocking(true);
        await refuses('non-blocking accept with nothing pending', l.accept(), Errno.EAGAIN);
        expectThat((l.pollEvents() & RK_POLLIN) === 0, 'an idle listener reports POLLIN');
        const c = sock(s.socket(AF_INET, SOCK_STREAM));
        c.setNonBlocking(true);
        await refuses(
          'non-blocking connect',
          c.connect({ family: AF_INET, addr: s.addr, port }),
          Errno.EINPROGRESS,
        );
        expectThat(
          await eventually(s, () => (c.pollEvents() & RK_POLLOUT) !== 0),
          'no POLLOUT after a non-blocking connect',
        );
        expectThat(
          await eventually(s, () => (l.pollEvents() & RK_POLLIN) !== 0),
          'no POLLIN on the listener with a connection pending',
        );
        const a = sock((await ok('accept', l.accept())) as RkSocket | number);
        expectThat(!a.nonBlocking, 'an accepted socket inherits O_NONBLOCK (Linux does not)');
        await refuses(
          'non-blocking recv with nothing queued',
          c.recv(new Uint8Array(4)),
          Errno.EAGAIN,
        );
        await refuses(
          'recv(MSG_DONTWAIT) on a blocking socket',
          a.recv(new Uint8Array(4), MSG_DONTWAIT),
          Errno.EAGAIN,
        );
        closeAll(c, a, l);
      },
    ),

    check(
      'readiness: POLLIN with data, watchers told and removable, POLLRDHUP and EOF after SHUT_WR',
      async (s) => {
        const p = await pair(s);
        expectThat(
          (p.a.pollEvents() & (RK_POLLIN | RK_POLLHUP)) === 0,
          'an idle connection reports IN or HUP',
        );
        expectThat((p.a.pollEvents() & RK_POLLOUT) !== 0, 'an idle connection is not writable');
        const seen: number[] = [];
        const unwatch = p.a.watch((ev) => seen.push(ev));
        await gives('send', p.c.send(Uint8Array.of(7)), 1);
        expectThat(
          await eventually(s, () => seen.some((e) => (e & RK_POLLIN) !== 0)),
          'the watcher never saw POLLIN',
        );
        expectThat((p.a.pollEvents() & RK_POLLIN) !== 0, 'data queued but no POLLIN');
        unwatch();
        const n = seen.length;
        await gives('send (2)', p.c.send(Uint8Array.of(8)), 1);
        await readExactly(p.a, 2);
        expectThat(seen.length === n, 'a removed watcher was still called');
        await ok('shutdown(SHUT_WR)', p.c.shutdown(SHUT_WR));
        expectThat(
          await eventually(s, () => (p.a.pollEvents() & RK_POLLRDHUP) !== 0),
          'no POLLRDHUP after the peer shut down',
        );
        expectThat((p.a.pollEvents() & RK_POLLIN) !== 0, 'end of stream is not POLLIN');
        await gives('recv at end of stream', p.a.recv(new Uint8Array(4)), 0);
        await refuses('send after SHUT_WR', p.c.send(Uint8Array.of(1)), Errno.EPIPE);
        await gives('the other direction still works', p.a.send(Uint8Array.of(5)), 1);
        expectThat((await readExactly(p.c, 1))[0] === 5, 'half-closed direction lost a byte');
        closeAll(p.c, p.a, p.l);
      },
    ),

    check(
      'flow control: a non-blocking writer fills up (EAGAIN, no POLLOUT) and resumes once the peer reads',
      async (s) => {
        const small = (x: RkSocket) => {
          x.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
          x.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
        };
        const p = await pair(s, { client: small, listener: small });
        p.c.setNonBlocking(true);
        const chunk = pattern(1024, 3);
        let queued = 0;
        let r = 0;
        // Fill until a send right after a pause still finds no room (segments had time to fly).
        for (let round = 0; round < 64; round++) {
          for (let i = 0; i < 4096; i++) {
            r = await p.c.send(chunk);
            if (r < 0) break;
            queued += r;
          }
          await s.sched.sleep(20e6);
          r = await p.c.send(chunk);
          if (r < 0) break;
          queued += r;
        }
        if (r >= 0) fail(`a writer to a peer that never reads took ${queued} bytes without EAGAIN`);
        await refuses('send to a full connection', r, Errno.EAGAIN);
        expectThat((p.c.pollEvents() & RK_POLLOUT) === 0, 'POLLOUT while send gives EAGAIN');
        await readExactly(p.a, queued);
        expectThat(
          await eventually(s, () => (p.c.pollEvents() & RK_POLLOUT) !== 0),
          'no POLLOUT after the peer read everything',
        );
        closeAll(p.c, p.a, p.l);
      },
    ),

    check(
      'MSG_PEEK leaves data queued; MSG_WAITALL waits for the whole buffer; SO_RCVTIMEO ends a wait with EAGAIN',
      async (s) => {
        const p = await pair(s);
        await gives('send', p.c.send(Uint8Array.of(1, 2, 3)), 3);
        await eventually(s, () => (p.a.pollEvents() & RK_POLLIN) !== 0);
        const b = new Uint8Array(3);
        await gives('recv(MSG_PEEK)', p.a.recv(b, MSG_PEEK), 3);
        await gives('recv after a peek', p.a.recv(b), 3);
        expectThat(b[0] === 1 && b[2] === 3, 'peeked data differs');
        const writer = s.sched.spawn('kit-writer', async () => {
          for (let i = 0; i < 3; i++) {
            await s.sched.sleep(5e6);
            if ((await p.c.send(pattern(100, i))) !== 100) return 1;
          }
          return 0;
        });
        const w = new Uint8Array(300);
        await gives('recv(MSG_WAITALL) over three sends', p.a.recv(w, MSG_WAITALL), 300);
        expectThat(sameBytes(w.subarray(200), pattern(100, 2)), 'MSG_WAITALL data out of order');
        await gives('writer', s.sched.join(writer), 0);
        await ok('setsockopt(SO_RCVTIMEO, 30 ms)', p.a.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 30));
        const t0 = s.sched.now();
        await refuses('recv past SO_RCVTIMEO', p.a.recv(b), Errno.EAGAIN);
        expectThat(
          s.sched.now() - t0 >= 29e6,
          `SO_RCVTIMEO of 30 ms returned after ${(s.sched.now() - t0) / 1e6} ms`,
        );
        closeAll(p.c, p.a, p.l);
      },
    ),

    check(
      'resets: close with unread data and SO_LINGER 0 reset the peer; the error is reported once, as Linux',
      async (s) => {
        const p = await pair(s);
        await gives('send', p.c.send(Uint8Array.of(1, 2, 3)), 3);
        await s.sched.sleep(20e6);
        await ok('close with unread data', p.a.close());
        const b = new Uint8Array(8);
        await refuses('recv after the peer reset', p.c.recv(b), Errno.ECONNRESET);
        await gives('recv once the reset was reported', p.c.recv(b), 0);
        const q = await pair(s);
        await ok('setsockopt(SO_LINGER, 0)', q.a.setsockopt(SOL_SOCKET, SO_LINGER, 0));
        await gives('getsockopt(SO_LINGER)', q.a.getsockopt(SOL_SOCKET, SO_LINGER), 0);
        await ok('abortive close', q.a.close());
        await refuses('recv after an abortive close', q.c.recv(b), Errno.ECONNRESET);
        await refuses('send once the reset was reported', q.c.send(b), Errno.EPIPE);
        closeAll(p.c, p.l, q.c, q.l);
      },
    ),

    check(
      'SO_LINGER > 0: close() parks until the peer acknowledged everything, or until the linger time',
      async (s) => {
        const small = (x: RkSocket) => x.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
        const p = await pair(s, { client: small });
        const data = pattern(64 * 1024, 6);
        await ok('setsockopt(SO_LINGER, 5)', p.a.setsockopt(SOL_SOCKET, SO_LINGER, 5));
        p.a.setNonBlocking(true);
        let sent = 0;
        for (let i = 0; i < 1000 && sent < data.length; i++) {
          const r = await p.a.send(data.subarray(sent));
          if (r > 0) sent += r;
          else await s.sched.sleep(1e6);
          if (sent >= 16 * 1024) break; // more than the peer's window: cannot all be acked yet
        }
        const reader = s.sched.spawn('kit-slow-reader', async () => {
          await s.sched.sleep(100e6);
          const got = await readExactly(p.c, sent);
          return sameBytes(got, data.subarray(0, sent)) ? 0 : 1;
        });
        const t0 = s.sched.now();
        await gives('lingering close', p.a.close(), 0);
        const waited = (s.sched.now() - t0) / 1e6;
        expectThat(
          waited >= 99,
          `a lingering close returned after ${waited} ms, before the peer read`,
        );
        await gives('reader', s.sched.join(reader), 0);
        await gives('end of stream after a lingering close', p.c.recv(new Uint8Array(1)), 0);
        // A peer that never reads: close() returns 0 once the linger time (1 s) ran out.
        const q = await pair(s, { client: small });
        await ok('setsockopt(SO_LINGER, 1)', q.a.setsockopt(SOL_SOCKET, SO_LINGER, 1));
        q.a.setNonBlocking(true);
        for (let i = 0; i < 64; i++) if ((await q.a.send(data.subarray(0, 1024))) < 0) break;
        const t1 = s.sched.now();
        await gives('close lingering past its time', q.a.close(), 0);
        const held = (s.sched.now() - t1) / 1e6;
        expectThat(held >= 999 && held < 1500, `SO_LINGER 1 s held close() for ${held} ms`);
        closeAll(p.c, p.l, q.c, q.l);
      },
    ),

    check(
      'bulk: 512 KiB each way at once through 8 KiB buffers arrive bit-exact, then a graceful close',
      async (s) => {
        const small = (x: RkSocket) => {
          x.setsockopt(SOL_SOCKET, SO_SNDBUF, 8192);
          x.setsockopt(SOL_SOCKET, SO_RCVBUF, 8192);
        };
        const p = await pair(s, { client: small, listener: small });
        const size = 512 * 1024;
        const up = pattern(size, 1);
        const down = pattern(size, 2);
        const results: string[] = [];
        const run = (name: string, fn: () => Promise<void>) =>
          s.sched.spawn(name, async () => {
            try {
              await fn();
            } catch (e) {
              results.push(`${name}: ${(e as Error).message}`);
            }
            return 0;
          });
        const threads = [
          run('kit-up-send', () => sendAll(p.c, up)),
          run('kit-down-send', () => sendAll(p.a, down)),
          run('kit-up-recv', async () => {
            if (!sameBytes(await readExactly(p.a, size), up)) fail('upstream bytes differ');
          }),
          run('kit-down-recv', async () => {
            if (!sameBytes(await readExactly(p.c, size), down)) fail('downstream bytes differ');
          }),
        ];
        for (const t of threads) await s.sched.join(t);
        if (results.length > 0) fail(results.join('; '));
        await ok('shutdown(SHUT_WR)', p.c.shutdown(SHUT_WR));
        await gives('end of stream', p.a.recv(new Uint8Array(1)), 0);
        closeAll(p.a, p.c, p.l);
      },
    ),
  ];
}
