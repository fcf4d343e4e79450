import { describe, expect, it } from 'vitest';
import type { RkTcpConn } from '../../../src/socket/tcp/conn';
import type { RkTcpBinding } from '../../../src/socket/tcp/stack';
import { A, B, SimNet } from './harness';

function pair(net: SimNet, port = 80) {
  const a = net.addHost(A);
  const b = net.addHost(B);
  const lb = b.bind(0, port) as RkTcpBinding;
  const l = b.listen(lb, 16);
  if (typeof l === 'number') throw new Error(`listen ${l}`);
  const c = a.connect(null, B, port);
  if (typeof c === 'number') throw new Error(`connect ${c}`);
  let s: RkTcpConn | null = null;
  net.runUntil(() => (s ??= l.accept()) !== null && c.state === 'ESTABLISHED', 10_000);
  return { a, b, l, c, s: s! };
}

describe('tcp engine: basics', () => {
  it('three-way handshake, a little data both ways, graceful close into TIME_WAIT', () => {
    const net = new SimNet(1);
    const { a, b, c, s } = pair(net);
    expect(c.state).toBe('ESTABLISHED');
    expect(s.state).toBe('ESTABLISHED');
    expect(c.tsEnabled && c.sackEnabled && s.tsEnabled && s.sackEnabled).toBe(true);
    expect(c.mss).toBe(1460);
    expect(a.bufferBytes + b.bufferBytes).toBe(0); // an idle connection holds no buffer memory
    expect(c.send(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'))).toBe(18);
    const buf = new Uint8Array(100);
    net.runUntil(() => s.readable === 18, 1000);
    expect(new TextDecoder().decode(buf.subarray(0, s.recv(buf)))).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(s.send(new TextEncoder().encode('hello'))).toBe(5);
    expect(a.bufferBytes + b.bufferBytes).toBeLessThanOrEqual(3 * 4096); // first allocations only
    s.close();
    net.runUntil(() => c.finReceived, 1000);
    expect(new TextDecoder().decode(buf.subarray(0, c.recv(buf)))).toBe('hello');
    expect(c.recv(buf)).toBe(0);
    c.close();
    net.runUntil(() => c.isReleased && s.isReleased, 5000);
    expect(s.state).toBe('TIME_WAIT');
    expect(c.state).toBe('CLOSED');
    expect(b.timeWait.size).toBe(1);
    expect(a.buffersInUse + b.buffersInUse).toBe(0);
    net.runUntil(() => b.timeWait.size === 0, 70_000);
    expect(b.timeWait.size).toBe(0);
  });

  it('a SYN to a closed port is answered with RST and connect fails ECONNREFUSED', () => {
    const net = new SimNet(2);
    const a = net.addHost(A);
    net.addHost(B);
    const c = a.connect(null, B, 81) as RkTcpConn;
    net.runUntil(() => c.error !== 0, 1000);
    expect(c.error).toBe(111);
    expect(c.recv(new Uint8Array(1))).toBe(-111);
    expect(a.buffersInUse).toBe(0);
  });
});
