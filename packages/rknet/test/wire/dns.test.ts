import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DnsRepr, dnsLen, emitDns, parseDns } from '../../src/wire/dns';
import { isWireError } from '../../src/wire/error';
import { parseEthernet } from '../../src/wire/ethernet';
import { parseIpv4 } from '../../src/wire/ipv4';
import { parseUdp } from '../../src/wire/udp';
import { dnsQuery } from '../fixtures/linux-frames';
import { ok } from '../peer';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));

describe('dns', () => {
  it("parses glibc's query and re-emits the same bytes", () => {
    const ip = ok(parseIpv4(ok(parseEthernet(dnsQuery)).payload));
    const u = ok(parseUdp(ip.payload, ip.src, ip.dst));
    const m = ok(parseDns(u.payload));
    expect(m).toMatchObject({
      response: false,
      recursionDesired: true,
      questions: [{ name: 'host.example.test', type: 1, class: 1 }],
    });
    const out = new Uint8Array(dnsLen(m));
    emitDns(m, out);
    expect(out).toEqual(u.payload);
  });

  it('follows compression pointers in answers (RFC 1035 §4.1.4) and refuses a pointer loop', () => {
    // id 0x534f, response, RD RA; question host.example.test A IN; answer: pointer to 12, A, ttl 300, 10.9.0.7
    const resp = hex(
      '534f818000010001000000000468' +
        '6f7374076578616d706c6504746573740000010001' +
        'c00c000100010000012c00040a090007',
    );
    const m = ok(parseDns(resp));
    expect(m.answers).toHaveLength(1);
    expect(m.answers[0]).toMatchObject({ name: 'host.example.test', type: 1, ttl: 300 });
    expect([...m.answers[0].data]).toEqual([10, 9, 0, 7]);
    const loop = resp.slice();
    loop.set([0xc0, 0x23], 35); // the answer's name points at itself
    expect(parseDns(loop)).toMatchObject({ protocol: 'dns', field: 'name' });
    expect(parseDns(resp.subarray(0, 40))).toMatchObject({ field: 'answer' });
  });

  const label = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
  const name = fc.array(label, { maxLength: 4 }).map((l) => l.join('.'));
  const rec = fc.record({
    name,
    type: fc.nat(0xffff),
    class: fc.nat(0xffff),
    ttl: fc.nat(0xffffffff),
    data: fc.uint8Array({ maxLength: 20 }),
  });
  const repr: fc.Arbitrary<DnsRepr> = fc.record({
    id: fc.nat(0xffff),
    response: fc.boolean(),
    opcode: fc.nat(15),
    authoritative: fc.boolean(),
    truncated: fc.boolean(),
    recursionDesired: fc.boolean(),
    recursionAvailable: fc.boolean(),
    rcode: fc.nat(15),
    questions: fc.array(fc.record({ name, type: fc.nat(0xffff), class: fc.nat(0xffff) }), {
      maxLength: 3,
    }),
    answers: fc.array(rec, { maxLength: 3 }),
    authorities: fc.array(rec, { maxLength: 2 }),
    additionals: fc.array(rec, { maxLength: 2 }),
  });

  it('property: parse(emit(x)) = x; random bytes give a record or an error, never a throw', () => {
    fc.assert(
      fc.property(repr, (m) => {
        const b = new Uint8Array(dnsLen(m));
        expect(emitDns(m, b)).toBe(b.length);
        expect(parseDns(b)).toEqual(m);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = parseDns(b);
        expect(isWireError(r) || typeof r.id === 'number').toBe(true);
      }),
    );
  });
});
