// A stream-socket front for the 9P server (TCP or UNIX socket, as diod listens): messages are
// framed by their own size[4]. For host-side peers (diodcat, diodls, the rk9p socket transport).
import { createServer, type Server, type Socket } from 'node:net';
import type { P9Server } from './server';

/**
 * Serves 9P on one connected socket until it closes. A size below 7 or above the server's msize
 * cannot be resynchronised: the connection is closed (after a trace line).
 */
export function serveP9Socket(server: P9Server, sock: Socket): void {
  let pending: Buffer = Buffer.alloc(0);
  sock.setNoDelay(true);
  sock.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const size = pending.readUInt32LE(0);
      if (size < 7 || size > server.msize) {
        server.trace(`9p socket: frame of ${size} bytes (msize ${server.msize}): closing`);
        sock.destroy();
        return;
      }
      if (pending.length < size) break;
      const msg = pending.subarray(0, size);
      pending = pending.subarray(size);
      sock.write(Buffer.from(server.handle(msg)));
    }
  });
  sock.on('error', () => sock.destroy());
}

/** Listens on `127.0.0.1:port` (port 0: any) or a UNIX socket path; one P9Server for all clients. */
export function listenP9(
  server: P9Server,
  where: { port: number; host?: string } | { path: string },
): Promise<{ server: Server; address: string; close(): Promise<void> }> {
  const net = createServer((sock) => serveP9Socket(server, sock));
  return new Promise((resolve, reject) => {
    net.once('error', reject);
    const done = () => {
      const a = net.address();
      const address = typeof a === 'string' ? a : `${a?.address}:${a?.port}`;
      resolve({
        server: net,
        address,
        close: () => new Promise<void>((r) => net.close(() => r())),
      });
    };
    if ('path' in where) net.listen(where.path, done);
    else net.listen(where.port, where.host ?? '127.0.0.1', done);
  });
}
