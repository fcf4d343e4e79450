// A listening socket (RFC 9293 §3.10.7.2): a SYN queue of half-open children bounded by the stack's
// SYN backlog and an accept queue bounded by listen()'s backlog.
import type { RkTcpConn, RkTcpSocketOptions } from './conn';

/** A TCP listener. Children are connections in SYN-RECEIVED (synQueue) or established (acceptQueue). */
export class RkTcpListener {
  readonly synQueue = new Set<RkTcpConn>();
  readonly acceptQueue: RkTcpConn[] = [];
  /** Called when the accept queue gains a connection or the listener closes. */
  onEvent: ((l: RkTcpListener) => void) | null = null;
  closed = false;
  /** SYNs dropped because a queue was full (statistics). */
  overflows = 0;

  constructor(
    readonly localAddr: number,
    readonly localPort: number,
    public backlog: number,
    readonly options: RkTcpSocketOptions,
  ) {}

  /** The oldest established connection, or null. */
  accept(): RkTcpConn | null {
    return this.acceptQueue.shift() ?? null;
  }

  get acceptReady(): boolean {
    return this.acceptQueue.length > 0 || this.closed;
  }
}
