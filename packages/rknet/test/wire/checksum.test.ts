import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksum,
  checksumAdd,
  checksumFold,
  checksumValid,
  pseudoHeaderSum,
  RkChecksum,
} from '../../src/wire/checksum';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));

describe('internet checksum', () => {
  it('RFC 1071 §3 worked example sums to 0xddf2', () => {
    const b = hex('0001f203f4f5f6f7');
    expect(checksumFold(checksumAdd(0, b))).toBe(0xddf2);
    expect(checksum(b)).toBe(0x220d);
  });

  it('a real IPv4 header (captured) carries the checksum this computes', () => {
    const h = hex('450000730000400040110000c0a80001c0a800c7');
    expect(checksum(h)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(checksumValid(checksumAdd(0, h))).toBe(true);
    h[15] ^= 1;
    expect(checksumValid(checksumAdd(0, h))).toBe(false);
  });

  it('an odd last byte counts as the high half of a word', () => {
    expect(checksum(Uint8Array.of(0x12))).toBe(~0x1200 & 0xffff);
    expect(checksum(Uint8Array.of(0xab, 0xcd, 0x12))).toBe(~(0xabcd + 0x1200) & 0xffff);
  });

  it('a UDP datagram checksums over the pseudo-header (hand-computed)', () => {
    // 10.0.2.2:53 -> 10.0.2.15:33000, payload "hi". Pseudo-header words 0a00+0202+0a00+020f+0011+000a
    // = 182c; UDP words 0035+80e8+000a+0000+6869 = e990; 182c+e990 = 101bc -> 01bd -> ~ = fe42.
    const src = 0x0a000202;
    const dst = 0x0a00020f;
    const udp = hex('003580e8000a00006869');
    const sum = new RkChecksum(pseudoHeaderSum(src, dst, 17, udp.length)).add(udp).finish();
    expect(sum).toBe(0xfe42);
    udp[6] = sum >>> 8;
    udp[7] = sum & 0xff;
    const again = new RkChecksum(pseudoHeaderSum(src, dst, 17, udp.length)).add(udp);
    expect(checksumValid(again.value)).toBe(true);
  });

  it('property: summing in pieces of any length equals summing the whole', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 6 }),
        (data, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const acc = new RkChecksum();
          let prev = 0;
          for (const p of [...points, data.length]) {
            acc.add(data, prev, p);
            prev = p;
          }
          expect(acc.finish()).toBe(checksum(data));
        },
      ),
    );
  });

  it('property: data with its checksum inserted verifies; any single-bit flip does not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.nat(), (data, bit) => {
        const b = Uint8Array.of(0, 0, ...data);
        const c = checksum(b);
        b[0] = c >>> 8;
        b[1] = c & 0xff;
        expect(checksumValid(checksumAdd(0, b))).toBe(true);
        const i = bit % (b.length * 8);
        b[i >> 3] ^= 1 << (i & 7);
        // A flip moves the sum by ±2^k, never a multiple of 0xffff, so it never verifies.
        expect(checksumValid(checksumAdd(0, b))).toBe(false);
      }),
    );
  });

  it('property: the unrolled sum equals the word-by-word sum of RFC 1071 at any offset and length', () => {
    const words = (b: Uint8Array, start: number, end: number, sum: number) => {
      for (let i = start; i < end; i += 2) sum += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
      return sum;
    };
    // guest RAM is a SharedArrayBuffer and netbufs start anywhere in it
    const ram = new Uint8Array(new SharedArrayBuffer(70_000));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2000 }),
        fc.nat(5000),
        fc.nat(0xffffff),
        (data, at, initial) => {
          ram.set(data, at);
          const v = ram.subarray(at, at + data.length);
          for (const start of [0, 2, 4, 6].filter((s) => s <= data.length))
            expect(checksumAdd(initial, v, start)).toBe(words(v, start, v.length, initial));
        },
      ),
    );
    ram.fill(0xff);
    expect(checksumAdd(0, ram, 1, 65536)).toBe(words(ram, 1, 65536, 0));
  });
});
