// Connection setup and bulk-transfer drivers shared by the TCP engine tests.
import type { RkTcpConn, RkTcpSocketOptions } from '../../../src/socket/tcp/conn';
import type { RkTcpListener } from '../../../src/socket/tcp/listener';
import type { RkTcp, RkTcpStackOptions } from '../../../src/socket/tcp/stack';
import { RkTcpBinding } from '../../../src/socket/tcp/stack';
import { A, B, type SimNet } from './harness';

export interface Pair {
  a: RkTcp;
  b: RkTcp;
  l: RkTcpListener;
  c: RkTcpConn;
  s: RkTcpConn;
}

export function connectPair(
  net: SimNet,
  port = 80,
  stack: Partial<RkTcpStackOptions> = {},
  sock: RkTcpSocketOptions = {},
): Pair {
  const a = net.hosts.get(A) ?? net.addHost(A, stack);
  const b = net.hosts.get(B) ?? net.addHost(B, stack);
  const lb = b.bind(0, port);
  if (!(lb instanceof RkTcpBinding)) throw new Error(`bind ${lb}`);
  const l = b.listen(lb, 64, sock);
  if (typeof l === 'number') throw new Error(`listen ${l}`);
  const c = a.connect(null, B, port, sock);
  if (typeof c === 'number') throw new Error(`connect ${c}`);
  let s: RkTcpConn | null = null;
  const ok = net.runUntil(() => (s ??= l.accept()) !== null && c.state === 'ESTABLISHED', 120_000);
  if (!ok) throw new Error(`handshake did not complete: ${c.state}`);
  return { a, b, l, c, s: s! };
}

/** Streams `data` from `from` to `to`, then closes `from`'s write side. @returns what `to` read. */
export function transfer(
  net: SimNet,
  from: RkTcpConn,
  to: RkTcpConn,
  data: Uint8Array,
  limitMs: number,
  sentAlready = 0,
) {
  const out = new Uint8Array(data.length + 1);
  let sent = sentAlready;
  let got = 0;
  let eof = false;
  const chunk = new Uint8Array(16384);
  const app = () => {
    while (sent < data.length) {
      const n = from.send(data.subarray(sent, Math.min(data.length, sent + 50_000)));
      if (n <= 0) break;
      sent += n;
      if (sent === data.length) from.shutdownWrite();
    }
    for (;;) {
      const n = to.recv(chunk);
      if (n > 0) {
        if (got + n > data.length) throw new Error('received more than was sent');
        out.set(chunk.subarray(0, n), got);
        got += n;
      } else {
        if (n === 0) eof = true;
        break;
      }
    }
  };
  net.runUntil(() => eof || to.error !== 0 || from.error !== 0, limitMs, app);
  return { received: out.subarray(0, got), eof, sent };
}
