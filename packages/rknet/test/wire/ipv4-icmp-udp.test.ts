import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWireError } from '../../src/wire/error';
import { parseEthernet } from '../../src/wire/ethernet';
import { emitIcmp, ICMP_ECHO_REQUEST, type IcmpRepr, parseIcmp } from '../../src/wire/icmpv4';
import { emitIpv4, formatIpv4, type Ipv4Repr, parseIpv4, parseIpv4Addr } from '../../src/wire/ipv4';
import { emitUdp, parseUdp } from '../../src/wire/udp';
import { icmpEcho, pingFrag1, pingFrag2, udpHello } from '../fixtures/linux-frames';

const ok = <T>(x: T): Exclude<T, { protocol: string }> => {
  if (isWireError(x)) throw new Error(x.message);
  return x as never;
};
const ipOf = (frame: Uint8Array) => ok(parseIpv4(ok(parseEthernet(frame)).payload));
const ip = fc.nat(0xffffffff).map((x) => x >>> 0);

const ipv4Repr = fc
  .record({
    tos: fc.nat(255),
    ident: fc.nat(0xffff),
    dontFragment: fc.boolean(),
    moreFragments: fc.boolean(),
    fragOffset: fc.nat(0x1fff).map((x) => x * 8),
    ttl: fc.nat(255),
    proto: fc.nat(255),
    src: ip,
    dst: ip,
    options: fc.nat(10).chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 })),
    payload: fc.uint8Array({ maxLength: 100 }),
  })
  .filter((r) => !(r.dontFragment && (r.moreFragments || r.fragOffset > 0)));

describe('ipv4', () => {
  it('parses what Linux sent, fragments included, and re-emits identical bytes', () => {
    for (const f of [icmpEcho, udpHello, pingFrag1, pingFrag2]) {
      const r = ipOf(f);
      const out = new Uint8Array(f.length - 14);
      expect(emitIpv4(r, out)).toBe(out.length);
      expect(out).toEqual(f.subarray(14));
    }
    const a = ipOf(pingFrag1);
    const b = ipOf(pingFrag2);
    expect([a.moreFragments, a.fragOffset, a.payload.length]).toEqual([true, 0, 1480]);
    expect([b.moreFragments, b.fragOffset, b.payload.length]).toEqual([false, 1480, 528]);
    expect(a.ident).toBe(b.ident);
    expect(formatIpv4(a.src)).toBe('10.9.0.1');
  });

  it('names the field at fault for each malformation', () => {
    const d = () => icmpEcho.slice(14);
    const cases: [(b: Uint8Array) => void, string][] = [
      [(b) => (b[0] = 0x65), 'version'],
      [(b) => (b[0] = 0x44), 'IHL'],
      [(b) => (b[3] = 0xff), 'total length'],
      [(b) => (b[3] = 10), 'total length'],
      [(b) => (b[12] ^= 1), 'checksum'],
    ];
    for (const [mut, field] of cases) {
      const b = d();
      mut(b);
      expect(parseIpv4(b)).toMatchObject({ protocol: 'ipv4', field });
    }
  });

  it('property: parse(emit(x)) = x; random bytes yield errors, never throws', () => {
    fc.assert(
      fc.property(ipv4Repr, (r: Ipv4Repr) => {
        const buf = new Uint8Array(20 + r.options.length + r.payload.length);
        emitIpv4(r, buf);
        expect(parseIpv4(buf)).toEqual(r);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = parseIpv4(b);
        if (!isWireError(r)) {
          const out = new Uint8Array(20 + r.options.length + r.payload.length);
          emitIpv4(r, out);
          expect(out).toEqual(b.subarray(0, out.length));
        }
      }),
    );
  });

  it('parses and formats dotted quads, refusing what is not one', () => {
    expect(parseIpv4Addr('10.0.2.15')).toBe(0x0a00020f);
    expect(parseIpv4Addr('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4Addr('10.0.2.256')).toBeNull();
    expect(parseIpv4Addr('10.0.2')).toBeNull();
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
  });
});

describe('icmpv4', () => {
  it("parses Linux's echo request: identifier, sequence and the -p 41 pattern", () => {
    const m = ok(parseIcmp(ipOf(icmpEcho).payload));
    expect(m.type).toBe(ICMP_ECHO_REQUEST);
    expect(m.rest & 0xffff).toBe(1);
    expect(m.data.length).toBe(16);
    const out = new Uint8Array(24);
    emitIcmp(m, out);
    expect(out).toEqual(ipOf(icmpEcho).payload);
  });

  it('rejects a bad checksum and short messages', () => {
    const b = ipOf(icmpEcho).payload.slice();
    b[9] ^= 0x10;
    expect(parseIcmp(b)).toMatchObject({ protocol: 'icmp', field: 'checksum' });
    expect(parseIcmp(b.subarray(0, 7))).toMatchObject({ field: 'header' });
  });

  it('property: parse(emit(x)) = x', () => {
    fc.assert(
      fc.property(
        fc.nat(255),
        fc.nat(255),
        ip,
        fc.uint8Array({ maxLength: 64 }),
        (type, code, rest, data) => {
          const r: IcmpRepr = { type, code, rest, data };
          const buf = new Uint8Array(8 + data.length);
          emitIcmp(r, buf);
          expect(parseIcmp(buf)).toEqual(r);
        },
      ),
    );
  });
});

describe('udp', () => {
  it("parses Linux's datagram with its checksum and re-emits the same bytes", () => {
    const p = ipOf(udpHello);
    const u = ok(parseUdp(p.payload, p.src, p.dst));
    expect([u.srcPort, u.dstPort]).toEqual([40000, 5353]);
    expect(new TextDecoder().decode(u.payload)).toBe('hello\n');
    const out = new Uint8Array(p.payload.length);
    emitUdp(u, out, p.src, p.dst);
    expect(out).toEqual(p.payload);
    // The checksum covers the pseudo-header: the same bytes from another source do not verify.
    expect(parseUdp(p.payload, p.src + 1, p.dst)).toMatchObject({ field: 'checksum' });
  });

  it('accepts a zero checksum (none) and rejects bad lengths and port 0', () => {
    const p = ipOf(udpHello);
    const b = p.payload.slice();
    b[6] = 0;
    b[7] = 0;
    expect(isWireError(parseUdp(b, 1, 2))).toBe(false);
    b[5] = 200;
    expect(parseUdp(b, 1, 2)).toMatchObject({ field: 'length' });
    b[5] = 14;
    b[2] = 0;
    b[3] = 0;
    expect(parseUdp(b, 1, 2)).toMatchObject({ field: 'destination port' });
  });

  it('property: parse(emit(x)) = x', () => {
    fc.assert(
      fc.property(
        fc.nat(0xffff),
        fc.integer({ min: 1, max: 0xffff }),
        fc.uint8Array({ maxLength: 64 }),
        ip,
        ip,
        (sp, dp, payload, s, d) => {
          const buf = new Uint8Array(8 + payload.length);
          emitUdp({ srcPort: sp, dstPort: dp, payload }, buf, s, d);
          expect(parseUdp(buf, s, d)).toEqual({ srcPort: sp, dstPort: dp, payload });
        },
      ),
    );
  });
});
