import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkTcpConn } from '../../../src/socket/tcp/conn';
import type { RkTcpBinding } from '../../../src/socket/tcp/stack';
import { emitTcp, parseTcp, TCP_SYN, type TcpRepr, tcpHeaderLen } from '../../../src/wire/tcp';
import { A, B, pattern, SimNet } from './harness';
import { connectPair, transfer } from './helpers';

const seg = (src: number, dst: number, b: Uint8Array) => parseTcp(b, src, dst) as TcpRepr;

describe('tcp engine scenarios', () => {
  it('simultaneous open (SYNs cross) and simultaneous close (both through CLOSING to TIME_WAIT)', () => {
    const net = new SimNet(5, { delay: 5 });
    const a = net.addHost(A);
    const b = net.addHost(B);
    const ca = a.connect(a.bind(0, 1000) as RkTcpBinding, B, 2000) as RkTcpConn;
    const cb = b.connect(b.bind(0, 2000) as RkTcpBinding, A, 1000) as RkTcpConn;
    const states = new Set<string>();
    net.runUntil(
      () => ca.state === 'ESTABLISHED' && cb.state === 'ESTABLISHED',
      10_000,
      () => states.add(ca.state),
    );
    expect(states.has('SYN_RECEIVED')).toBe(true);
    expect([ca.state, cb.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(ca.send(new Uint8Array([1, 2, 3]))).toBe(3);
    net.runUntil(() => cb.readable === 3, 1000);
    const buf = new Uint8Array(3);
    expect(cb.recv(buf)).toBe(3);
    ca.close();
    cb.close();
    const seen = new Set<string>();
    net.runUntil(
      () => ca.isReleased && cb.isReleased,
      10_000,
      () => seen.add(ca.state),
    );
    expect(seen.has('CLOSING')).toBe(true);
    expect([ca.state, cb.state]).toEqual(['TIME_WAIT', 'TIME_WAIT']);
    expect(a.timeWait.size + b.timeWait.size).toBe(2);
  });

  for (const timestamps of [true, false])
    it(`a SYN reuses a TIME_WAIT tuple when provably new (timestamps ${timestamps ? 'on' : 'off'})`, () => {
      const net = new SimNet(6);
      const { a, b, c, s } = connectPair(net, 80, { config: { timestamps } });
      const port = c.localPort;
      s.close(); // the server closes first and holds TIME_WAIT
      net.runUntil(() => c.finReceived, 1000);
      c.close();
      net.runUntil(() => s.isReleased && c.isReleased, 5000);
      expect(b.timeWait.get(B, 80, A, port)).toBeDefined();
      net.now += 500;
      const again = a.connect(a.bind(0, port, true) as RkTcpBinding, B, 80) as RkTcpConn;
      net.runUntil(() => again.state === 'ESTABLISHED', 5000);
      expect(again.state).toBe('ESTABLISHED');
      expect(b.timeWait.get(B, 80, A, port)).toBeUndefined();
    });

  it('a busy server closing first never stalls: 300 sequential connections, TIME_WAIT table bounded', () => {
    const net = new SimNet(7);
    const a = net.addHost(A, { config: { ephemeralLow: 50000, ephemeralHigh: 50031 } });
    const b = net.addHost(B, { config: { maxTimeWait: 16, recvBuffer: 4096, sendBuffer: 4096 } });
    const l = b.listen(b.bind(0, 80) as RkTcpBinding, 8);
    if (typeof l === 'number') throw new Error('listen');
    let done = 0;
    for (let i = 0; i < 300; i++) {
      const c = a.connect(null, B, 80);
      if (typeof c === 'number') throw new Error(`connect ${i}: ${c}`);
      let s: RkTcpConn | null = null;
      net.runUntil(() => (s ??= l.accept()) !== null && c.state === 'ESTABLISHED', 5000);
      s!.send(new Uint8Array(100));
      s!.close();
      net.runUntil(() => c.finReceived, 5000);
      c.recv(new Uint8Array(100));
      c.close();
      net.runUntil(() => c.isReleased && s!.isReleased, 5000);
      if (s!.state === 'TIME_WAIT' && c.isReleased && s!.isReleased) done++;
    }
    expect(done).toBe(300);
    expect(b.timeWait.size).toBeLessThanOrEqual(16);
    expect(b.timeWait.evicted).toBeGreaterThan(0);
  });

  it('1,000 concurrent connections each exchange a message and close cleanly', () => {
    const net = new SimNet(8, { loss: 0.01, delay: 1 });
    const cfg = { config: { recvBuffer: 4096, sendBuffer: 4096, synBacklog: 1024 } };
    const a = net.addHost(A, cfg);
    const b = net.addHost(B, cfg);
    const l = b.listen(b.bind(0, 80) as RkTcpBinding, 1024);
    if (typeof l === 'number') throw new Error('listen');
    const clients: RkTcpConn[] = [];
    for (let i = 0; i < 1000; i++) clients.push(a.connect(null, B, 80) as RkTcpConn);
    const servers: RkTcpConn[] = [];
    const got = new Map<RkTcpConn, string>();
    const buf = new Uint8Array(64);
    let closed = 0;
    net.runUntil(
      () => closed === 1000,
      120_000,
      () => {
        for (let s = l.accept(); s; s = l.accept()) servers.push(s);
        for (const [i, c] of clients.entries())
          if (c.state === 'ESTABLISHED' && c.sendBuf.length === 0 && !c.finQueued) {
            c.send(new TextEncoder().encode(`hello ${i}`));
            c.shutdownWrite();
          }
        for (const s of servers) {
          if (s.appClosed) continue;
          const n = s.recv(buf);
          if (n > 0) got.set(s, (got.get(s) ?? '') + new TextDecoder().decode(buf.subarray(0, n)));
          if (n === 0) {
            s.close();
            closed++;
          }
        }
      },
    );
    expect(servers.length).toBe(1000);
    expect(new Set(got.values()).size).toBe(1000);
    for (const c of clients) c.close();
    net.runUntil(() => a.connectionCount + b.connectionCount === 0, 120_000);
    expect(a.connectionCount + b.connectionCount).toBe(0);
    expect(a.buffersInUse + b.buffersInUse).toBe(0);
  });

  it('zero window: the sender probes with backoff, then the transfer completes when the reader reads', () => {
    const net = new SimNet(9);
    const { c, s } = connectPair(net, 80, { config: { recvBuffer: 16384, sendBuffer: 65536 } });
    const data = pattern(200_000, 3);
    let sent = 0;
    const probeTimes: number[] = [];
    net.onSend = (src, dst, b) => {
      const r = seg(src, dst, b);
      if (src === A && r.payload.length === 0 && r.seq === (c.sndUna - 1) >>> 0)
        probeTimes.push(net.now);
    };
    net.runUntil(
      () => probeTimes.length >= 4,
      60_000,
      () => {
        if (sent < data.length) sent += Math.max(0, c.send(data.subarray(sent)));
      },
    );
    expect(c.sndWnd).toBe(0);
    expect(s.readable).toBe(16384);
    const gaps = probeTimes.slice(1).map((t, i) => t - probeTimes[i]!);
    expect(gaps[1]! / gaps[0]!).toBeCloseTo(2, 0);
    net.onSend = null;
    // Now the reader drains everything: the stream arrives whole and in order.
    const rest = transfer(net, c, s, data, 600_000, sent);
    const head = rest.received;
    expect(head.length).toBe(data.length);
    expect(Buffer.compare(head, data)).toBe(0);
  });

  it('RTO backoff doubles from the measured RTO up to the 60 s ceiling, then ETIMEDOUT', () => {
    const net = new SimNet(10, { delay: 25 });
    const { c } = connectPair(net, 80);
    c.send(new Uint8Array(1000)); // a sample on a 50 ms path: RTO = max(200 ms floor, ...)
    net.runUntil(() => c.sndUna === c.sndMax, 5000);
    const times: number[] = [];
    net.onSend = (src) => {
      if (src === A) times.push(net.now);
    };
    net.up = false;
    c.send(new Uint8Array(100));
    net.runUntil(() => c.error !== 0, 3_600_000);
    expect(c.error).toBe(Errno.ETIMEDOUT);
    const gaps = times.slice(1, 16).map((t, i) => Math.round(t - times[i]!));
    expect(gaps[0]).toBe(200);
    expect(gaps.slice(0, 9)).toEqual([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200]);
    expect(gaps.slice(9)).toEqual([60000, 60000, 60000, 60000, 60000, 60000]);
  });

  it('fast retransmit: a lost segment is resent after three duplicate ACKs, long before the RTO', () => {
    const net = new SimNet(11, { delay: 10 });
    const { a, c, s } = connectPair(net, 80);
    let victim: number | null = null;
    let dropAt = 0;
    let resentAt = 0;
    let dupacks = 0;
    net.filter = (src, dst, b) => {
      const r = seg(src, dst, b);
      if (src === A && r.payload.length > 0) {
        if (victim === null && r.seq - c.iss > 20_000) {
          victim = r.seq;
          dropAt = net.now;
          return false;
        }
        if (r.seq === victim && !resentAt) resentAt = net.now;
      }
      if (src === B && victim !== null && !resentAt && r.ack === victim && r.payload.length === 0)
        dupacks++;
      return true;
    };
    const data = pattern(100_000, 4);
    const r = transfer(net, c, s, data, 60_000);
    expect(Buffer.compare(r.received, data)).toBe(0);
    expect(resentAt).toBeGreaterThan(0);
    expect(dupacks).toBeGreaterThanOrEqual(3);
    expect(resentAt - dropAt).toBeLessThan(c.rtt.rto);
    expect(a.stats.retransmits).toBe(1);
  });

  it('RST rules: an out-of-window RST is ignored, an in-window one draws a challenge ACK (RFC 5961)', () => {
    const net = new SimNet(12);
    const { c, s } = connectPair(net, 80);
    const acks: TcpRepr[] = [];
    net.onSend = (src, dst, b) => {
      if (src === B) acks.push(seg(src, dst, b));
    };
    const inject = (seq: number, flags: number) =>
      net.hosts.get(B)!.input(net.now, A, B, fakeHeader(c, seq, flags));
    inject((c.sndNxt + 10_000_000) >>> 0, 0x04);
    expect(s.state).toBe('ESTABLISHED');
    expect(acks.length).toBe(0);
    inject((c.sndNxt + 100) >>> 0, 0x04);
    expect(s.state).toBe('ESTABLISHED');
    expect(acks.length).toBe(1); // the challenge ACK
    inject(c.sndNxt, TCP_SYN);
    expect(s.state).toBe('ESTABLISHED');
    expect(acks.length).toBe(2);
    inject(c.sndNxt, 0x04);
    expect(s.error).toBe(Errno.ECONNRESET);
  });
});

function fakeHeader(c: RkTcpConn, seq: number, flags: number): Uint8Array {
  const r: TcpRepr = {
    srcPort: c.localPort,
    dstPort: c.remotePort,
    seq,
    ack: c.rcvNxt,
    flags,
    window: 1000,
    urgent: 0,
    mss: null,
    windowScale: null,
    sackPermitted: false,
    sackBlocks: [],
    timestamp: null,
    payload: new Uint8Array(0),
  };
  return emitFor(r);
}

function emitFor(r: TcpRepr): Uint8Array {
  const b = new Uint8Array(tcpHeaderLen(r) + r.payload.length);
  emitTcp(r, b, A, B);
  return b;
}
