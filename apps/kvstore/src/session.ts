// One client connection as a byte-in/byte-out engine: received bytes go in, the replies of every
// command they complete come out as one buffer (pipelining), then whether to close (QUIT, a
// protocol error, or a query buffer past its limit as Redis's client-query-buffer-limit).
import type { KvContext, KvServerState } from './commands/context';
import { dispatch } from './commands/table';
import { RespParser } from './resp/parser';
import { RespWriter } from './resp/reply';
import type { KvKeyspace } from './store/keyspace';

/** What one `receive` produced. */
export interface KvOutput {
  readonly reply: Uint8Array;
  readonly close: boolean;
}

/** Redis's default client-query-buffer-limit. */
export const QUERY_BUFFER_LIMIT = 1 << 30;

/** The state of one client. */
export class KvSession {
  private buf = new Uint8Array(1024);
  private len = 0;
  private readonly parser = new RespParser();
  private readonly ctx: KvContext;
  private closed = false;

  constructor(
    db: KvKeyspace,
    server: KvServerState,
    private readonly queryLimit = QUERY_BUFFER_LIMIT,
  ) {
    this.ctx = { db, server, out: new RespWriter(), close: false };
  }

  /** Feeds bytes the client sent. @returns the replies and whether to close after sending them. */
  receive(data: Uint8Array): KvOutput {
    if (this.closed) return { reply: new Uint8Array(0), close: true };
    this.append(data);
    const { ctx } = this;
    while (!ctx.close) {
      const r = this.parser.next(this.buf, this.len);
      if (r.kind === 'more') break;
      if (r.kind === 'error') {
        ctx.out.error(`ERR ${r.message}`);
        ctx.close = true;
        break;
      }
      ctx.server.totalCommands++;
      dispatch(ctx, r.argv);
    }
    this.compact();
    if (this.len > this.queryLimit) ctx.close = true;
    this.closed = ctx.close;
    return { reply: ctx.out.take(), close: this.closed };
  }

  private append(data: Uint8Array): void {
    if (this.len + data.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + data.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  private compact(): void {
    const used = this.parser.pos;
    if (used === 0) return;
    this.buf.copyWithin(0, used, this.len);
    this.len -= used;
    this.parser.shift(used);
    if (this.len === 0 && this.buf.length > 1 << 16) this.buf = new Uint8Array(1024);
  }
}
