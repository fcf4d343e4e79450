// httpreply on stream sockets: an accept loop that gives each connection its own thread, and the
// per-connection pump (recv → engine → send). Written against rknet's RkSocket contract only, so it
// runs on any conforming stack. A client that vanishes (RST, timeout) just ends its thread.
import { Errno } from '@runikraft/errno';
import { IPPROTO_TCP, type RkSockAddrOut, type RkSocket, TCP_NODELAY } from '@runikraft/rknet';
import { HttpConnection } from './http/connection';
import type { HttpServer } from './http/server';

/** Starts a thread (rksched's spawn, detached). */
export type Spawn = (name: string, fn: () => Promise<number>) => void;

/** Figures the app prints and tests check. */
export interface HttpServeStats {
  accepted: number;
  active: number;
  requests: number;
  /** Connections that ended with a receive or send error (reset, timeout). */
  aborted: number;
}

/** Sends all of `data`. @returns false when the connection failed. */
async function sendAll(sock: RkSocket, data: Uint8Array): Promise<boolean> {
  for (let off = 0; off < data.length; ) {
    const n = await sock.send(data.subarray(off));
    if (n < 0) return false;
    off += n;
  }
  return true;
}

/**
 * One buffer for a batch of responses, as nginx's writev: separate sends of a header and a body
 * would let Nagle hold the body until the client's (delayed) ACK of the header.
 */
function gather(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const c of chunks) {
    out.set(c, n);
    n += c.length;
  }
  return out;
}

/** Serves one connection until the client or the engine ends it; always closes the socket. */
export async function serveHttpConnection(
  sock: RkSocket,
  conn: HttpConnection,
  stats: HttpServeStats,
): Promise<void> {
  const buf = new Uint8Array(16384);
  let before = conn.requests;
  try {
    for (;;) {
      const n = await sock.recv(buf);
      if (n < 0) stats.aborted++;
      if (n <= 0) return;
      let out = conn.receive(buf.subarray(0, n));
      for (;;) {
        stats.requests += conn.requests - before;
        before = conn.requests;
        if (out.chunks.length > 0 && !(await sendAll(sock, gather(out.chunks)))) {
          stats.aborted++;
          return;
        }
        if (out.close) return;
        if (!out.wait) break;
        // the site is loading the next request's documents (vfscore): answer it once they are in
        await out.wait;
        out = conn.receive();
      }
    }
  } finally {
    sock.close();
  }
}

const dotted = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/**
 * Accepts connections on `listener` until it is closed, serving each in its own thread.
 * @returns the errno that ended the loop (-EINVAL or -EBADF once the listener is closed).
 */
export async function serveHttp(
  listener: RkSocket,
  server: HttpServer,
  spawn: Spawn,
  stats: HttpServeStats = { accepted: 0, active: 0, requests: 0, aborted: 0 },
): Promise<number> {
  const local: RkSockAddrOut = { addr: 0, port: 0 };
  for (;;) {
    const s = await listener.accept();
    if (typeof s === 'number') {
      if (s === -Errno.EINVAL || s === -Errno.EBADF) return s; // the listener was closed
      continue; // ECONNABORTED and friends: that client is gone, keep serving
    }
    stats.accepted++;
    stats.active++;
    s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1); // as nginx's tcp_nodelay on keep-alive connections
    s.getsockname(local);
    const conn = new HttpConnection(server, dotted(local.addr));
    spawn(`http#${stats.accepted}`, async () => {
      await serveHttpConnection(s, conn, stats);
      stats.active--;
      return 0;
    });
  }
}
