import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkWireError } from '../../src/wire/error';
import {
  emitTcp,
  parseTcp,
  TCP_ACK,
  TCP_PSH,
  TCP_SYN,
  TcpPacket,
  type TcpRepr,
  tcpChecksum,
  tcpHeaderLen,
} from '../../src/wire/tcp';

const LO = 0x7f000001;
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => Number.parseInt(h, 16)));

// Captured from Linux 127.0.0.1:45602 -> :47123 with a raw socket. On loopback Linux leaves the
// checksum field holding the folded pseudo-header sum (CHECKSUM_PARTIAL), which gives an
// independent oracle: the final checksum is the complement of the sum over the segment as is.
const linuxSyn = hex(
  'b222b8135fd0519200000000a002ffd7fe3000000204ffd70402080aefd35036000000000103030a',
);
const linuxData = hex('b222b8135fd0519339fe880980180040fe2d00000101080aefd35036c9d13b9968656c6c6f');

function finishPartial(seg: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < seg.length; i += 2) sum += (seg[i]! << 8) | (seg[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

describe('wire/tcp: Linux fixtures', () => {
  it('parses a Linux SYN with MSS, SACK-permitted, timestamps, NOP and window scale', () => {
    const r = parseTcp(linuxSyn, LO, LO, false);
    if (r instanceof RkWireError) throw r;
    expect(r).toMatchObject({
      srcPort: 45602,
      dstPort: 47123,
      seq: 0x5fd05192,
      flags: TCP_SYN,
      window: 65495,
      mss: 65495,
      sackPermitted: true,
      windowScale: 10,
      timestamp: { tsval: 0xefd35036, tsecr: 0 },
      sackBlocks: [],
    });
    expect(r.payload.length).toBe(0);
  });

  it('computes the checksum Linux would finish for both segments', () => {
    for (const seg of [linuxSyn, linuxData]) {
      const want = finishPartial(seg);
      const z = seg.slice();
      z[16] = z[17] = 0;
      expect(tcpChecksum(z, LO, LO)).toBe(want);
      z[16] = want >> 8;
      z[17] = want & 0xff;
      expect(TcpPacket.unchecked(z).verifyChecksum(LO, LO)).toBe(true);
      expect(parseTcp(z, LO, LO)).not.toBeInstanceOf(RkWireError);
    }
  });

  it('payload is a view of the packet bytes (no copy)', () => {
    const r = parseTcp(linuxData, LO, LO, false) as TcpRepr;
    expect(r.flags).toBe(TCP_ACK | TCP_PSH);
    expect(new TextDecoder().decode(r.payload)).toBe('hello');
    expect(r.payload.buffer).toBe(linuxData.buffer);
    expect(r.payload.byteOffset).toBe(linuxData.byteOffset + 32);
  });
});

describe('wire/tcp: malformed input is a precise error', () => {
  const base = () => {
    const b = new Uint8Array(32);
    b[12] = 8 << 4;
    return b;
  };
  const err = (b: Uint8Array) => parseTcp(b, 1, 2, false) as RkWireError;

  it('short header, small and large data offset', () => {
    expect(err(new Uint8Array(19)).message).toBe('tcp: header: 19 bytes, a header needs 20');
    const b = base();
    b[12] = 4 << 4;
    expect(err(b).field).toBe('data offset');
    b[12] = 9 << 4;
    expect(err(b).message).toBe('tcp: data offset: header of 36 bytes in a 32-byte segment');
  });

  it('option lengths: below 2, overrunning, wrong fixed sizes, bad SACK', () => {
    const b = base();
    b.set([2, 1], 20);
    expect(err(b).message).toBe('tcp: option 2: length 1 is below 2');
    b.set([1, 1, 1, 1, 1, 1, 1, 1, 1, 30, 4], 20);
    expect(err(b).message).toBe('tcp: option 30: length 4 overruns the header by 1');
    b.fill(1, 20);
    b.set([2, 5, 0, 0, 0], 20);
    expect(err(b).message).toBe('tcp: option 2: length 5, the option is 4 bytes');
    b.fill(1, 20);
    b.set([5, 6], 20);
    expect(err(b).field).toBe('option 5 (SACK)');
    b.fill(1, 20);
    b[31] = 3;
    expect(err(b).message).toBe('tcp: option 3: length byte missing');
  });

  it('skips unknown options and stops at EOL', () => {
    const b = base();
    b.set([254, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4, 0, 99, 99, 99], 20);
    const r = parseTcp(b, 1, 2, false) as TcpRepr;
    expect(r.mss).toBe(1460);
  });

  it('a flipped bit fails the checksum', () => {
    const r = parseTcp(linuxData, LO, LO, false) as TcpRepr;
    const b = new Uint8Array(64);
    const n = emitTcp(r, b, LO, LO);
    b[n - 1]! ^= 4;
    expect((parseTcp(b.subarray(0, n), LO, LO) as RkWireError).field).toBe('checksum');
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const reprArb: fc.Arbitrary<TcpRepr> = fc
  .record({
    srcPort: u16,
    dstPort: u16,
    seq: u32,
    ack: u32,
    flags: fc.integer({ min: 0, max: 255 }),
    window: u16,
    urgent: u16,
    mss: fc.option(u16),
    windowScale: fc.option(fc.integer({ min: 0, max: 255 })),
    sackPermitted: fc.boolean(),
    sackBlocks: fc.array(fc.tuple(u32, u32), { maxLength: 4 }),
    timestamp: fc.option(fc.record({ tsval: u32, tsecr: u32 })),
    payload: fc.uint8Array({ maxLength: 64 }),
  })
  .filter((r) => {
    try {
      tcpHeaderLen(r as TcpRepr);
      return true;
    } catch {
      return false;
    }
  }) as fc.Arbitrary<TcpRepr>;

describe('wire/tcp: properties', () => {
  it('parse(emit(r)) = r and the checksum verifies', () => {
    fc.assert(
      fc.property(reprArb, u32, u32, (r, src, dst) => {
        const b = new Uint8Array(tcpHeaderLen(r) + r.payload.length);
        emitTcp(r, b, src, dst);
        const back = parseTcp(b, src, dst);
        expect(back).not.toBeInstanceOf(RkWireError);
        expect({ ...(back as TcpRepr), payload: [...(back as TcpRepr).payload] }).toEqual({
          ...r,
          payload: [...r.payload],
        });
      }),
      { seed: 9, numRuns: 500 },
    );
  });

  it('emit(parse(b)) = b for every segment that parses (options in canonical layout)', () => {
    fc.assert(
      fc.property(reprArb, (r) => {
        const b = new Uint8Array(tcpHeaderLen(r) + r.payload.length);
        emitTcp(r, b, 1, 2);
        const again = new Uint8Array(b.length);
        emitTcp(parseTcp(b, 1, 2) as TcpRepr, again, 1, 2);
        expect(again).toEqual(b);
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('random bytes only ever yield a record or an error, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = parseTcp(b, 1, 2, false);
        if (!(r instanceof RkWireError))
          expect(r.payload.length).toBeLessThanOrEqual(b.length - 20);
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('emit refuses options that do not fit and buffers that are short', () => {
    const r = parseTcp(linuxData, LO, LO, false) as TcpRepr;
    expect(() => emitTcp(r, new Uint8Array(30), 1, 2)).toThrow(RangeError);
    const big = {
      ...r,
      sackBlocks: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ] as [number, number][],
    };
    expect(() => tcpHeaderLen(big)).toThrow(/at most 40 fit/);
  });
});
