import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARP_REQUEST, emitArp, parseArp } from '../../src/wire/arp';
import { isWireError } from '../../src/wire/error';
import {
  ETHERTYPE_ARP,
  emitEthernet,
  formatMac,
  isMulticastMac,
  parseEthernet,
} from '../../src/wire/ethernet';
import { arpRequest, udpHello } from '../fixtures/linux-frames';

const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 });
const ip = fc.nat(0xffffffff).map((x) => x >>> 0);

describe('ethernet', () => {
  it('parses a frame Linux sent', () => {
    const e = parseEthernet(udpHello);
    if (isWireError(e)) throw new Error(e.message);
    expect(formatMac(e.dst)).toBe('02:00:00:00:00:02');
    expect(formatMac(e.src)).toBe('02:00:00:00:00:01');
    expect(e.ethertype).toBe(0x0800);
    expect(e.payload.byteOffset).toBe(udpHello.byteOffset + 14);
    expect(isMulticastMac(0xffff_ffff_ffff)).toBe(true);
    expect(isMulticastMac(e.src)).toBe(false);
  });

  it('rejects short frames and 802.3 length fields with a named field', () => {
    expect(parseEthernet(new Uint8Array(13))).toMatchObject({
      protocol: 'ethernet',
      field: 'header',
    });
    const f = udpHello.slice();
    f[12] = 0x05;
    f[13] = 0xdc;
    expect(parseEthernet(f)).toMatchObject({ field: 'ethertype' });
  });

  it('property: parse(emit(x)) = x', () => {
    fc.assert(
      fc.property(
        mac,
        mac,
        fc.integer({ min: 0x600, max: 0xffff }),
        fc.uint8Array({ maxLength: 64 }),
        (dst, src, ethertype, payload) => {
          const buf = new Uint8Array(14 + payload.length);
          expect(emitEthernet({ dst, src, ethertype, payload }, buf)).toBe(buf.length);
          expect(parseEthernet(buf)).toEqual({ dst, src, ethertype, payload });
        },
      ),
    );
  });
});

describe('arp', () => {
  it('parses the request Linux sent and emits the same bytes', () => {
    const e = parseEthernet(arpRequest);
    if (isWireError(e)) throw new Error(e.message);
    expect(e.ethertype).toBe(ETHERTYPE_ARP);
    const a = parseArp(e.payload);
    expect(a).toEqual({
      op: ARP_REQUEST,
      sha: 0x020000000001,
      spa: 0x0a090001,
      tha: 0,
      tpa: 0x0a090002,
    });
    const out = new Uint8Array(28);
    emitArp(a as never, out);
    expect(out).toEqual(e.payload.subarray(0, 28));
  });

  it('names the field at fault', () => {
    const p = arpRequest.slice(14);
    p[7] = 9;
    expect(parseArp(p)).toMatchObject({ protocol: 'arp', field: 'operation' });
    p[7] = 1;
    p[4] = 8;
    expect(parseArp(p)).toMatchObject({ field: 'address lengths' });
    expect(parseArp(p.subarray(0, 27))).toMatchObject({ field: 'packet' });
  });

  it('property: parse(emit(x)) = x and random bytes only ever yield a record or an error', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2), mac, ip, mac, ip, (op, sha, spa, tha, tpa) => {
        const buf = new Uint8Array(28);
        emitArp({ op, sha, spa, tha, tpa }, buf);
        expect(parseArp(buf)).toEqual({ op, sha, spa, tha, tpa });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const r = parseArp(b);
        if (!isWireError(r)) {
          const out = new Uint8Array(28);
          emitArp(r, out);
          expect(out).toEqual(b.subarray(0, 28));
        }
      }),
    );
  });
});
