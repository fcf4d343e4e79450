// Hosts: IPv4 (decimal, octal, hex, 1-4 parts), IPv6 (compression, IPv4 tail, RFC 5952 output),
// opaque hosts, Punycode (RFC 3492) and the IDNA subset, each against Node as the oracle.
import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { punycodeDecode, punycodeEncode, RkURL, RkUrlIdnaError } from '../src/index';
import { parseIpv6, serializeIpv6 } from '../src/ip';
import { MAPPED_NON_ASCII } from './arbitraries';

const hostOf = (U: typeof URL | typeof RkURL, scheme: string, h: string) => {
  try {
    return new U(`${scheme}://${h}/`).host;
  } catch {
    return 'invalid';
  }
};

describe('IPv4 hosts', () => {
  it('parse in every radix and part count as Node does', () => {
    const part = fc.oneof(
      fc.nat(300).map(String),
      fc.nat(0xffff).map((n) => `0x${n.toString(16)}`),
      fc.nat(0o777).map((n) => `0${n.toString(8)}`),
      fc.constantFrom('0x', '0X1F', '09', '4294967295', '4294967296', '00', '', '1e1'),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, dot) => {
        const h = parts.join('.') + (dot ? '.' : '');
        for (const scheme of ['http', 'foo'])
          expect(hostOf(RkURL, scheme, h)).toBe(hostOf(URL, scheme, h));
      }),
      { seed: 1, numRuns: 2000 },
    );
  });
});

describe('IPv6 hosts', () => {
  it('parse and serialize (longest zero run compressed, IPv4 tails) as Node does', () => {
    const piece = fc.oneof(
      fc.constant('0'),
      fc.nat(0xffff).map((n) => n.toString(16)),
      fc.constantFrom('00000', 'g', ''),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 9 }),
        fc.option(fc.constantFrom('1.2.3.4', '01.2.3.4', '1.2.3', '256.0.0.1'), { nil: undefined }),
        fc.nat(9),
        (ps, v4, at) => {
          const parts = [...ps];
          if (at < parts.length && at % 2 === 0) parts.splice(at, 1, '');
          let h = parts.join(':');
          if (v4) h += `:${v4}`;
          for (const s of [h, `::${h}`, `${h}::`])
            expect(hostOf(RkURL, 'http', `[${s}]`)).toBe(hostOf(URL, 'http', `[${s}]`));
        },
      ),
      { seed: 2, numRuns: 2000 },
    );
  });

  it('serialize exactly as RFC 5952 §4.2.3 says (first longest run, not a lone zero)', () => {
    expect(serializeIpv6([1, 0, 0, 2, 0, 0, 0, 3])).toBe('1:0:0:2::3');
    expect(serializeIpv6([1, 0, 0, 2, 0, 0, 3, 4])).toBe('1::2:0:0:3:4');
    expect(serializeIpv6([1, 0, 2, 3, 4, 5, 6, 7])).toBe('1:0:2:3:4:5:6:7');
    expect(serializeIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});

describe('Punycode and IDNA', () => {
  it('punycode decode(encode(x)) = x, and xn--encode(x) equals Node for mapped labels', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), (s) => {
        const e = punycodeEncode(s);
        expect(e).not.toBeNull();
        expect(punycodeDecode(e!)).toBe(s);
      }),
      { seed: 3, numRuns: 1000 },
    );
    // RFC 3492 §7.1 samples (Japanese, Chinese).
    expect(punycodeEncode('\u4ed6\u4eec\u4e3a\u4ec0\u4e48\u4e0d\u8bf4\u4e2d\u6587')).toBe(
      'ihqwcrb4cv8a8dqg056pqjye',
    );
    expect(punycodeDecode('3B-ww4c5e180e575a65lsy2b')).toBe(
      '3\u5e74B\u7d44\u91d1\u516b\u5148\u751f',
    );
    expect(punycodeDecode('a\u00e9')).toBeNull();
    expect(punycodeDecode('99999999999')).toBeNull();
  });

  it('domains of the mapped scripts become what Node gives', () => {
    const label = fc
      .array(fc.constantFrom(...MAPPED_NON_ASCII, 'a', 'B', '0', '-'), {
        minLength: 1,
        maxLength: 6,
      })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), (labels) => {
        const d = labels.join('.');
        const node = hostOf(URL, 'http', d);
        expect(hostOf(RkURL, 'http', d)).toBe(node);
        if (node !== 'invalid') expect(node).toBe(domainToASCII(d));
      }),
      { seed: 4, numRuns: 1500 },
    );
  });

  it('a label needing the UTS #46 tables is a TypeError naming it, not a guess', () => {
    for (const d of ['مثال.إختبار', 'דוגמה.בדיקה', 'a\u200db', 'x\u2488y']) {
      const e = (() => {
        try {
          new RkURL(`http://${d}/`);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(RkUrlIdnaError);
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toMatch(/needs the full IDNA \(UTS #46\) mapping/);
    }
    expect(new RkURL('foo://مثال/').host).toBe(new URL('foo://مثال/').host);
  });
});
