// Helpers the TCP checks share: a listener on an ephemeral port, a connected pair, exact reads and
// complete writes that fail with the errno named.
import { errnoName } from '@runikraft/errno';
import type { RkSocket } from '../socket/api';
import { AF_INET, SOCK_STREAM } from '../socket/consts';
import { fail, inet, ok, type RkSocketKitSubject, sock } from './env';

export interface RkTcpPair {
  /** The listener (still open). */
  l: RkSocket;
  /** The connecting side. */
  c: RkSocket;
  /** The accepted side. */
  a: RkSocket;
  port: number;
}

/** A stream socket, listening on an ephemeral port of `s.addr`. */
export async function listener(
  s: RkSocketKitSubject,
  backlog = 8,
  before?: (l: RkSocket) => void,
): Promise<{ l: RkSocket; port: number }> {
  const l = sock(s.socket(AF_INET, SOCK_STREAM));
  before?.(l);
  await ok('bind(port 0)', l.bind(inet(0, 0)));
  await ok('listen', l.listen(backlog));
  const me = { addr: 0, port: 0 };
  await ok('getsockname(listener)', l.getsockname(me));
  if (me.port === 0) fail('a listener bound to port 0 reports port 0 (no ephemeral port taken)');
  return { l, port: me.port };
}

/** A connected pair through a listener (blocking connect, then accept). */
export async function pair(
  s: RkSocketKitSubject,
  opts: { client?: (c: RkSocket) => void; listener?: (l: RkSocket) => void } = {},
): Promise<RkTcpPair> {
  const { l, port } = await listener(s, 8, opts.listener);
  const c = sock(s.socket(AF_INET, SOCK_STREAM));
  opts.client?.(c);
  await ok('connect', c.connect(inet(s.addr, port)));
  const a = sock((await ok('accept', l.accept())) as RkSocket | number, 'accept()');
  return { l, c, a, port };
}

/** Reads exactly `n` bytes. Fails on an error or an early end of stream. */
export async function readExactly(x: RkSocket, n: number, what = 'recv'): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await x.recv(out.subarray(got));
    if (r < 0) fail(`${what} after ${got} of ${n} bytes: -${errnoName(r)}`);
    if (r === 0) fail(`${what}: end of stream after ${got} of ${n} bytes`);
    got += r;
  }
  return out;
}

/** Writes all of `data` (blocking send may take part of it per call). */
export async function sendAll(x: RkSocket, data: Uint8Array, what = 'send'): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const r = await x.send(data.subarray(done));
    if (r <= 0)
      fail(`${what} after ${done} of ${data.length} bytes: ${r < 0 ? `-${errnoName(r)}` : 0}`);
    done += r;
  }
}

/** Sleeps in 1 ms steps until `cond` holds, at most `ms`. @returns whether it held. */
export async function eventually(
  s: RkSocketKitSubject,
  cond: () => boolean,
  ms = 2000,
): Promise<boolean> {
  for (let i = 0; i < ms && !cond(); i++) await s.sched.sleep(1e6);
  return cond();
}

/** Closes every socket given (errors ignored: a check may have closed some already). */
export function closeAll(...xs: RkSocket[]): void {
  for (const x of xs) void x.close();
}
