// The idiomatic TypeScript face of stream sockets: `await server.accept()`, `for await` over a
// server's connections and over a connection's bytes, `write()` that resolves once everything is
// queued (backpressure: it parks while the send buffer is full). Built on the RkSocket contract only,
// so it serves any conforming transport. This layer throws RkError; the BSD layer returns -errno.
import { Errno, RkError } from '@runikraft/errno';
import type { RkSockAddrOut, RkSocket, RkTransport } from '../api';
import { IPPROTO_TCP, SHUT_WR, SO_REUSEADDR, SOL_SOCKET, TCP_NODELAY } from '../consts';

function check(r: number, what: string): number {
  if (r < 0) throw new RkError(-r, what);
  return r;
}

/** A connected byte stream. */
export class RkTcpStream implements AsyncIterable<Uint8Array> {
  private ended = false;

  constructor(
    readonly socket: RkSocket,
    readonly remoteAddr: number,
    readonly remotePort: number,
  ) {}

  /**
   * Reads what is there (parking until something is). @returns a fresh chunk of at most `max`
   * bytes, or null at end of stream. Throws RkError (ECONNRESET, ETIMEDOUT, ...). Parks the caller.
   */
  async read(max = 16384): Promise<Uint8Array | null> {
    const buf = new Uint8Array(max);
    const n = await this.readInto(buf);
    return n === 0 ? null : buf.subarray(0, n);
  }

  /** As read, into `buf` (no allocation). @returns bytes read, 0 at end of stream. */
  async readInto(buf: Uint8Array): Promise<number> {
    if (buf.length === 0) return 0;
    return check(await this.socket.recv(buf), 'tcp read');
  }

  /**
   * Queues all of `data`, parking while the send buffer is full (backpressure). Resolves once the
   * last byte is in the send buffer (not when the peer has it). Throws RkError (EPIPE, ECONNRESET).
   */
  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) off += check(await this.socket.send(data.subarray(off)), 'tcp write');
  }

  /** Half-close: FIN after the queued data; reading continues (idempotent). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.shutdown(SHUT_WR);
  }

  /** TCP_NODELAY: send small writes at once instead of coalescing them (Nagle). */
  setNoDelay(on = true): void {
    check(this.socket.setsockopt(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0), 'TCP_NODELAY');
  }

  /** Closes the socket (graceful; a RST if unread data remains). */
  close(): void {
    this.socket.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (!chunk) return;
      yield chunk;
    }
  }
}

/** A listening socket whose connections arrive as RkTcpStreams. */
export class RkTcpServer implements AsyncIterable<RkTcpStream> {
  private closed = false;

  constructor(readonly socket: RkSocket) {}

  /** The bound port (useful after listening on port 0). */
  get port(): number {
    const out: RkSockAddrOut = { addr: 0, port: 0 };
    this.socket.getsockname(out);
    return out.port;
  }

  /** The next connection, parking until one arrives. Throws RkError (EINVAL once closed). */
  async accept(): Promise<RkTcpStream> {
    const peer: RkSockAddrOut = { addr: 0, port: 0 };
    const s = await this.socket.accept(peer);
    if (typeof s === 'number') throw new RkError(-s, 'tcp accept');
    return new RkTcpStream(s, peer.addr, peer.port);
  }

  /** Stops listening; pending connections are reset and iteration ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RkTcpStream> {
    while (!this.closed) {
      try {
        yield await this.accept();
      } catch (e) {
        if (this.closed || (e instanceof RkError && e.errno === Errno.EINVAL)) return;
        if (e instanceof RkError && e.errno === Errno.ECONNABORTED) continue;
        throw e;
      }
    }
  }
}

/** Options of tcpListen. */
export interface RkTcpListenOptions {
  /** Local address (0, the default, is every address). */
  addr?: number;
  backlog?: number;
  /** SO_REUSEADDR (default true, as servers want after a restart). */
  reuseAddr?: boolean;
}

/** Listens on `port` through `transport`. Throws RkError (EADDRINUSE, ...). */
export function tcpListen(
  transport: RkTransport,
  port: number,
  opts: RkTcpListenOptions = {},
): RkTcpServer {
  const s = transport.socket(0);
  if (typeof s === 'number') throw new RkError(-s, 'tcp socket');
  try {
    check(s.setsockopt(SOL_SOCKET, SO_REUSEADDR, opts.reuseAddr === false ? 0 : 1), 'SO_REUSEADDR');
    check(s.bind({ family: 2, addr: opts.addr ?? 0, port }), `tcp bind port ${port}`);
    check(s.listen(opts.backlog ?? 128), 'tcp listen');
  } catch (e) {
    s.close();
    throw e;
  }
  return new RkTcpServer(s);
}

/** Connects to `addr`:`port`, parking until the handshake completes. Throws RkError (ECONNREFUSED, ...). */
export async function tcpConnect(
  transport: RkTransport,
  addr: number,
  port: number,
): Promise<RkTcpStream> {
  const s = transport.socket(0);
  if (typeof s === 'number') throw new RkError(-s, 'tcp socket');
  const r = await s.connect({ family: 2, addr, port });
  if (r < 0) {
    s.close();
    throw new RkError(-r, `tcp connect to port ${port}`);
  }
  return new RkTcpStream(s, addr, port);
}
