import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkTcpAssembler } from '../../../src/socket/tcp/assembler';
import { RkTcpNewReno } from '../../../src/socket/tcp/congestion';
import { halfSipHash } from '../../../src/socket/tcp/isn';
import { RkTcpRing, type RkTcpRingMemory } from '../../../src/socket/tcp/ring';

const heap: RkTcpRingMemory = { alloc: (n) => new Uint8Array(n), free: () => {} };

import { RkTcpRtt } from '../../../src/socket/tcp/rtt';
import { seqGt, seqLt } from '../../../src/socket/tcp/seq';

describe('tcp parts', () => {
  it('sequence comparisons wrap at 2^32', () => {
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqLt(5, 5)).toBe(false);
  });

  it('ring: out-of-order bytes written past the end survive the ring draining (regression)', () => {
    const r = new RkTcpRing(8, heap);
    r.write(Uint8Array.of(1, 2, 3));
    r.writeAt(2, Uint8Array.of(6, 7)); // bytes 5 and 6 of the stream, 4 and 5 missing
    const out = new Uint8Array(3);
    expect(r.read(out)).toBe(3);
    r.writeAt(0, Uint8Array.of(4, 5));
    r.commit(4);
    const all = new Uint8Array(4);
    expect(r.read(all)).toBe(4);
    expect([...all]).toEqual([4, 5, 6, 7]);
  });

  it('ring: behaves as a FIFO under random writes and reads (model check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }),
        (ops) => {
          const r = new RkTcpRing(13, heap);
          const model: number[] = [];
          let v = 0;
          for (const [isWrite, n] of ops) {
            if (isWrite) {
              const src = Uint8Array.from({ length: n }, () => v++ & 0xff);
              const k = r.write(src);
              expect(k).toBe(Math.min(n, 13 - model.length));
              model.push(...src.subarray(0, k));
            } else {
              const dst = new Uint8Array(n);
              const k = r.read(dst);
              expect([...dst.subarray(0, k)]).toEqual(model.splice(0, k));
            }
          }
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('ring: storage comes lazily, grows by doubling to the capacity, keeps out-of-order bytes, and OOM fills what it has', () => {
    const live = new Set<Uint8Array>();
    let budget = 2;
    const mem: RkTcpRingMemory = {
      alloc: (n) => {
        if (budget-- <= 0) return null;
        const b = new Uint8Array(n);
        live.add(b);
        return b;
      },
      free: (b) => live.delete(b),
    };
    const r = new RkTcpRing(20_000, mem);
    expect(r.allocated).toBe(0);
    const data = Uint8Array.from({ length: 9000 }, (_, i) => i & 0xff);
    expect(r.write(data.subarray(0, 100))).toBe(100);
    expect(r.allocated).toBe(4096);
    const out = new Uint8Array(60);
    r.read(out); // the head moves: the next growth must linearise a wrapped ring
    expect(r.writeAt(4940, data.subarray(5040, 6000))).toBe(960); // out of order, forces 8192
    expect(r.allocated).toBe(8192);
    expect(r.write(data.subarray(100, 5040))).toBe(4940); // fills the hole, in order
    r.commit(960);
    const all = new Uint8Array(6000);
    expect(r.read(all)).toBe(5940);
    expect([...all.subarray(0, 5940)]).toEqual([...data.subarray(60, 6000)]);
    expect(live.size).toBe(1);
    // The third allocation is refused: the write fills the storage it has (backpressure)...
    expect(r.write(new Uint8Array(19_000))).toBe(8192);
    expect(r.starved).toBe(false);
    // ...and the next finds no room and cannot grow: starved until bytes are consumed.
    expect(r.write(new Uint8Array(100))).toBe(0);
    expect(r.starved).toBe(true);
    r.consume(1);
    expect(r.starved).toBe(false);
    expect(r.write(new Uint8Array(100))).toBe(1);
    r.release();
    expect(live.size).toBe(0);
  });

  it('assembler merges ranges, advances RCV.NXT, and reports the latest block first', () => {
    const a = new RkTcpAssembler();
    a.add(200, 300);
    a.add(400, 500);
    a.add(300, 350);
    expect(a.sackBlocks(4)).toEqual([
      [200, 350],
      [400, 500],
    ]);
    expect(a.advance(100)).toBe(100);
    expect(a.advance(200)).toBe(350);
    expect(a.count).toBe(1);
    expect(a.advance(450)).toBe(500);
    expect(a.empty).toBe(true);
  });

  it('RTO per RFC 6298: first sample, smoothing, floor, backoff doubling to the ceiling', () => {
    const r = new RkTcpRtt(1000, 200, 60_000);
    expect(r.rto).toBe(1000);
    r.sample(100); // SRTT 100, RTTVAR 50 -> 100 + 200 = 300
    expect(r.rto).toBe(300);
    r.sample(100); // RTTVAR 37.5, SRTT 100 -> 250
    expect(r.rto).toBe(250);
    const seen = [];
    for (let i = 0; i < 10; i++) {
      seen.push(r.rto);
      r.backoff();
    }
    expect(seen).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    r.resetBackoff();
    expect(r.rto).toBe(250);
  });

  it('NewReno: fast retransmit on the third duplicate ACK, inflation, partial and full ACKs', () => {
    const cc = new RkTcpNewReno(1000);
    cc.cwnd = 10_000;
    expect(cc.onDupAck(0, 10_000, 10_000)).toBe(false);
    expect(cc.onDupAck(0, 10_000, 10_000)).toBe(false);
    expect(cc.onDupAck(0, 10_000, 10_000)).toBe(true);
    expect(cc.ssthresh).toBe(5000);
    expect(cc.cwnd).toBe(8000);
    cc.onDupAck(0, 10_000, 10_000);
    expect(cc.cwnd).toBe(9000);
    expect(cc.onAck(2000, 2000, 10_000)).toBe(true); // partial: retransmit the next hole
    expect(cc.cwnd).toBe(8000);
    expect(cc.onAck(8000, 10_000, 8000)).toBe(false); // full
    expect(cc.inRecovery).toBe(false);
    expect(cc.cwnd).toBe(1000 + 1000);
  });

  it('HalfSipHash-2-4 matches the reference vector (key 00..07, empty message)', () => {
    expect(halfSipHash(0x03020100, 0x07060504, [])).toBe(0x5b9f35a9);
  });
});
