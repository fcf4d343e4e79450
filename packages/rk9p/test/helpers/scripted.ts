// A scripted in-memory transport: the test sees each T-message and answers with whatever bytes it
// likes (well-formed, malformed, late, under another tag), to drive the client's edge cases.
import { Errno } from '@runikraft/errno';
import type {
  RkP9Channel,
  RkP9Transport,
  RkP9TransportHandler,
  RkP9TransportReq,
} from '../../src/index';

export interface Scripted {
  transport: RkP9Transport;
  /** T-messages sent and not yet answered by the test (copies). */
  sent: Uint8Array[];
  handler(): RkP9TransportHandler;
  /** Delivers `msg` as a reply (stream style: matched by tag), then wakes waiters. */
  reply(msg: Uint8Array, via?: RkP9TransportReq): void;
  /** Requests as the transport received them (for virtio-style `via` delivery). */
  reqs: RkP9TransportReq[];
  down(reason: string): void;
}

/** `auto` answers each T-message as it is sent (null: leave it for the test). */
export function scripted(auto?: (t: Uint8Array) => Uint8Array | null, maxMsize = 65536): Scripted {
  let h: RkP9TransportHandler | null = null;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const s: Scripted = {
    sent: [],
    reqs: [],
    handler: () => h!,
    reply(msg, via) {
      h!.reply(msg, via);
      wake();
    },
    down(reason) {
      h!.down(reason);
      wake();
    },
    transport: {
      name: 'scripted',
      devices: () => ['s'],
      connect(device, handler) {
        if (device !== 's') return -Errno.ENODEV;
        h = handler;
        const ch: RkP9Channel = {
          maxMsize,
          allocBuffer: (n) => new Uint8Array(n),
          freeBuffer: () => {},
          request(req) {
            const t = req.tx.slice();
            s.reqs.push(req);
            handler.release(req);
            const r = auto?.(t);
            if (r) queueMicrotask(() => s.reply(r));
            else s.sent.push(t);
            return 0;
          },
          wait: () => new Promise<void>((r) => waiters.push(r)),
          wake,
          close: () => {},
        };
        return ch;
      },
    },
  };
  return s;
}

/** Builds an R-message: size[4] type[1] tag[2] then `body` (test-side encoder, not the library's). */
export function rmsg(type: number, tag: number, body: number[] | Uint8Array = []): Uint8Array {
  const b = new Uint8Array(7 + body.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, b.length, true);
  b[4] = type;
  v.setUint16(5, tag, true);
  b.set(body, 7);
  return b;
}

export const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
export const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
export const le64 = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
export const str = (s: string) => {
  const b = new TextEncoder().encode(s);
  return [...le16(b.length), ...b];
};
export const qid = (type: number, path: bigint) => [type, ...le32(0), ...le64(path)];
export const tagOf = (t: Uint8Array) => t[5] | (t[6] << 8);

/** Answers Tversion with `msize` and 9P2000.L; anything else is left to the test. */
export const versionOnly =
  (msize = 8192) =>
  (t: Uint8Array) =>
    t[4] === 100 ? rmsg(101, 0xffff, [...le32(msize), ...str('9P2000.L')]) : null;
