// UTF-8 without host APIs, checked against Node's TextEncoder/TextDecoder (WHATWG Encoding) as the oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../src/bytes';

describe('utf8Encode / utf8Decode', () => {
  it('encode equals TextEncoder on any string (lone surrogates become U+FFFD)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => {
        expect(utf8Encode(s)).toEqual(enc.encode(s));
      }),
      { seed: 8, numRuns: 500 },
    );
    expect(utf8Encode('a\ud800b')).toEqual(new Uint8Array([0x61, 0xef, 0xbf, 0xbd, 0x62]));
  });

  it('decode equals a non-fatal TextDecoder on any bytes, on ranges too', () => {
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), fc.nat(8), (b, lo, cut) => {
        const start = Math.min(lo, b.length);
        const end = Math.max(start, b.length - cut);
        expect(utf8Decode(b, start, end)).toBe(dec.decode(b.subarray(start, end)));
      }),
      { seed: 8, numRuns: 1000 },
    );
  });

  it('decodes ASCII runs longer than one native chunk', () => {
    const s = `${'x'.repeat(10_000)}é${'y'.repeat(5000)}`;
    expect(utf8Decode(utf8Encode(s))).toBe(s);
  });
});
