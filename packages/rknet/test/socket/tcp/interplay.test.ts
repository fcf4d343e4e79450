import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkTcpConn } from '../../../src/socket/tcp/conn';
import { pattern, SimNet } from './harness';
import { connectPair } from './helpers';

/** Time (simulated ms) from `write()` on `from` until `to` holds `n` bytes. */
function timeToDeliver(net: SimNet, to: RkTcpConn, n: number, write: () => void): number {
  const t0 = net.now;
  write();
  net.runUntil(() => to.readable >= n, 10_000);
  return net.now - t0;
}

describe('Nagle, delayed ACKs and keepalive', () => {
  it('a 1.5-MSS response in one write arrives in one trip (no delayed-ACK/Nagle stall)', () => {
    const net = new SimNet(31, { delay: 5 });
    const { c, s } = connectPair(net, 80);
    expect(s.noDelay).toBe(false);
    c.send(new Uint8Array(50)); // the request: the server's ACK of it is delayed
    net.runUntil(() => s.readable === 50, 1000);
    s.recv(new Uint8Array(50));
    const t = timeToDeliver(net, c, 2190, () => s.send(pattern(2190, 1)));
    expect(t).toBeLessThan(c.host.config.delayedAck);
    expect(t).toBeLessThanOrEqual(6);
  });

  it('header then body as two writes a moment apart: the tail waits at most one round trip', () => {
    const net = new SimNet(32, { delay: 5 });
    const { c, s } = connectPair(net, 80);
    const t = timeToDeliver(net, c, 2100, () => {
      s.send(new Uint8Array(100));
      net.runUntil(() => false, 1); // the header leaves alone
      s.send(pattern(2000, 2));
    });
    expect(t).toBeLessThan(25); // one RTT (10 ms) plus slack, far below the 40 ms delayed ACK
  });

  it('with TCP_NODELAY small writes go out at once, without it they coalesce behind the first', () => {
    for (const noDelay of [true, false]) {
      const net = new SimNet(33, { delay: 5 });
      const { c, s } = connectPair(net, 80, {}, { noDelay });
      let segments = 0;
      net.onSend = (src, _d, b) => {
        if (src === s.localAddr && b.length > 32 + 0) segments++;
      };
      for (let i = 0; i < 10; i++) {
        s.send(new Uint8Array(10));
        net.runUntil(() => false, 1);
      }
      net.runUntil(() => c.readable === 100, 1000);
      if (noDelay) expect(segments).toBe(10);
      else expect(segments).toBeLessThanOrEqual(3);
    }
  });

  it('keepalive: probes keep an idle connection, and time it out when the peer vanishes', () => {
    const net = new SimNet(34, { delay: 1 });
    const { c, s } = connectPair(
      net,
      80,
      {},
      { keepAlive: true, keepIdle: 1000, keepIntvl: 100, keepCnt: 3 },
    );
    net.runUntil(() => false, 10_000);
    expect(c.state).toBe('ESTABLISHED');
    expect(c.error).toBe(0);
    const t0 = net.now;
    net.up = false;
    net.runUntil(() => c.error !== 0 && s.error !== 0, 60_000);
    expect(c.error).toBe(Errno.ETIMEDOUT);
    expect(net.now - t0).toBeLessThanOrEqual(1000 + 4 * 100 + 1);
  });

  it('half-close: after the client shuts its side the server still sends, then both close', () => {
    const net = new SimNet(35, { delay: 1 });
    const { c, s } = connectPair(net, 80);
    c.send(new Uint8Array([1, 2, 3]));
    c.shutdownWrite();
    net.runUntil(() => s.finReceived, 1000);
    expect(s.state).toBe('CLOSE_WAIT');
    const b = new Uint8Array(8);
    expect(s.recv(b)).toBe(3);
    expect(s.recv(b)).toBe(0);
    expect(s.send(new Uint8Array([9, 9]))).toBe(2);
    net.runUntil(() => c.readable === 2, 1000);
    expect(c.state).toBe('FIN_WAIT_2');
    expect(c.recv(b)).toBe(2);
    s.close();
    net.runUntil(() => s.isReleased && c.isReleased, 5000);
    expect(s.state).toBe('CLOSED');
    expect(c.state).toBe('TIME_WAIT');
  });
});
