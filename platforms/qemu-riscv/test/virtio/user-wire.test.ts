// -netdev user's wire helpers against plain models: the Internet checksum (RFC 1071) over any offset
// and length, host bytes queued in chunks (ByteQueue), and segments built in their frame.
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/machine/backends/net/user/byte-queue';
import { buildTcp, writeTcp } from '../../src/machine/backends/net/user/tcp-wire';
import { pseudoSum, sum16 } from '../../src/machine/backends/net/user/wire';

/** RFC 1071 as written: 16-bit big-endian words, end-around carry after each add. */
function naive(b: Uint8Array, off: number, end: number, sum = 0): number {
  let s = sum;
  for (let i = off; i < end; i += 2) {
    s += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
    s = (s & 0xffff) + (s >>> 16);
  }
  return s;
}

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

describe('-netdev user wire helpers', () => {
  it('sum16 equals the word-by-word checksum at every offset, length and start sum', () => {
    const r = rng(9);
    const b = new Uint8Array(70000);
    for (let i = 0; i < b.length; i++) b[i] = r(256);
    b.fill(0xff, 100, 2100); // long runs of 0xff: carries at every word
    for (let t = 0; t < 3000; t++) {
      const off = r(3000);
      const len = t < 50 ? 65535 - r(8) : r(1600);
      const start = r(0x10000);
      expect(sum16(b, off, off + len, start)).toBe(naive(b, off, off + len, start));
    }
    expect(sum16(b, 5, 5)).toBe(0);
    expect(pseudoSum(0xffffffff, 0xffffffff, 6, 0xffff)).toBe(
      naive(Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 255, 0, 6, 255, 255), 0, 12),
    );
  });

  it('ByteQueue behaves as one flat array under random push, drop and copy', () => {
    const r = rng(4);
    const q = new ByteQueue();
    let model: number[] = [];
    let next = 0;
    for (let step = 0; step < 4000; step++) {
      const op = r(3);
      if (op === 0) {
        const n = r(300);
        const c = Uint8Array.from({ length: n }, () => next++ & 255);
        q.push(c);
        model.push(...c);
      } else if (op === 1) {
        const n = r(model.length + 20); // dropping more than held empties it
        q.drop(n);
        model = model.slice(Math.min(n, model.length));
      } else if (model.length > 0) {
        const off = r(model.length);
        const n = r(model.length - off + 1);
        const dst = new Uint8Array(n + 4).fill(0xee);
        q.copyTo(off, n, dst, 2);
        expect(Array.from(dst.subarray(2, 2 + n))).toEqual(model.slice(off, off + n));
        expect([dst[0], dst[1], dst[n + 2], dst[n + 3]]).toEqual([0xee, 0xee, 0xee, 0xee]);
        expect(Array.from(q.slice(off, n))).toEqual(model.slice(off, off + n));
      }
      expect(q.length).toBe(model.length);
    }
  });

  it('a segment written in place in a frame equals the one built alone', () => {
    const payload = Uint8Array.from({ length: 999 }, (_, i) => (i * 31) & 255);
    const t = {
      sport: 80,
      dport: 40000,
      seq: 0xfffffff0,
      ack: 7,
      flags: 0x18,
      window: 1234,
      mss: 1460,
    };
    const alone = buildTcp({ ...t, payload }, 0x0a000202, 0x0a00020f);
    const frame = new Uint8Array(34 + alone.length + 3).fill(0x5a);
    frame.set(payload, 34 + 24);
    writeTcp(frame, 34, t, 0x0a000202, 0x0a00020f, payload.length);
    expect(frame.subarray(34, 34 + alone.length)).toEqual(alone);
    expect(sum16(alone, 0, alone.length, pseudoSum(0x0a000202, 0x0a00020f, 6, alone.length))).toBe(
      0xffff,
    );
  });
});
