// TCP through host sockets: the flow table, guest SYNs becoming host connects, hostfwd listeners
// becoming SYNs into the guest, and RSTs for segments that belong to no flow (RFC 9293 §3.10.7.1).
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { HostFwd } from './config';
import type { SlirpContext } from './context';
import { icmpUnreachable } from './icmp';
import { CONNECT_TIMEOUT, type FlowSegment, TcpFlow, type TcpFlowLink } from './tcp-flow';
import {
  ACK,
  buildTcp,
  FIN,
  parseTcp,
  RST,
  SYN,
  seqAdd,
  type TcpSegment,
  tcpHeaderLen,
  writeTcp,
} from './tcp-wire';
import { IPPROTO_TCP, type Ip4Packet, L4_OFF } from './wire';

/** Concurrent flows a guest may open; more SYNs are reset (a flooding guest cannot exhaust fds). */
export const TCP_MAX_FLOWS = 4096;

const key = (gIp: number, gPort: number, pIp: number, pPort: number) =>
  `${gIp}:${gPort}>${pIp}:${pPort}`;

export class TcpNat implements TcpFlowLink {
  private readonly flows = new Map<string, TcpFlow>();
  private readonly quotes = new WeakMap<TcpFlow, Uint8Array>();
  private readonly servers: Server[] = [];
  readonly stats = { opened: 0, forwarded: 0, refused: 0, malformed: 0 };

  constructor(private readonly ctx: SlirpContext) {}

  /** A TCP segment from the guest. */
  input(ip: Ip4Packet): void {
    const seg = parseTcp(ip);
    if (!seg) {
      this.stats.malformed++;
      return;
    }
    const flow = this.flows.get(key(ip.src, seg.sport, ip.dst, seg.dport));
    if (flow) flow.input(seg);
    else if ((seg.flags & (SYN | ACK | RST | FIN)) === SYN) this.open(ip, seg);
    else if (!(seg.flags & RST)) this.resetUnknown(ip, seg);
  }

  private open(ip: Ip4Packet, seg: TcpSegment): void {
    const to = this.ctx.translateOut(ip.dst, seg.dport, 'tcp');
    if (!to || this.flows.size >= TCP_MAX_FLOWS) {
      this.stats.refused++;
      this.resetUnknown(ip, seg);
      return;
    }
    const flow = new TcpFlow(this, ip.src, seg.sport, ip.dst, seg.dport, 'connecting');
    this.quotes.set(flow, Uint8Array.from([...ip.header, ...ip.payload.subarray(0, 8)]));
    this.flows.set(key(ip.src, seg.sport, ip.dst, seg.dport), flow);
    this.stats.opened++;
    const sock = connect({ host: to.host, port: to.port, allowHalfOpen: true });
    sock.setNoDelay(true);
    flow.guestSyn(seg, sock, this.ctx.hostWork(CONNECT_TIMEOUT));
  }

  /** RST for a segment of no connection; TTL 255 and window 0 as QEMU's slirp sends it. */
  private resetUnknown(ip: Ip4Packet, seg: TcpSegment): void {
    const len = seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
    const t =
      seg.flags & ACK
        ? { seq: seg.ack, ack: 0, flags: RST }
        : { seq: 0, ack: seqAdd(seg.seq, len), flags: RST | ACK };
    const l4 = buildTcp({ sport: seg.dport, dport: seg.sport, window: 0, ...t }, ip.dst, ip.src);
    this.ctx.output({ src: ip.dst, dst: ip.src, proto: IPPROTO_TCP, ttl: 255 }, l4);
  }

  emit(flow: TcpFlow, s: FlowSegment): void {
    const t = {
      sport: flow.peerPort,
      dport: flow.guestPort,
      seq: s.seq,
      ack: s.ack,
      flags: s.flags,
      window: s.window,
      mss: s.mss,
    };
    const hlen = tcpHeaderLen(t);
    const plen = s.payload?.length ?? s.dataLen ?? 0;
    const f = this.ctx.frame(
      { src: flow.peerIp, dst: flow.guestIp, proto: IPPROTO_TCP },
      hlen + plen,
    );
    if (s.payload) f.set(s.payload, L4_OFF + hlen);
    else if (s.data && plen > 0) s.data.copyTo(s.dataOff ?? 0, plen, f, L4_OFF + hlen);
    writeTcp(f, L4_OFF, t, flow.peerIp, flow.guestIp, plen);
    this.ctx.toGuest(f, flow.guestIp);
  }

  /** Holds writes to `sock` until the NIC's current batch of guest frames ends (one syscall for all). */
  corkForBatch(sock: Socket, uncorked: () => void): boolean {
    if (!this.ctx.batching) return false;
    sock.cork();
    this.ctx.afterBatch(() => {
      uncorked();
      sock.uncork();
    });
    return true;
  }

  guestReady(): boolean {
    return this.ctx.guestReady();
  }

  unreachable(flow: TcpFlow): void {
    const q = this.quotes.get(flow);
    if (q) icmpUnreachable(this.ctx, flow.guestIp, q, 1);
  }

  closed(flow: TcpFlow): void {
    this.flows.delete(key(flow.guestIp, flow.guestPort, flow.peerIp, flow.peerPort));
  }

  /** The NIC took queued frames: flows send what waited. */
  kick(): void {
    for (const f of this.flows.values()) f.output();
  }

  /** Open flows (for tests and `info`). */
  list(): readonly TcpFlow[] {
    return [...this.flows.values()];
  }

  /** Starts a hostfwd listener. @returns the bound port. @throws Error naming the rule. */
  async listen(fwd: HostFwd, what: string): Promise<number> {
    const srv = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) =>
      this.accepted(fwd, s),
    );
    await new Promise<void>((res, rej) => {
      srv.once('error', (e) =>
        rej(
          new Error(
            `${what}: hostfwd=${fwd.text}: cannot listen on ${fwd.hostAddr}:${fwd.hostPort}: ${e.message}`,
          ),
        ),
      );
      srv.listen(fwd.hostPort, fwd.hostAddr, () => res());
    });
    this.servers.push(srv);
    return (srv.address() as { port: number }).port;
  }

  private accepted(fwd: HostFwd, sock: Socket): void {
    const src = this.ctx.translateIn(sock.remoteAddress ?? '', sock.remotePort ?? 0);
    const k = src && key(fwd.guestAddr, fwd.guestPort, src.ip, src.port);
    if (!src || !k || this.flows.has(k) || this.flows.size >= TCP_MAX_FLOWS) {
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    const flow = new TcpFlow(this, fwd.guestAddr, fwd.guestPort, src.ip, src.port, 'syn-sent');
    this.flows.set(k, flow);
    this.stats.forwarded++;
    flow.hostAccepted(sock);
  }

  async close(): Promise<void> {
    for (const f of this.flows.values()) {
      f.releaseConnectHold();
      f.sock?.destroy();
    }
    this.flows.clear();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    this.servers.length = 0;
  }
}
