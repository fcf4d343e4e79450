// The BSD socket face of TCP (socket/api.ts contract): bind, listen, accept, connect, send, recv,
// shutdown, close and the IPPROTO_TCP options over the engine, parking on the socket's rksched wait
// queue until the engine's events make the call able to complete.
import { Errno } from '@runikraft/errno';
import type { RkNetEnv, RkSockAddrIn, RkSockAddrOut, RkSocket } from '../api';
import { RkSocketBase } from '../base';
import {
  IPPROTO_TCP,
  MSG_PEEK,
  MSG_WAITALL,
  RK_POLLERR,
  RK_POLLHUP,
  RK_POLLIN,
  RK_POLLOUT,
  RK_POLLRDHUP,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_KEEPALIVE,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_KEEPCNT,
  TCP_KEEPIDLE,
  TCP_KEEPINTVL,
  TCP_MAXSEG,
  TCP_NODELAY,
} from '../consts';
import type { RkTcpConn, RkTcpSocketOptions } from './conn';
import type { RkTcpListener } from './listener';
import type { RkTcp, RkTcpBinding } from './stack';

/** A TCP socket (SOCK_STREAM). Every call returns a result or -errno; none throws for the network. */
export class RkTcpSocket extends RkSocketBase implements RkSocket {
  private binding: RkTcpBinding | null = null;
  private listener: RkTcpListener | null = null;
  private conn: RkTcpConn | null = null;
  private closed = false;
  private errorSeen = false;
  private readonly tcpOpts: RkTcpSocketOptions = {};

  constructor(
    env: RkNetEnv,
    private readonly tcp: RkTcp,
    flags: number,
    accepted?: RkTcpConn,
  ) {
    super(env, SOCK_STREAM, IPPROTO_TCP, flags, tcp.config.recvBuffer);
    this.opts.sndBuf = tcp.config.sendBuffer;
    if (accepted) this.attach(accepted);
  }

  private attach(c: RkTcpConn): void {
    this.conn = c;
    this.tcpOpts.noDelay = c.noDelay;
    c.onEvent = (x) => this.connEvent(x);
  }

  private connEvent(c: RkTcpConn): void {
    if (c.error !== 0 && !this.errorSeen) {
      this.errorSeen = true;
      this.pendingError = c.error;
    }
    this.notify();
  }

  private sockOpts(): RkTcpSocketOptions {
    return {
      ...this.tcpOpts,
      keepAlive: this.opts.keepAlive,
      sendBuffer: this.opts.sndBuf,
      recvBuffer: this.opts.rcvBuf,
    };
  }

  pollEvents(): number {
    if (this.listener) return this.listener.acceptQueue.length > 0 ? RK_POLLIN : 0;
    const c = this.conn;
    if (!c) return RK_POLLOUT | RK_POLLHUP;
    let ev = 0;
    if (c.readReady) ev |= RK_POLLIN;
    if (c.writeReady && c.state !== 'SYN_SENT') ev |= RK_POLLOUT;
    if (this.pendingError !== 0) ev |= RK_POLLERR;
    if (c.finReceived) ev |= RK_POLLRDHUP;
    if (c.error !== 0 || (c.finReceived && c.finQueued) || c.state === 'CLOSED') ev |= RK_POLLHUP;
    return ev;
  }

  bind(addr: RkSockAddrIn): number {
    if (this.closed || this.binding || this.conn || this.listener) return -Errno.EINVAL;
    if (addr.family !== 2) return -Errno.EAFNOSUPPORT;
    if (addr.addr !== 0 && !this.tcp.ip.isLocal(addr.addr)) return -Errno.EADDRNOTAVAIL;
    const b = this.tcp.bind(addr.addr, addr.port, this.opts.reuseAddr);
    if (typeof b === 'number') return b;
    this.binding = b;
    return 0;
  }

  listen(backlog: number): number {
    if (this.closed || this.conn) return -Errno.EINVAL;
    if (this.listener) {
      this.listener.backlog = Math.max(1, backlog);
      return 0;
    }
    if (!this.binding) {
      const b = this.tcp.bind(0, 0, this.opts.reuseAddr);
      if (typeof b === 'number') return b;
      this.binding = b;
    }
    const l = this.tcp.listen(this.binding, backlog, this.sockOpts());
    if (typeof l === 'number') return l;
    this.listener = l;
    l.onEvent = () => this.notify();
    return 0;
  }

  async accept(peer?: RkSockAddrOut): Promise<RkSocket | number> {
    if (this.closed) return -Errno.EBADF;
    const l = this.listener;
    if (!l) return -Errno.EINVAL;
    const r = await this.park(() => l.acceptReady, 0, this.opts.rcvTimeoMs);
    if (r < 0) return r;
    const c = l.accept();
    if (!c) return -Errno.ECONNABORTED;
    if (peer) {
      peer.addr = c.remoteAddr;
      peer.port = c.remotePort;
    }
    return new RkTcpSocket(this.env, this.tcp, 0, c); // O_NONBLOCK is not inherited (Linux)
  }

  async connect(addr: RkSockAddrIn): Promise<number> {
    if (this.closed || this.listener) return -Errno.EINVAL;
    if (addr.family !== 2) return -Errno.EAFNOSUPPORT;
    if (this.conn) {
      if (this.conn.state === 'SYN_SENT' || this.conn.state === 'SYN_RECEIVED')
        return -Errno.EALREADY;
      return this.conn.error !== 0 ? -this.conn.error : -Errno.EISCONN;
    }
    const c = this.tcp.connect(this.binding, addr.addr, addr.port, this.sockOpts());
    if (typeof c === 'number') return c;
    this.binding = null; // the connection owns the port now
    this.attach(c);
    this.env.kick();
    if (this.nonBlocking) return -Errno.EINPROGRESS;
    const r = await this.park(() => c.synchronized || c.error !== 0, 0, this.opts.sndTimeoMs);
    if (r < 0) return r === -Errno.EAGAIN ? -Errno.EINPROGRESS : r;
    if (c.error !== 0) {
      this.pendingError = 0;
      return -c.error;
    }
    return 0;
  }

  async send(buf: Uint8Array, flags = 0): Promise<number> {
    const c = this.conn;
    if (this.closed) return -Errno.EBADF;
    if (!c) return -Errno.EPIPE; // Linux: EPIPE, not ENOTCONN
    if (c.error !== 0) return this.reportError(-Errno.EPIPE);
    if (buf.length === 0) return Math.min(0, c.send(buf));
    let total = 0;
    while (total < buf.length) {
      const n = c.send(buf.subarray(total));
      if (n > 0) {
        total += n;
        this.env.kick();
        continue;
      }
      if (n !== -Errno.EAGAIN)
        return total > 0 ? total : c.error !== 0 ? this.reportError(-Errno.EPIPE) : n;
      const r = await this.park(() => c.writeReady, flags, this.opts.sndTimeoMs);
      if (r < 0) return total > 0 ? total : r;
    }
    return total;
  }

  /**
   * A failed connection's error is reported once, by whichever call comes first (or SO_ERROR);
   * afterwards reads see end of stream and writes EPIPE, as Linux. @returns -errno or `after`.
   */
  private reportError(after: number): number {
    const e = this.takeError();
    return e < 0 ? e : after;
  }

  sendto(buf: Uint8Array, flags: number, _addr: RkSockAddrIn | null): Promise<number> {
    return this.send(buf, flags);
  }

  async recv(buf: Uint8Array, flags = 0): Promise<number> {
    const c = this.conn;
    if (this.closed) return -Errno.EBADF;
    if (!c) return -Errno.ENOTCONN;
    let got = 0;
    for (;;) {
      if (flags & MSG_PEEK && c.recvBuf.length > 0) return c.recvBuf.peek(0, buf);
      const n = c.recv(buf.subarray(got));
      if (n > 0) {
        got += n;
        this.env.kick(); // the window may have opened
        if (!(flags & MSG_WAITALL) || got === buf.length) return got;
        continue;
      }
      if (n < 0 && c.error !== 0 && got === 0) return this.reportError(0);
      if (n === 0 || n !== -Errno.EAGAIN) return got > 0 ? got : n;
      if (buf.length === 0) return 0;
      const r = await this.park(() => c.readReady, flags, this.opts.rcvTimeoMs);
      if (r < 0) return got > 0 ? got : r;
    }
  }

  recvfrom(buf: Uint8Array, flags: number, from: RkSockAddrOut | null): Promise<number> {
    if (from && this.conn) {
      from.addr = this.conn.remoteAddr;
      from.port = this.conn.remotePort;
    }
    return this.recv(buf, flags);
  }

  shutdown(how: number): number {
    if (this.closed) return -Errno.EBADF;
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) return -Errno.EINVAL;
    const c = this.conn;
    if (!c || !(c.synchronized || c.state === 'SYN_RECEIVED')) return -Errno.ENOTCONN;
    if (how !== SHUT_WR) c.shutdownRead();
    if (how !== SHUT_RD) c.shutdownWrite();
    this.env.kick();
    this.notify();
    return 0;
  }

  close(): number | Promise<number> {
    if (this.closed) return -Errno.EBADF;
    this.closed = true;
    const c = this.conn;
    if (this.listener) this.tcp.closeListener(this.listener);
    else if (c) {
      if (this.opts.linger === 0) c.abort();
      else c.close();
    } else if (this.binding) this.tcp.unbind(this.binding);
    this.listener = null;
    this.binding = null;
    this.env.kick();
    this.notify();
    if (!c || this.opts.linger <= 0 || c.sendDone) return 0;
    return this.linger(c, this.opts.linger * 1000);
  }

  /** SO_LINGER > 0: parks until `c` delivered everything and its FIN, or `ms` passed. @returns 0. */
  private async linger(c: RkTcpConn, ms: number): Promise<number> {
    c.onEvent = () => this.wq.wakeAll(); // close() detached the socket; the wait still needs ACKs
    await this.wq.waitEvent(() => c.sendDone, ms * 1e6);
    c.onEvent = null;
    return 0;
  }

  override getsockopt(level: number, name: number): number {
    if (level !== IPPROTO_TCP) return super.getsockopt(level, name);
    const o = this.tcpOpts;
    const cfg = this.tcp.config;
    switch (name) {
      case TCP_NODELAY:
        return o.noDelay ? 1 : 0;
      case TCP_MAXSEG:
        return this.conn?.mss ?? 536;
      case TCP_KEEPIDLE:
        return Math.round((o.keepIdle ?? cfg.keepIdle) / 1000);
      case TCP_KEEPINTVL:
        return Math.round((o.keepIntvl ?? cfg.keepIntvl) / 1000);
      case TCP_KEEPCNT:
        return o.keepCnt ?? cfg.keepCnt;
    }
    return -Errno.ENOPROTOOPT;
  }

  override setsockopt(level: number, name: number, value: number): number {
    if (level === SOL_SOCKET) {
      const r = super.setsockopt(level, name, value);
      if (r === 0 && name === SO_KEEPALIVE && this.conn) this.applyKeepAlive(this.conn);
      return r;
    }
    if (level !== IPPROTO_TCP) return super.setsockopt(level, name, value);
    if (!Number.isInteger(value)) return -Errno.EINVAL;
    const o = this.tcpOpts;
    const c = this.conn;
    switch (name) {
      case TCP_NODELAY:
        o.noDelay = value !== 0;
        if (c) {
          c.noDelay = o.noDelay;
          this.env.kick(); // held-back small segments may go now
          this.tcp.markDirty(c);
        }
        return 0;
      case TCP_MAXSEG:
        return value < 64 || value > 65495 ? -Errno.EINVAL : 0;
      case TCP_KEEPIDLE:
      case TCP_KEEPINTVL:
        if (value < 1 || value > 32767) return -Errno.EINVAL;
        if (name === TCP_KEEPIDLE) o.keepIdle = value * 1000;
        else o.keepIntvl = value * 1000;
        if (c) this.applyKeepAlive(c);
        return 0;
      case TCP_KEEPCNT:
        if (value < 1 || value > 127) return -Errno.EINVAL;
        o.keepCnt = value;
        if (c) c.keepCnt = value;
        return 0;
    }
    return -Errno.ENOPROTOOPT;
  }

  private applyKeepAlive(c: RkTcpConn): void {
    const o = this.tcpOpts;
    c.keepAlive = this.opts.keepAlive;
    if (o.keepIdle !== undefined) c.keepIdle = o.keepIdle;
    if (o.keepIntvl !== undefined) c.keepIntvl = o.keepIntvl;
    c.keepAt = c.keepAlive ? this.env.now() + c.keepIdle : Number.POSITIVE_INFINITY;
    this.tcp.markDirty(c); // the next poll sees the new timer
  }

  getsockname(out: RkSockAddrOut): number {
    if (this.closed) return -Errno.EINVAL;
    const c = this.conn;
    out.addr = c ? c.localAddr : (this.listener?.localAddr ?? this.binding?.addr ?? 0);
    out.port = c ? c.localPort : (this.listener?.localPort ?? this.binding?.port ?? 0);
    return 0;
  }

  getpeername(out: RkSockAddrOut): number {
    const c = this.conn;
    if (!c || !(c.synchronized || c.state === 'SYN_RECEIVED')) return -Errno.ENOTCONN;
    out.addr = c.remoteAddr;
    out.port = c.remotePort;
    return 0;
  }

  /** The engine connection (null before connect/accept); for the idiomatic layer and tests. */
  get connection(): RkTcpConn | null {
    return this.conn;
  }
}
