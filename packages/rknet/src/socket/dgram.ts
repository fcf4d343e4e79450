// What UDP and ICMP echo ("ping") sockets share: bind/connect on a port table, a bounded receive
// queue of datagrams (SO_RCVBUF bytes; more are dropped, as Linux), recvfrom with MSG_PEEK, and
// shutdown/close. Subclasses encode what they send (`transmit`) and feed `enqueue` from input.
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr, RkIpLayer } from '../ip';
import type { RkNetEnv, RkSockAddrIn, RkSockAddrOut, RkSocket } from './api';
import { RkSocketBase } from './base';
import {
  AF_INET,
  MSG_PEEK,
  RK_POLLERR,
  RK_POLLHUP,
  RK_POLLIN,
  RK_POLLOUT,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_BROADCAST,
  SOL_SOCKET,
} from './consts';
import type { RkPortTable } from './ports';

/** Default SO_RCVBUF/SO_SNDBUF of datagram sockets (Linux's rmem_default is 208 KiB). */
export const RK_DGRAM_BUF = 212_992;

interface Datagram {
  readonly data: Uint8Array;
  readonly addr: Ipv4Addr;
  readonly port: number;
  /** `data` came from env.allocBuffer (guest RAM) and goes back through freeBuffer. */
  readonly guest: boolean;
}

export abstract class RkDgramSocket extends RkSocketBase implements RkSocket {
  local: { addr: Ipv4Addr; port: number } | null = null;
  remote: { addr: Ipv4Addr; port: number } | null = null;
  private readonly rxq: Datagram[] = [];
  private rxBytes = 0;
  private shutRd = false;
  private shutWr = false;
  private closed = false;
  /** Datagrams dropped because the receive queue was full. */
  drops = 0;

  constructor(
    env: RkNetEnv,
    protected readonly ip: RkIpLayer,
    protected readonly ports: RkPortTable<RkDgramSocket>,
    type: number,
    protocol: number,
    flags: number,
  ) {
    super(env, type, protocol, flags, RK_DGRAM_BUF);
  }

  /** Sends one datagram of `buf` to `dst`. @returns bytes sent or -errno. */
  protected abstract transmit(buf: Uint8Array, dst: { addr: Ipv4Addr; port: number }): number;
  /** The largest `buf` `transmit` takes. */
  protected abstract readonly maxPayload: number;

  pollEvents(): number {
    if (this.closed) return RK_POLLHUP;
    let ev = this.shutWr ? 0 : RK_POLLOUT;
    if (this.rxq.length > 0 || this.shutRd || this.pendingError) ev |= RK_POLLIN;
    if (this.pendingError) ev |= RK_POLLERR;
    if (this.shutRd && this.shutWr) ev |= RK_POLLHUP;
    return ev;
  }

  bind(addr: RkSockAddrIn): number {
    if (this.closed) return -Errno.EBADF;
    if (addr.family !== AF_INET) return -Errno.EAFNOSUPPORT;
    if (this.local) return -Errno.EINVAL;
    if (addr.addr !== 0 && !this.ip.isLocal(addr.addr)) return -Errno.EADDRNOTAVAIL;
    const p = this.ports.bind(this, addr.addr, addr.port, this.opts.reuseAddr);
    if (p < 0) return p;
    this.local = { addr: addr.addr, port: p };
    return 0;
  }

  listen(): number {
    return -Errno.EOPNOTSUPP;
  }

  async accept(): Promise<RkSocket | number> {
    return -Errno.EOPNOTSUPP;
  }

  async connect(addr: RkSockAddrIn): Promise<number> {
    if (this.closed) return -Errno.EBADF;
    if ((addr.family as number) === 0) {
      this.remote = null; // AF_UNSPEC dissolves the association (connect(2))
      return 0;
    }
    if (addr.family !== AF_INET) return -Errno.EAFNOSUPPORT;
    if (!this.ip.route(addr.addr)) return -Errno.ENETUNREACH;
    const b = this.autobind();
    if (b < 0) return b;
    this.remote = { addr: addr.addr, port: addr.port };
    return 0;
  }

  send(buf: Uint8Array, flags = 0): Promise<number> {
    return this.sendto(buf, flags, null);
  }

  async sendto(buf: Uint8Array, _flags: number, addr: RkSockAddrIn | null): Promise<number> {
    if (this.closed) return -Errno.EBADF;
    if (this.shutWr) return -Errno.EPIPE;
    const dst = addr ?? this.remote;
    if (!dst) return -Errno.EDESTADDRREQ;
    if (addr && addr.family !== AF_INET) return -Errno.EAFNOSUPPORT;
    if (buf.length > this.maxPayload) return -Errno.EMSGSIZE;
    const r = this.route(dst.addr);
    if (r < 0) return r;
    const b = this.autobind();
    if (b < 0) return b;
    return this.transmit(buf, dst);
  }

  recv(buf: Uint8Array, flags = 0): Promise<number> {
    return this.recvfrom(buf, flags, null);
  }

  async recvfrom(buf: Uint8Array, flags: number, from: RkSockAddrOut | null): Promise<number> {
    if (this.closed) return -Errno.EBADF;
    const ready = () =>
      this.rxq.length > 0 || this.pendingError !== 0 || this.shutRd || this.closed;
    const w = await this.park(ready, flags, this.opts.rcvTimeoMs);
    if (w < 0) return w;
    const err = this.takeError();
    if (err < 0) return err;
    const d = this.rxq[0];
    if (!d) return 0; // shut down for reading
    const n = Math.min(buf.length, d.data.length);
    buf.set(d.data.subarray(0, n));
    if (from) {
      from.addr = d.addr;
      from.port = d.port;
    }
    if ((flags & MSG_PEEK) === 0) this.dequeue();
    return n;
  }

  shutdown(how: number): number {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) return -Errno.EINVAL;
    if (!this.remote) return -Errno.ENOTCONN;
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD) this.shutWr = true;
    this.notify();
    return 0;
  }

  close(): number {
    if (this.closed) return -Errno.EBADF;
    this.closed = true;
    if (this.local) this.ports.release(this, this.local.port);
    while (this.rxq.length > 0) this.dequeue();
    this.notify();
    return 0;
  }

  getsockname(out: RkSockAddrOut): number {
    if (this.closed) return -Errno.EINVAL;
    out.addr = this.local?.addr ?? 0;
    out.port = this.local?.port ?? 0;
    return 0;
  }

  getpeername(out: RkSockAddrOut): number {
    if (!this.remote) return -Errno.ENOTCONN;
    out.addr = this.remote.addr;
    out.port = this.remote.port;
    return 0;
  }

  /**
   * Takes the next queued datagram without parking (for in-stack users such as the DHCP client,
   * which run in the driver thread). @returns it, or null when none is queued.
   */
  takeDatagram(): { data: Uint8Array; addr: Ipv4Addr; port: number } | null {
    const d = this.rxq[0];
    if (!d) return null;
    const data = d.guest ? d.data.slice() : d.data;
    this.dequeue();
    return { data, addr: d.addr, port: d.port };
  }

  /** Drops the head datagram, returning its storage. */
  private dequeue(): void {
    const d = this.rxq.shift();
    if (!d) return;
    this.rxBytes -= d.data.length;
    if (d.guest) this.env.freeBuffer!(d.data);
  }

  /** Input: queues a copy of `data` from `addr:port` unless the queue is full. @returns whether it was. */
  enqueue(data: Uint8Array, addr: Ipv4Addr, port: number): boolean {
    if (this.closed || this.shutRd) return false;
    if (this.rxBytes + data.length > this.opts.rcvBuf) {
      this.drops++;
      return false;
    }
    const guest = data.length > 0 && this.env.allocBuffer !== undefined;
    const copy = guest ? this.env.allocBuffer!(data.length) : data.slice();
    if (!copy) {
      this.drops++; // out of socket memory: dropped as a full queue would (UDP has no backpressure)
      return false;
    }
    if (guest) copy.set(data);
    this.rxq.push({ data: copy, addr, port, guest });
    this.rxBytes += data.length;
    this.notify();
    return true;
  }

  /** Input: an ICMP error about a datagram this socket sent; reported only when connected (Linux). */
  icmpError(errno: number): void {
    if (this.remote) this.setError(errno);
  }

  /** True when a datagram from `addr:port` to `dst` belongs to this socket. */
  matches(dst: Ipv4Addr, addr: Ipv4Addr, port: number): boolean {
    if (this.closed || !this.local) return false;
    if (this.local.addr !== 0 && this.local.addr !== dst && !this.isBroadcastFor(dst)) return false;
    return !this.remote || (this.remote.addr === addr && this.remote.port === port);
  }

  private isBroadcastFor(dst: Ipv4Addr): boolean {
    return dst === 0xffffffff;
  }

  private route(dst: Ipv4Addr): number {
    if (dst === 0xffffffff || (this.ip.isLocal(dst) && dst !== this.ip.route(dst)?.src)) {
      if (this.getsockopt(SOL_SOCKET, SO_BROADCAST) === 0) return -Errno.EACCES;
      return 0;
    }
    return this.ip.route(dst) ? 0 : -Errno.ENETUNREACH;
  }

  private autobind(): number {
    if (this.local) return 0;
    const p = this.ports.bind(this, 0, 0, this.opts.reuseAddr);
    if (p < 0) return p;
    this.local = { addr: 0, port: p };
    return 0;
  }

  protected get closedOrNull(): boolean {
    return this.closed;
  }
}
