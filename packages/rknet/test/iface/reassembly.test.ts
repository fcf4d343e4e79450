import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkReassembler } from '../../src/iface/reassembly';
import { parseIpv4 } from '../../src/wire/ipv4';
import { ipv4, ok } from '../peer';

/** Fragments `data` at the given 8-byte-multiple cut points. */
function fragments(data: Uint8Array, cuts: number[], ident = 7) {
  const points = [0, ...cuts, data.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    out.push(
      ipv4({
        proto: 17,
        ident,
        fragOffset: a,
        moreFragments: b < data.length,
        payload: data.subarray(a, b),
      }),
    );
  }
  return out;
}

function add(r: RkReassembler, bytes: Uint8Array, now = 0) {
  return r.add(ok(parseIpv4(bytes)), bytes, now);
}

describe('RkReassembler', () => {
  it('property: any order of any fragmentation, duplicates included, yields the original bytes once', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 9, maxLength: 3000 }),
        fc.array(fc.nat(400), { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (data, rawCuts, order) => {
          const cuts = [
            ...new Set(rawCuts.map((c) => c * 8).filter((c) => c > 0 && c < data.length)),
          ].sort((a, b) => a - b);
          const frags = fragments(data, cuts);
          const seq = [...frags.keys()].sort(
            (a, b) => (order[a % order.length] ^ a) - (order[b % order.length] ^ b),
          );
          const r = new RkReassembler();
          const results: Uint8Array[] = [];
          for (const i of [...seq, seq[0]]) {
            const whole = add(r, frags[i]);
            if (whole) results.push(whole);
          }
          // The duplicate after completion starts a new datagram; everything else completes once.
          expect(results[0]).toEqual(data);
          expect(results.length).toBe(frags.length === 1 ? 2 : 1);
        },
      ),
    );
  });

  it('drops the datagram when fragments overlap (no rewriting of earlier bytes)', () => {
    const r = new RkReassembler();
    const data = new Uint8Array(48).fill(1);
    expect(
      add(r, ipv4({ proto: 17, ident: 1, moreFragments: true, payload: data.subarray(0, 24) })),
    ).toBeNull();
    expect(
      add(r, ipv4({ proto: 17, ident: 1, fragOffset: 16, payload: data.subarray(16) })),
    ).toBeNull();
    expect(r.stats.overlaps).toBe(1);
    expect(r.usage).toEqual({ bytes: 0, datagrams: 0 });
  });

  it('stays within its byte budget by evicting the oldest datagram, and refuses bad fragments', () => {
    const r = new RkReassembler({ maxBytes: 100, maxDatagrams: 8, timeoutMs: 1000 });
    for (let id = 0; id < 5; id++)
      add(r, ipv4({ proto: 17, ident: id, moreFragments: true, payload: new Uint8Array(40) }));
    expect(r.usage.bytes).toBeLessThanOrEqual(100);
    expect(r.stats.evicted).toBe(3);
    add(r, ipv4({ proto: 17, ident: 9, moreFragments: true, payload: new Uint8Array(12) }));
    expect(r.stats.invalid).toBe(1);
    add(r, ipv4({ proto: 17, ident: 9, fragOffset: 65528, payload: new Uint8Array(16) }));
    expect(r.stats.invalid).toBe(2);
  });

  it('times out incomplete datagrams, quoting the first fragment when it came', () => {
    const r = new RkReassembler({ maxBytes: 1000, maxDatagrams: 8, timeoutMs: 500 });
    const first = ipv4({
      proto: 17,
      ident: 1,
      moreFragments: true,
      payload: new Uint8Array(16).fill(9),
    });
    add(r, first, 100);
    add(r, ipv4({ proto: 17, ident: 2, fragOffset: 8, payload: new Uint8Array(8) }), 200);
    expect(r.pollAt()).toBe(600);
    expect(r.poll(599)).toEqual([]);
    const t = r.poll(700);
    expect(t.map((x) => x.quote?.length ?? null)).toEqual([28, null]);
    expect(t[0].quote).toEqual(first.subarray(0, 28));
    expect(r.usage).toEqual({ bytes: 0, datagrams: 0 });
  });
});
