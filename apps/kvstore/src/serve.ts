// kvstore on stream sockets: an accept loop with a thread per client and the per-client pump
// (recv → session → send), against rknet's RkSocket contract. A client that resets or vanishes
// just ends its thread; the keyspace is shared by every client.
import { Errno } from '@runikraft/errno';
import type { RkSocket } from '@runikraft/rknet';
import type { KvServerState } from './commands/context';
import { KvSession } from './session';
import type { KvKeyspace } from './store/keyspace';

/** Starts a thread (rksched's spawn, detached). */
export type Spawn = (name: string, fn: () => Promise<number>) => void;

async function sendAll(sock: RkSocket, data: Uint8Array): Promise<boolean> {
  for (let off = 0; off < data.length; ) {
    const n = await sock.send(data.subarray(off));
    if (n < 0) return false;
    off += n;
  }
  return true;
}

/** Serves one client until it leaves, QUITs or breaks the protocol; always closes the socket. */
export async function serveKvClient(sock: RkSocket, session: KvSession): Promise<void> {
  const buf = new Uint8Array(16384);
  try {
    for (;;) {
      const n = await sock.recv(buf);
      if (n <= 0) return;
      const out = session.receive(buf.subarray(0, n));
      if (out.reply.length > 0 && !(await sendAll(sock, out.reply))) return;
      if (out.close) return;
    }
  } finally {
    sock.close();
  }
}

/**
 * Accepts clients on `listener` until it is closed, serving each in its own thread.
 * @returns the errno that ended the loop (-EINVAL or -EBADF once the listener is closed).
 */
export async function serveKv(
  listener: RkSocket,
  db: KvKeyspace,
  server: KvServerState,
  spawn: Spawn,
): Promise<number> {
  for (;;) {
    const s = await listener.accept();
    if (typeof s === 'number') {
      if (s === -Errno.EINVAL || s === -Errno.EBADF) return s;
      continue;
    }
    server.totalConnections++;
    server.connectedClients++;
    const session = new KvSession(db, server);
    spawn(`kv#${server.totalConnections}`, async () => {
      await serveKvClient(s, session);
      server.connectedClients--;
      return 0;
    });
  }
}
