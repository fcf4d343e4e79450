// Frames over UDP, one frame per datagram (QEMU `-netdev dgram`, `-netdev socket,udp=,localaddr=`);
// also what socat's TUN bridge speaks, so the TAP backend builds on it.
import { createSocket, type Socket } from 'node:dgram';
import { NetBackend } from './backend';

export interface DgramEndpoints {
  readonly local: { host: string; port: number };
  /** Where frames are sent; if absent, to the source of the last datagram received. */
  readonly remote?: { host: string; port: number };
}

export class DgramNetBackend extends NetBackend {
  private readonly sock: Socket;
  private remote: { host: string; port: number } | null;
  readonly ready: Promise<void>;

  constructor(id: string, ep: DgramEndpoints) {
    super(id);
    this.remote = ep.remote ?? null;
    this.sock = createSocket(ep.local.host.includes(':') ? 'udp6' : 'udp4');
    this.sock.on('message', (msg, rinfo) => {
      if (!ep.remote) this.remote = { host: rinfo.address, port: rinfo.port };
      this.deliver(new Uint8Array(msg));
    });
    this.sock.on('error', (e) => {
      this.lastError = e.message;
    });
    this.ready = new Promise((res, rej) => {
      this.sock.once('listening', () => res());
      this.sock.once('error', rej);
    });
    this.ready.catch(() => {});
    this.sock.bind(ep.local.port, ep.local.host);
  }

  get localPort(): number {
    try {
      return this.sock.address().port;
    } catch {
      return 0;
    }
  }

  send(frame: Uint8Array): void {
    if (!this.remote) {
      this.dropped++;
      return;
    }
    try {
      this.sock.send(frame, this.remote.port, this.remote.host, (e) => {
        if (e) this.lastError = e.message;
      });
    } catch (e) {
      this.dropped++; // closed: a frame sent during teardown is lost, as on a pulled cable
      this.lastError = (e as Error).message;
    }
  }

  close(): Promise<void> {
    return new Promise((res) => {
      try {
        this.sock.close(() => res());
      } catch {
        res();
      }
    });
  }
}
