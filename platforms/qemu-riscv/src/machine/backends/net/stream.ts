// QEMU-compatible frame stream over TCP or a UNIX socket (`-netdev socket,listen=|connect=`,
// `-netdev stream`): each frame is a 4-byte big-endian length followed by the frame (net/stream.c).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { NetBackend } from './backend';

/** Where a stream endpoint lives. */
export type StreamAddr =
  | { type: 'inet'; host: string; port: number }
  | { type: 'unix'; path: string };

/** Largest frame accepted from the peer (QEMU NET_BUFSIZE is 4096 + headers; we allow jumbo 65535). */
export const STREAM_MAX_FRAME = 65535;

export class StreamNetBackend extends NetBackend {
  private sock: Socket | null = null;
  private server: Server | null = null;
  private rx: Buffer = Buffer.alloc(0);
  private readonly pendingTx: Buffer[] = [];
  /** Resolves once a peer is connected (client: connected; server: first client accepted). */
  readonly ready: Promise<void>;
  private onReady!: () => void;
  private onFail!: (e: Error) => void;

  constructor(id: string, addr: StreamAddr, server: boolean) {
    super(id);
    this.ready = new Promise((res, rej) => {
      this.onReady = res;
      this.onFail = rej;
    });
    this.ready.catch(() => {});
    const opts = addr.type === 'unix' ? { path: addr.path } : { host: addr.host, port: addr.port };
    if (server) {
      this.server = createServer((s) => {
        if (this.sock) {
          s.destroy(); // QEMU accepts one peer per stream netdev
          return;
        }
        this.adopt(s);
      });
      this.server.on('error', (e) => this.fail(e));
      this.server.listen(opts);
    } else {
      const s = connect(opts as never);
      s.on('connect', () => this.adopt(s));
      s.on('error', (e) => this.fail(e));
    }
  }

  /** The TCP port a server listens on (for `port=0`). */
  get localPort(): number {
    const a = this.server?.address() ?? this.sock?.address();
    return a && typeof a === 'object' && 'port' in a ? (a.port as number) : 0;
  }

  /** Resolves when the server is listening. */
  listening(): Promise<void> {
    if (!this.server || this.server.listening) return Promise.resolve();
    return new Promise((res) => this.server!.once('listening', () => res()));
  }

  private adopt(s: Socket): void {
    this.sock = s;
    this.setLink(null);
    s.setNoDelay(true);
    s.on('data', (d) => this.onData(d));
    s.on('close', () => {
      if (this.sock === s) {
        this.sock = null;
        this.setLink(this.lastError ?? 'peer closed the stream');
      }
    });
    s.on('error', (e) => this.fail(e));
    for (const b of this.pendingTx.splice(0)) s.write(b);
    this.onReady();
  }

  private fail(e: Error): void {
    this.setLink(e.message);
    this.onFail(e);
  }

  private onData(d: Buffer): void {
    this.rx = this.rx.length ? Buffer.concat([this.rx, d]) : d;
    while (this.rx.length >= 4) {
      const len = this.rx.readUInt32BE(0);
      if (len > STREAM_MAX_FRAME) {
        this.setLink(`peer sent a frame length ${len} > ${STREAM_MAX_FRAME}; closing`);
        this.sock?.destroy();
        this.rx = Buffer.alloc(0);
        return;
      }
      if (this.rx.length < 4 + len) break;
      this.deliver(new Uint8Array(this.rx.subarray(4, 4 + len)));
      this.rx = this.rx.subarray(4 + len);
    }
  }

  send(frame: Uint8Array): void {
    const b = Buffer.allocUnsafe(4 + frame.length);
    b.writeUInt32BE(frame.length, 0);
    b.set(frame, 4);
    if (this.sock) this.sock.write(b);
    else if (this.server || this.pendingTx.length < 1024) this.pendingTx.push(b);
    else this.dropped++;
  }

  async close(): Promise<void> {
    this.sock?.destroy();
    this.sock = null;
    if (this.server) await new Promise<void>((res) => this.server!.close(() => res()));
    this.server = null;
  }
}
