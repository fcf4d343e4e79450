// The socket contract of rknet (posix-socket's driver interface, BSD socket semantics), types only.
// TCP (socket/tcp), UDP (socket/udp) and ICMP echo (socket/icmp) sockets implement `RkSocket`; a
// poll/epoll layer builds on `RkPollable`; transports plug into the stack as `RkTransport`s.
//
// Error convention (one for this layer): every call returns a number, or a promise of one — the
// result (0, a byte count, a value) or a negative errno (`-Errno.EAGAIN`), as the system calls do;
// `accept` returns the new socket or a negative errno. Nothing throws for a network condition; a
// programming error (a buffer that is not a Uint8Array) may throw RkError EINVAL. The idiomatic
// layer on top (async iteration, `for await` over connections) throws RkError instead.
//
// Blocking: a call that cannot complete parks the calling thread on the socket's rksched wait
// queue (`RkWaitQueue.waitEvent(cond, timeout)`) until the stack's driver thread, after processing
// input or timers, makes `cond` true and wakes it; SO_RCVTIMEO/SO_SNDTIMEO bound the wait
// (-EAGAIN on expiry, as Linux), a signal ends it with -EINTR. In non-blocking mode (SOCK_NONBLOCK,
// setNonBlocking, or MSG_DONTWAIT per call) the call returns -EAGAIN (connect: -EINPROGRESS)
// instead of parking. Blocking calls must run in a thread; non-blocking ones may run anywhere.
import type { RkWaitQueue } from '@runikraft/rksched';
import type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler } from '../ip';

/** An IPv4 socket address (sockaddr_in); `addr` 0 is INADDR_ANY, `port` 0 asks for an ephemeral port. */
export interface RkSockAddrIn {
  readonly family: 2;
  readonly addr: Ipv4Addr;
  readonly port: number;
}

/** A place a call writes an address into (recvfrom's `src_addr`, accept's peer, getsockname). */
export interface RkSockAddrOut {
  addr: Ipv4Addr;
  port: number;
}

/**
 * A watcher of readiness changes: called with the socket's current RK_POLL* mask each time it may
 * have changed (after input, on space freed, on error or hang-up). Runs in the stack's driver
 * context: bounded work only — wake a wait queue, mark an epoll item ready.
 */
export type RkPollWatcher = (events: number) => void;

/** Level-triggered readiness, the base a poll/epoll layer builds on. */
export interface RkPollable {
  /**
   * The events ready now (RK_POLL* bits): IN = recv/accept would not block (data, a pending
   * connection, EOF or an error), OUT = send would not block, ERR = SO_ERROR is set, HUP = both
   * directions are closed, RDHUP = the peer shut down its sending side.
   */
  pollEvents(): number;
  /** Adds a watcher; @returns a function that removes it. */
  watch(w: RkPollWatcher): () => void;
}

/** A socket (struct socket + its posix-socket driver ops). Numbers are results or -errno. */
export interface RkSocket extends RkPollable {
  /** SOCK_STREAM, SOCK_DGRAM or SOCK_RAW. */
  readonly type: number;
  /** IPPROTO_TCP, IPPROTO_UDP or IPPROTO_ICMP. */
  readonly protocol: number;
  /** True when calls return -EAGAIN instead of parking. */
  readonly nonBlocking: boolean;
  setNonBlocking(on: boolean): void;

  /** @returns 0, -EINVAL (already bound, bad address), -EADDRINUSE, -EADDRNOTAVAIL (not ours). */
  bind(addr: RkSockAddrIn): number;
  /** @returns 0, -EOPNOTSUPP (not a stream socket), -EINVAL (connected), -EADDRINUSE. */
  listen(backlog: number): number;
  /**
   * Takes a pending connection. Parks the caller unless non-blocking.
   * @returns the connected socket (filling `peer`), -EAGAIN, -EINVAL (not listening),
   * -EOPNOTSUPP, -ECONNABORTED, -EINTR.
   */
  accept(peer?: RkSockAddrOut): Promise<RkSocket | number>;
  /**
   * Connects (stream: the handshake, parking the caller; datagram: sets the default peer).
   * @returns 0, -EINPROGRESS (non-blocking; completion shows as OUT or ERR), -EALREADY,
   * -EISCONN, -ECONNREFUSED, -ETIMEDOUT, -ENETUNREACH/-EHOSTUNREACH, -EADDRNOTAVAIL, -EINTR.
   */
  connect(addr: RkSockAddrIn): Promise<number>;
  /**
   * Sends bytes (stream: some or all of them; datagram: one datagram to the connected peer).
   * @returns bytes queued, -EAGAIN, -EDESTADDRREQ, -EPIPE (stream never connected, shut down,
   * or its error already reported, as Linux), -ECONNRESET, -EMSGSIZE (datagram too big), -ENOBUFS,
   * -ENOMEM, -EINTR, -EBADF (closed). Parks while no space.
   */
  send(buf: Uint8Array, flags?: number): Promise<number>;
  /** As send, to `addr` (datagram sockets; a stream socket ignores `addr` as Linux does when connected). */
  sendto(buf: Uint8Array, flags: number, addr: RkSockAddrIn | null): Promise<number>;
  /**
   * Receives into `buf` (datagram: one datagram, the excess discarded; MSG_PEEK leaves data queued).
   * @returns bytes read, 0 at end of stream, -EAGAIN, -ENOTCONN, -ECONNRESET, -ETIMEDOUT, -EINTR,
   * or a pending asynchronous error (-ECONNREFUSED from ICMP port unreachable on a connected
   * datagram socket). Parks while nothing is queued.
   */
  recv(buf: Uint8Array, flags?: number): Promise<number>;
  /** As recv, filling `from` with the sender's address when given. */
  recvfrom(buf: Uint8Array, flags: number, from: RkSockAddrOut | null): Promise<number>;
  /** @returns 0, -EINVAL (bad `how`), -ENOTCONN. SHUT_WR sends FIN once queued data is out. */
  shutdown(how: number): number;
  /**
   * Releases the socket: stream sockets close gracefully in the background (or abort with RST
   * when SO_LINGER is 0 or unread data remains, RFC 9293 §3.10.4). With SO_LINGER > 0 on a stream
   * socket with data or a FIN not yet acknowledged, returns a promise instead and parks the caller
   * until the peer acknowledged everything or the linger time passed (then the close goes on in
   * the background), as Linux; otherwise never parks.
   * @returns 0 (also when the linger time ran out, as Linux), or -EBADF when already closed.
   */
  close(): number | Promise<number>;
  /** @returns the option's value (>= 0; SO_LINGER may be -1), -ENOPROTOOPT, -EINVAL. */
  getsockopt(level: number, name: number): number;
  /** @returns 0, -ENOPROTOOPT (unknown option), -EINVAL (bad value), -EISCONN (too late). */
  setsockopt(level: number, name: number, value: number): number;
  /** @returns 0 (filling `out`), -EINVAL when closed. */
  getsockname(out: RkSockAddrOut): number;
  /** @returns 0 (filling `out`), -ENOTCONN. */
  getpeername(out: RkSockAddrOut): number;
}

/**
 * What the stack gives transports and sockets: wait queues from rksched, the stack's notion of
 * time, and a way to ask for an early poll. Tests substitute a simulated one.
 */
export interface RkNetEnv {
  /** A wait queue for one socket's blocking calls. */
  waitQueue(): RkWaitQueue;
  /** Milliseconds of guest time (the same clock `poll(now)` receives). */
  now(): number;
  /**
   * Asks the stack to poll the transports soon (after a socket queued data or a connect): wakes
   * the driver thread; cheap, idempotent, callable from any context.
   */
  kick(): void;
  /**
   * Storage for socket buffers (TCP rings, queued datagrams): `size` bytes of guest RAM in a booted
   * stack, or null when memory ran out — the socket then applies backpressure or returns -ENOMEM,
   * never throws. Absent: buffers live in the JS heap. Every buffer returns through `freeBuffer`.
   */
  allocBuffer?(size: number): Uint8Array | null;
  /** Returns a buffer `allocBuffer` gave (exactly that view). */
  freeBuffer?(b: Uint8Array): void;
}

/** A transport as the stack composes it: its IP protocol handler plus its socket constructor. */
export interface RkTransport {
  /** The handler the IPv4 layer dispatches this protocol to. */
  readonly handler: RkIpProtocolHandler;
  /** The socket type and protocol it serves (SOCK_STREAM/IPPROTO_TCP, ...). */
  readonly type: number;
  readonly protocol: number;
  /** A new unbound socket; `flags` may hold SOCK_NONBLOCK. @returns it, or -ENOBUFS/-ENOMEM. */
  socket(flags: number): RkSocket | number;
  /** The application ended: close every socket still open (as a process exit does). */
  closeAll?(): void;
  /** True when nothing closed still has data or a FIN to deliver (the stack may power off). */
  drained?(): boolean;
}

/** How the stack builds a transport; TCP's is exported as `tcpTransport` from socket/tcp. */
export type RkTransportFactory = (env: RkNetEnv, ip: RkIpLayer) => RkTransport;
