// copyToGuest/copyFromGuest against plain set, for every pair of offsets mod 8 and lengths on both
// sides of the straight/bounced boundary and of the bounce step (the bounce must neither drop nor
// shift a byte, nor touch guest bytes outside the copy).
import { describe, expect, it } from 'vitest';
import { createTestPhys } from '../src/conformance';
import { copyFromGuest, copyToGuest } from '../src/copy';

const LENGTHS = [0, 1, 7, 127, 128, 129, 4096, 16 * 1024 - 3, 16 * 1024, 40_000];

/** Index of the first byte where a and b differ, or -1 (toEqual on long arrays is slow). */
function mismatch(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
const all = (a: Uint8Array, v: number) => a.every((b) => b === v);

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

describe('copies between host arrays and guest RAM', () => {
  const phys = createTestPhys(1 << 20);
  const guest = phys.u8.subarray(64); // a view that does not start the buffer
  const host = new Uint8Array(new ArrayBuffer(64 * 1024));

  it('copyToGuest writes exactly src at every pair of alignments', () => {
    for (const len of LENGTHS)
      for (let s = 0; s < 8; s++)
        for (let d = 0; d < 8; d++) {
          const at = 1000 + d;
          guest.fill(0xee, 0, at + len + 16);
          const src = host.subarray(s, s + len);
          src.set(pattern(len, s + d));
          copyToGuest(guest, at, src);
          const ok =
            mismatch(guest.subarray(at, at + len), src) === -1 &&
            all(guest.subarray(at - 16, at), 0xee) &&
            all(guest.subarray(at + len, at + len + 16), 0xee);
          if (!ok) expect.fail(`copyToGuest of ${len} bytes, src +${s}, guest +${d}`);
        }
  });

  it('copyFromGuest reads exactly the guest bytes at every pair of alignments', () => {
    for (const len of LENGTHS)
      for (let s = 0; s < 8; s++)
        for (let d = 0; d < 8; d++) {
          const at = 2000 + s;
          guest.set(pattern(len, s * 8 + d), at);
          host.fill(0xee, 0, d + len + 16);
          const dst = host.subarray(d, d + len);
          copyFromGuest(dst, guest, at);
          const ok =
            mismatch(dst, guest.subarray(at, at + len)) === -1 &&
            all(host.subarray(d + len, d + len + 16), 0xee);
          if (!ok) expect.fail(`copyFromGuest of ${len} bytes, guest +${s}, dst +${d}`);
        }
  });
});
