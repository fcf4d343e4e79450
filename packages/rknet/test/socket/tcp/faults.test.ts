import { describe, expect, it } from 'vitest';
import { pattern, SimNet } from './harness';
import { connectPair, transfer } from './helpers';

const MB = 1024 * 1024;

describe('tcp engine over a faulty link', () => {
  it('10 MB bit-exact under 10% loss, reordering, duplication and corruption; teardown too', () => {
    const net = new SimNet(42, { loss: 0.1, reorder: 0.1, dup: 0.05, corrupt: 0.02, delay: 2 });
    const { a, b, c, s } = connectPair(net, 5001, {
      config: { sendBuffer: 256 * 1024, recvBuffer: 256 * 1024 },
    });
    const data = pattern(10 * MB, 7);
    const r = transfer(net, c, s, data, 3_600_000);
    expect(r.received.length).toBe(data.length);
    expect(Buffer.compare(r.received, data)).toBe(0);
    expect(r.eof).toBe(true);
    expect(a.stats.retransmits).toBeGreaterThan(100);
    expect(b.stats.badSegments).toBeGreaterThan(10); // corrupted segments were caught by the checksum
    s.close();
    c.close();
    net.runUntil(() => c.isReleased && s.isReleased, 600_000);
    expect(c.isReleased && s.isReleased).toBe(true);
    expect(a.buffersInUse + b.buffersInUse).toBe(0);
    expect(a.connectionCount + b.connectionCount).toBe(0);
  });

  it('moves 1 MB each way at once over a clean link', () => {
    const net = new SimNet(3, { delay: 1 });
    const { c, s } = connectPair(net, 5002);
    const d1 = pattern(MB, 1);
    const d2 = pattern(MB, 2);
    const r1 = transfer(net, c, s, d1, 60_000);
    const r2 = transfer(net, s, c, d2, 60_000);
    expect(Buffer.compare(r1.received, d1)).toBe(0);
    expect(Buffer.compare(r2.received, d2)).toBe(0);
  });

  it('running out of buffer memory is backpressure or -ENOMEM, never a crash or a leak', () => {
    const net = new SimNet(4, { delay: 1 });
    let starve = false;
    const allocBuffer = (n: number) => (starve ? null : new Uint8Array(n));
    const { a, b, c, s } = connectPair(net, 5003, { allocBuffer });
    starve = true;
    expect(c.send(new Uint8Array(100))).toBe(-12); // -ENOMEM: no storage for the send ring
    starve = false;
    const data = pattern(MB, 5);
    expect(c.send(data.subarray(0, 3000))).toBe(3000);
    starve = true; // the receiver cannot take the data now: it drops and ACKs, the sender backs off
    net.runUntil(() => false, 3000);
    expect(s.readable).toBe(0);
    expect(a.stats.retransmits).toBeGreaterThan(0);
    starve = false;
    const r = transfer(net, c, s, data, 600_000, 3000);
    expect(Buffer.compare(r.received, data)).toBe(0);
    c.close();
    s.close();
    net.runUntil(() => c.isReleased && s.isReleased, 600_000);
    expect(a.buffersInUse + b.buffersInUse).toBe(0);
  });
});
