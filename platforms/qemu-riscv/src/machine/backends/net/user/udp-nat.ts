// UDP through host sockets: one host socket per guest source address and port (as slirp), expiring
// when idle; hostfwd=udp listeners whose clients the guest answers through the same listener.
import { createSocket, type Socket } from 'node:dgram';
import type { HostFwd } from './config';
import type { SlirpContext } from './context';
import type { Ip4Packet, UdpDatagram } from './wire';

/** Idle time after which a flow's host socket closes (slirp SO_EXPIRE). */
export const UDP_EXPIRE_MS = 240_000;
/** Flows that only carried DNS expire sooner (slirp SO_EXPIREFAST). */
export const UDP_EXPIRE_DNS_MS = 10_000;
/** Host sockets a guest may hold open; further sources are dropped until some expire. */
export const UDP_MAX_FLOWS = 1024;
/** Longest host time a DNS query forwarded upstream holds the virtual clock for its answer. */
export const DNS_HOLD_MS = 2000;

interface Flow {
  readonly sock: Socket;
  last: number;
  dnsOnly: boolean;
  /** Virtual-clock holds of DNS queries awaiting their answer, oldest first. */
  readonly dnsHolds: (() => void)[];
}
interface FwdPeer {
  readonly sock: Socket;
  readonly host: string;
  readonly port: number;
  last: number;
}

export class UdpNat {
  private readonly flows = new Map<string, Flow>();
  private readonly listeners: Socket[] = [];
  /** hostfwd clients by `guestIp:guestPort>peerIp:peerPort` as the guest sees them. */
  private readonly peers = new Map<string, FwdPeer>();
  private readonly sweeper: NodeJS.Timeout;
  readonly stats = { sent: 0, received: 0, dropped: 0 };

  constructor(private readonly ctx: SlirpContext) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), 5000);
    this.sweeper.unref();
  }

  /** A datagram from the guest (not DHCP, not answered locally). */
  input(ip: Ip4Packet, u: UdpDatagram): void {
    const peer = this.peers.get(`${ip.src}:${u.sport}>${ip.dst}:${u.dport}`);
    if (peer) {
      peer.last = Date.now();
      peer.sock.send(u.payload, peer.port, peer.host);
      this.stats.sent++;
      return;
    }
    const to = this.ctx.translateOut(ip.dst, u.dport, 'udp');
    if (!to) {
      this.stats.dropped++;
      return;
    }
    const k = `${ip.src}:${u.sport}`;
    let f = this.flows.get(k);
    if (!f) {
      if (this.flows.size >= UDP_MAX_FLOWS) {
        this.stats.dropped++;
        return;
      }
      f = this.openFlow(ip.src, u.sport);
      this.flows.set(k, f);
    }
    f.last = Date.now();
    if (!(ip.dst === this.ctx.cfg.dns && u.dport === 53)) f.dnsOnly = false;
    else f.dnsHolds.push(this.ctx.hostWork(DNS_HOLD_MS));
    f.sock.send(Buffer.from(u.payload), to.port, to.host);
    this.stats.sent++;
  }

  private openFlow(guestIp: number, guestPort: number): Flow {
    const sock = createSocket('udp4');
    const dnsHolds: (() => void)[] = [];
    sock.on('message', (msg, rinfo) => {
      const src = this.ctx.translateIn(rinfo.address, rinfo.port);
      if (!src) return;
      if (src.ip === this.ctx.cfg.dns && src.port === 53) dnsHolds.shift()?.(); // an answer came
      this.stats.received++;
      this.ctx.outputUdp(src.ip, src.port, guestIp, guestPort, msg);
    });
    sock.on('error', () => {}); // ICMP errors from the host network: the guest's datagram is lost, as on a wire
    sock.bind(0);
    return { sock, last: Date.now(), dnsOnly: true, dnsHolds };
  }

  /** Starts a hostfwd=udp listener. @returns the bound port. @throws Error naming the rule. */
  async listen(fwd: HostFwd, what: string): Promise<number> {
    const sock = createSocket('udp4');
    await new Promise<void>((res, rej) => {
      sock.once('error', (e) =>
        rej(
          new Error(
            `${what}: hostfwd=${fwd.text}: cannot bind ${fwd.hostAddr}:${fwd.hostPort}: ${e.message}`,
          ),
        ),
      );
      sock.bind(fwd.hostPort, fwd.hostAddr, () => res());
    });
    sock.on('error', () => {});
    sock.on('message', (msg, rinfo) => {
      const src = this.ctx.translateIn(rinfo.address, rinfo.port);
      if (!src) return;
      this.peers.set(`${fwd.guestAddr}:${fwd.guestPort}>${src.ip}:${src.port}`, {
        sock,
        host: rinfo.address,
        port: rinfo.port,
        last: Date.now(),
      });
      this.stats.received++;
      this.ctx.outputUdp(src.ip, src.port, fwd.guestAddr, fwd.guestPort, msg);
    });
    this.listeners.push(sock);
    return sock.address().port;
  }

  /** Closes idle flows (called every 5 s; exported for tests with a chosen `now`). */
  sweep(now: number): void {
    for (const [k, f] of this.flows)
      if (now - f.last > (f.dnsOnly ? UDP_EXPIRE_DNS_MS : UDP_EXPIRE_MS)) {
        for (const h of f.dnsHolds.splice(0)) h();
        f.sock.close();
        this.flows.delete(k);
      }
    for (const [k, p] of this.peers) if (now - p.last > UDP_EXPIRE_MS) this.peers.delete(k);
  }

  /** Open flows (host sockets) right now. */
  get size(): number {
    return this.flows.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const f of this.flows.values()) {
      for (const h of f.dnsHolds.splice(0)) h();
      f.sock.close();
    }
    for (const s of this.listeners) s.close();
    this.flows.clear();
    this.peers.clear();
    this.listeners.length = 0;
  }
}
