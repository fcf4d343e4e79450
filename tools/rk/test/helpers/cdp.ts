// A minimal Chrome DevTools Protocol client over a WebSocket (RFC 6455: client handshake, masked text
// frames out, unmasked frames in), enough to drive Node's inspector from a test on Node 20, which has
// no WebSocket client without a flag.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

type Message = { id?: number; method?: string; params?: any; result?: any; error?: any };

export class Cdp {
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly events: Message[] = [];
  private waiters: { method: string; where: (p: any) => boolean; resolve: (m: Message) => void }[] =
    [];

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => this.onData(d));
  }

  /** Connects to `ws://host:port/path`. */
  static open(url: string, timeoutMs = 10_000): Promise<Cdp> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname);
      const key = randomBytes(16).toString('base64');
      const timer = setTimeout(() => reject(new Error('websocket handshake timed out')), timeoutMs);
      sock.once('error', reject);
      sock.once('connect', () =>
        sock.write(
          `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
      let head = Buffer.alloc(0);
      const onHead = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        sock.off('data', onHead);
        clearTimeout(timer);
        const accept = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        if (!head.subarray(0, end).toString().includes(accept))
          return reject(new Error(`bad handshake: ${head.subarray(0, end)}`));
        const c = new Cdp(sock);
        if (head.length > end + 4) c.onData(head.subarray(end + 4));
        resolve(c);
      };
      sock.on('data', onHead);
    });
  }

  /** Sends a command. @returns its result; rejects with the protocol error. */
  send(method: string, params: object = {}): Promise<any> {
    const id = this.nextId++;
    const payload = Buffer.from(JSON.stringify({ id, method, params }));
    const mask = randomBytes(4);
    const len = payload.length;
    const header =
      len < 126
        ? Buffer.from([0x81, 0x80 | len])
        : len < 65536
          ? Buffer.from([0x81, 0xfe, len >> 8, len & 255])
          : Buffer.concat([Buffer.from([0x81, 0xff]), bigLen(len)]);
    for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
    this.sock.write(Buffer.concat([header, mask, payload]));
    return new Promise((resolve, reject) =>
      this.pending.set(id, (m) =>
        m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result),
      ),
    );
  }

  /**
   * The next event `method` (already received ones first) whose params pass `where`, within
   * `timeoutMs`; events it skips stay queued.
   */
  event(method: string, timeoutMs = 20_000, where: (p: any) => boolean = () => true): Promise<any> {
    const i = this.events.findIndex((e) => e.method === method && where(e.params));
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0].params);
    if (timeoutMs === 0) return Promise.reject(new Error(`no ${method} received`));
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no ${method} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        method,
        where,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m.params);
        },
      });
    });
  }

  close(): void {
    this.sock.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 2) return;
      let len = this.buf[1] & 127;
      let off = 2;
      if (len === 126) [len, off] = [this.buf.readUInt16BE(2), 4];
      else if (len === 127) [len, off] = [Number(this.buf.readBigUInt64BE(2)), 10];
      if (this.buf.length < off + len) return;
      const opcode = this.buf[0] & 15;
      const text = this.buf.subarray(off, off + len).toString();
      this.buf = this.buf.subarray(off + len);
      if (opcode === 1) this.dispatch(JSON.parse(text) as Message);
    }
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined) {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
      return;
    }
    const w = this.waiters.findIndex((x) => x.method === m.method && x.where(m.params));
    if (w >= 0) this.waiters.splice(w, 1)[0].resolve(m);
    else this.events.push(m);
  }
}

function bigLen(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
