// Bulk transfer roles for throughput measurements (tools/bench bench:netbulk): a sink that reads a
// connection to its end and reports a hash of what came, and a source that sends a known pattern.
import type { RkSocket } from '@runikraft/rknet';
import { SHUT_WR } from '@runikraft/rknet';

/** The repeating 64 KiB block both roles use; byte i of a stream is BULK_PATTERN[i % 65536]. */
export const BULK_PATTERN = /* @__PURE__ */ (() => {
  const b = new Uint8Array(65536);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 8)) & 255;
  return b;
})();

/** FNV-1a (32-bit) over a stream fed in pieces; the sink reports it so the sender can compare. */
export function fnv1a(h: number, b: Uint8Array, n = b.length): number {
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}
export const FNV_INIT = 0x811c9dc5;

/** Reads until the peer half-closes. @returns bytes and their FNV-1a hash, or -errno. */
export async function sink(s: RkSocket): Promise<{ bytes: number; hash: number } | number> {
  const buf = new Uint8Array(64 * 1024);
  let bytes = 0;
  let hash = FNV_INIT;
  for (;;) {
    const n = await s.recv(buf);
    if (n < 0) return n;
    if (n === 0) return { bytes, hash };
    hash = fnv1a(hash, buf, n);
    bytes += n;
  }
}

/** Sends `total` bytes of the pattern, then half-closes. @returns bytes sent, or -errno. */
export async function source(s: RkSocket, total: number): Promise<number> {
  let sent = 0;
  while (sent < total) {
    const k = Math.min(total - sent, BULK_PATTERN.length);
    const w = await s.send(BULK_PATTERN.subarray(0, k));
    if (w < 0) return w;
    sent += w;
  }
  s.shutdown(SHUT_WR);
  return sent;
}
