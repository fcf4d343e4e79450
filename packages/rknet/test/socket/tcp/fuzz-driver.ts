// The TCP input fuzzer: random and mutated segments (most with a valid checksum so they reach the
// state machine) injected into a stack with a listener and live connections while traffic flows.
// Used by the seeded CI test and by the long tools/bench job (tcpfuzz).
import type { RkTcpConn } from '../../../src/socket/tcp/conn';
import { seqLe } from '../../../src/socket/tcp/seq';
import type { RkTcpBinding } from '../../../src/socket/tcp/stack';
import { tcpChecksum } from '../../../src/wire/tcp';
import { A, B, prng, SimNet } from './harness';

export interface FuzzResult {
  inputs: number;
  accepted: number;
  connectionsSeen: number;
}

function checkInvariants(c: RkTcpConn): void {
  if (c.isReleased) return;
  const ok =
    seqLe(c.sndUna, c.sndNxt) &&
    seqLe(c.sndNxt, c.sndMax) &&
    c.recvBuf.length <= c.recvBuf.capacity &&
    c.sendBuf.length <= c.sendBuf.capacity &&
    c.cc.cwnd > 0 &&
    Number.isFinite(c.rtt.rto);
  if (!ok)
    throw new Error(
      `tcp invariant broken in ${c.state}: una ${c.sndUna} nxt ${c.sndNxt} max ${c.sndMax} cwnd ${c.cc.cwnd}`,
    );
}

/** Runs `count` fuzz inputs with `seed`. Throws on an escaped exception, a broken invariant or a leak. */
export function fuzzTcpInput(seed: number, count: number): FuzzResult {
  const net = new SimNet(seed, { delay: 1 });
  const rand = prng(seed ^ 0x5eed);
  const cfg = { config: { recvBuffer: 8192, sendBuffer: 8192, maxTimeWait: 64 } };
  const a = net.addHost(A, cfg);
  const b = net.addHost(B, cfg);
  const l = b.listen(b.bind(0, 80) as RkTcpBinding, 32);
  if (typeof l === 'number') throw new Error('listen failed');
  const corpus: Uint8Array[] = [];
  net.onSend = (src, _dst, bytes) => {
    if (src === A && corpus.length < 512) corpus.push(bytes.slice());
  };
  const clients: RkTcpConn[] = [];
  const servers: RkTcpConn[] = [];
  const chunk = new Uint8Array(4096);
  const app = () => {
    for (let s = l.accept(); s; s = l.accept()) servers.push(s);
    if (clients.length < 40 && rand() < 0.02) {
      const c = a.connect(null, B, 80);
      if (typeof c !== 'number') clients.push(c);
    }
    for (const c of [...clients, ...servers]) {
      if (c.appClosed) continue;
      const r = rand();
      if (r < 0.3) c.send(chunk.subarray(0, Math.floor(rand() * 3000)));
      else if (r < 0.8) c.recv(chunk);
      else if (r < 0.802) c.close();
      else if (r < 0.803) c.abort();
    }
  };
  let accepted = 0;
  for (let i = 0; i < count; i++) {
    app();
    const bytes = makeInput(rand, corpus);
    const src = rand() < 0.9 ? A : (rand() * 2 ** 32) >>> 0;
    if (rand() < 0.9) {
      bytes[16] = bytes[17] = 0;
      if (bytes.length >= 18) {
        const sum = tcpChecksum(bytes, src, B);
        bytes[16] = sum >> 8;
        bytes[17] = sum & 0xff;
      }
    }
    if (b.input(net.now, src, B, bytes)) accepted++;
    for (const c of b.connections()) checkInvariants(c);
    net.pump(net.now);
    if (rand() < 0.05) net.now += rand() * 300;
  }
  net.onSend = null;
  const seen = clients.length + servers.length;
  for (const c of [...clients, ...servers]) c.abort();
  for (const s of l.acceptQueue) s.abort();
  b.closeListener(l);
  net.runUntil(() => a.connectionCount + b.connectionCount === 0, 600_000);
  if (a.connectionCount + b.connectionCount !== 0)
    throw new Error(`leak: ${a.connectionCount + b.connectionCount} connections left`);
  if (a.buffersInUse + b.buffersInUse !== 0)
    throw new Error(`leak: ${a.buffersInUse + b.buffersInUse} buffers left`);
  return { inputs: count, accepted, connectionsSeen: seen };
}

function makeInput(rand: () => number, corpus: Uint8Array[]): Uint8Array {
  if (corpus.length === 0 || rand() < 0.2) {
    const b = new Uint8Array(Math.floor(rand() * 80));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
    if (b.length > 13 && rand() < 0.7) b[12] = (5 + Math.floor(rand() * 4)) << 4;
    return b;
  }
  const b = corpus[Math.floor(rand() * corpus.length)]!.slice();
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const r = rand();
    const i = Math.floor(rand() * b.length);
    if (r < 0.3) b[i]! ^= 1 << Math.floor(rand() * 8);
    else if (r < 0.5)
      b[13] = Math.floor(rand() * 256); // flags
    else if (r < 0.7) {
      // sequence or ack number nudged by a small or a large amount
      const o = rand() < 0.5 ? 4 : 8;
      const v =
        (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) +
        Math.floor((rand() - 0.5) * (rand() < 0.5 ? 70000 : 2 ** 32));
      b[o] = v >>> 24;
      b[o + 1] = v >>> 16;
      b[o + 2] = v >>> 8;
      b[o + 3] = v;
    } else if (r < 0.8 && b.length > 20)
      b[20 + Math.floor(rand() * Math.min(20, b.length - 20))] = Math.floor(rand() * 256);
    else if (r < 0.9) return b.subarray(0, Math.floor(rand() * b.length)).slice();
    else b[i] = Math.floor(rand() * 256);
  }
  return b;
}
