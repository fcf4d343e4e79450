// The socket transport for host-side tests: 9P over TCP or a UNIX socket (node:net), framed by the
// library's P9Framer. Host code, so it lives in test/ (guest packages never import node:*).
import { connect, type Socket } from 'node:net';
import { Errno } from '@runikraft/errno';
import { P9Framer, type RkP9Channel, type RkP9Transport } from '../../src/index';

export interface SocketTarget {
  host?: string;
  port?: number;
  path?: string;
}

/** A transport whose one device, `name`, is the server at `target`. */
export function socketTransport(
  target: SocketTarget,
  name = 'sock',
  maxMsize = 512 * 1024,
): RkP9Transport {
  return {
    name: 'socket',
    devices: () => [name],
    connect(device, handler) {
      if (device !== name) return -Errno.ENODEV;
      const sock: Socket = target.path
        ? connect(target.path)
        : connect(target.port!, target.host ?? '127.0.0.1');
      sock.setNoDelay(true);
      const framer = new P9Framer(maxMsize);
      let waiters: (() => void)[] = [];
      let closed = false;
      const wake = () => {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      };
      sock.on('data', (chunk: Buffer) => {
        try {
          for (const m of framer.push(chunk)) handler.reply(m);
        } catch (e) {
          handler.down((e as Error).message);
          closed = true;
          sock.destroy();
        }
        wake();
      });
      const gone = (why: string) => {
        closed = true;
        handler.down(why);
        wake();
      };
      sock.on('error', (e) => gone(e.message));
      sock.on('close', () => gone('peer closed the socket'));
      const ch: RkP9Channel = {
        maxMsize,
        allocBuffer: (n) => new Uint8Array(n),
        freeBuffer: () => {},
        request(req) {
          if (closed) return -Errno.ENOTCONN;
          if (req.tx.length > maxMsize) return -Errno.EMSGSIZE;
          sock.write(Buffer.from(req.tx)); // copied: the slot is reused once released
          handler.release(req);
          return 0;
        },
        wait: () => new Promise<void>((r) => waiters.push(r)),
        wake,
        close() {
          closed = true;
          sock.destroy();
        },
      };
      return ch;
    },
  };
}
