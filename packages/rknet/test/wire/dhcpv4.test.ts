import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DhcpRepr, dhcpLen, emitDhcp, parseDhcp } from '../../src/wire/dhcpv4';
import { isWireError } from '../../src/wire/error';

const ip = fc.nat(0xffffffff).map((x) => x >>> 0);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const repr: fc.Arbitrary<DhcpRepr> = fc.record({
  op: fc.constantFrom(1, 2),
  xid: ip,
  secs: fc.nat(0xffff),
  broadcast: fc.boolean(),
  ciaddr: ip,
  yiaddr: ip,
  siaddr: ip,
  giaddr: ip,
  chaddr: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  messageType: fc.integer({ min: 1, max: 8 }),
  serverId: opt(ip),
  requestedIp: opt(ip),
  subnetMask: opt(ip),
  routers: fc.array(ip, { maxLength: 3 }),
  dns: fc.array(ip, { maxLength: 3 }),
  leaseTime: opt(ip),
  renewalTime: opt(ip),
  rebindingTime: opt(ip),
  paramRequest: fc.array(fc.integer({ min: 1, max: 254 }), { maxLength: 8 }),
  maxSize: opt(fc.nat(0xffff)),
  clientId: opt(fc.integer({ min: 0, max: 2 ** 48 - 1 })),
  hostname: opt(fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
});

describe('dhcpv4', () => {
  it('property: parse(emit(x)) = x, at least 300 bytes', () => {
    fc.assert(
      fc.property(repr, (r) => {
        const b = new Uint8Array(dhcpLen(r));
        expect(emitDhcp(r, b)).toBeGreaterThanOrEqual(300);
        expect(parseDhcp(b)).toEqual(r);
      }),
    );
  });

  it('names what is wrong: magic cookie, truncated option, missing end, missing type', () => {
    const r = fc.sample(repr, { numRuns: 1, seed: 1 })[0];
    const b = new Uint8Array(dhcpLen(r));
    emitDhcp({ ...r, op: 2 }, b);
    const bad = b.slice();
    bad[236] = 0;
    expect(parseDhcp(bad)).toMatchObject({ protocol: 'dhcp', field: 'magic cookie' });
    expect(parseDhcp(b.subarray(0, 242))).toMatchObject({ field: 'options' });
    const noType = b.slice();
    noType[240] = 0; // the type option becomes padding, its length byte an unknown option
    expect(isWireError(parseDhcp(noType))).toBe(true);
  });

  it('random bytes after a valid header only ever give a record or an error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (tail) => {
        const b = new Uint8Array(240 + tail.length);
        b.set([1, 1, 6]);
        b.set([0x63, 0x82, 0x53, 0x63], 236);
        b.set(tail, 240);
        const r = parseDhcp(b);
        expect(isWireError(r) || typeof r.messageType === 'number').toBe(true);
      }),
    );
  });
});
