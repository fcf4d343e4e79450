// One HTTP/1.x connection as a byte-in/byte-out engine: bytes received go in, response bytes come
// out. Handles keep-alive, pipelining (requests answered in order from one read), HTTP/1.0 and 0.9,
// HEAD, and skips request bodies so the next request starts at the right byte. No I/O, no clock of
// its own: the socket loop in main.ts drives it, and tests drive it directly.
import { latin1Decode } from './ascii';
import { ChunkedDiscarder } from './chunked';
import { route } from './handler';
import { DEFAULT_HEAD_LIMITS, HeadScanner } from './head-scanner';
import {
  type HttpHeadError,
  type HttpRequest,
  parseRequestHead,
  parseRequestLine,
} from './request';
import { type HttpServer, renderFile, renderStatus } from './server';
import type { HttpConnSource, HttpDirSource } from './site';

/**
 * What one `receive` produced: bytes to send in order, then whether to close the connection; `wait`
 * when the next request's documents are loading: send the chunks, await it, then `receive` nothing.
 */
export interface HttpOutput {
  readonly chunks: Uint8Array[];
  readonly close: boolean;
  readonly wait?: Promise<void>;
}

const NOTHING = new Uint8Array(0);

const enum Mode {
  Head,
  Body,
  Chunked,
  Closed,
}

/** The state of one client connection. */
export class HttpConnection {
  private buf: Uint8Array = new Uint8Array(2048);
  private off = 0;
  private len = 0;
  private mode = Mode.Head;
  private bodyLeft = 0;
  private chunked: ChunkedDiscarder | null = null;
  private readonly scanner: HeadScanner;
  /** The site as this connection sees it (a per-connection view where lookups need I/O). */
  private readonly site: HttpDirSource;
  private readonly io: HttpConnSource | null;
  private waiting: Promise<void> | undefined;
  /** Requests answered on this connection. */
  requests = 0;

  /** `localAddr` is the address the client reached (for redirects when it sent no Host). */
  constructor(
    private readonly server: HttpServer,
    private readonly localAddr: string,
  ) {
    this.scanner = new HeadScanner(server.limits ?? DEFAULT_HEAD_LIMITS);
    this.io = server.site.connect?.() ?? null;
    this.site = this.io ?? server.site;
  }

  /** True once the server decided to close; further input is ignored. */
  get closed(): boolean {
    return this.mode === Mode.Closed;
  }

  /** Feeds bytes the client sent. @returns the responses they complete and whether to close after them. */
  receive(data: Uint8Array = NOTHING): HttpOutput {
    const chunks: Uint8Array[] = [];
    if (this.closed) return { chunks, close: true };
    this.append(data);
    this.waiting = undefined;
    while (!this.closed && this.step(chunks)) {}
    this.compact();
    return { chunks, close: this.closed, wait: this.closed ? undefined : this.waiting };
  }

  /** Runs one step; false when it needs more bytes. */
  private step(out: Uint8Array[]): boolean {
    if (this.mode === Mode.Body) {
      const n = Math.min(this.bodyLeft, this.len - this.off);
      this.off += n;
      this.bodyLeft -= n;
      if (this.bodyLeft > 0) return false;
      this.nextHead();
      return true;
    }
    if (this.mode === Mode.Chunked) {
      const r = this.chunked!.feed(this.buf, this.off, this.len);
      this.off += r.used;
      if (r.error) this.mode = Mode.Closed;
      else if (r.done) this.nextHead();
      return r.done;
    }
    const at = this.off;
    const scan = this.scanner.scan(this.buf, this.len);
    if (scan.kind === 'more') return false;
    if (scan.kind === 'error') return this.fail(scan.status, 1001, 'GET', out);
    const head = latin1Decode(this.buf, scan.start, scan.end);
    if (scan.kind === 'line') {
      const line = parseRequestLine(head.replace(/\r?\n$/, ''));
      if (isError(line)) return this.fail(line.status, 1001, 'GET', out);
      if (line.version !== 9) return true;
    }
    this.off = scan.end;
    this.requests++;
    const req = parseRequestHead(head);
    if (isError(req)) {
      const simple = scan.kind === 'line';
      return this.fail(
        req.status,
        simple ? 9 : 1001,
        head.startsWith('HEAD ') ? 'HEAD' : 'GET',
        out,
      );
    }
    return this.answer(req, out, at);
  }

  /** Answers `req` (its head began at `at`); false when it must wait for the site or closes. */
  private answer(req: HttpRequest, out: Uint8Array[], at: number): boolean {
    const s = this.server;
    const r = route(req, this.site, { addr: this.localAddr, port: s.port }, s.maxBodyBytes);
    if (r.kind === 'pending') {
      // parse the head again once the documents are loaded
      this.off = at;
      this.requests--;
      this.scanner.reset(at);
      this.waiting = this.io!.wait();
      return false;
    }
    this.io?.clear();
    const keep =
      r.kind === 'file'
        ? renderFile(s, req, r.path, r.file, out)
        : renderStatus(s, r.status, { ...req, location: r.location }, out);
    if (!keep) {
      this.mode = Mode.Closed;
      return false;
    }
    if (req.chunked) {
      this.mode = Mode.Chunked;
      this.chunked = new ChunkedDiscarder();
    } else if (req.contentLength > 0) {
      this.mode = Mode.Body;
      this.bodyLeft = req.contentLength;
    } else this.nextHead();
    return true;
  }

  /** Answers a request that cannot be served and closes, as nginx does for parse errors. */
  private fail(status: number, version: number, method: string, out: Uint8Array[]): false {
    renderStatus(this.server, status, { version, method, keepAlive: false }, out);
    this.mode = Mode.Closed;
    return false;
  }

  private nextHead(): void {
    this.mode = Mode.Head;
    this.chunked = null;
    this.scanner.reset(this.off);
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

  /** Drops consumed bytes so the buffer holds only the unanswered part. */
  private compact(): void {
    if (this.off === 0) return;
    this.buf.copyWithin(0, this.off, this.len);
    this.len -= this.off;
    this.scanner.shift(this.off);
    this.off = 0;
  }
}

const isError = <T extends object>(r: T | HttpHeadError): r is HttpHeadError => 'reason' in r;
