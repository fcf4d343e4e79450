// Server-wide settings and response rendering, byte-compatible with nginx 1.22's header order:
// Server, Date, Content-Type, Content-Length, [Last-Modified | Location], Connection,
// [ETag, Accept-Ranges]. The Date string is cached per second of guest wall-clock time.
import { latin1Encode } from './ascii';
import { answerFor } from './conditional';
import { httpDate } from './date';
import type { HttpHeadLimits } from './head-scanner';
import { contentTypeOf } from './mime';
import type { HttpRequest } from './request';
import type { HttpDirSource, HttpFile } from './site';
import { errorPage, statusForcesClose, statusLine } from './status';

/** What every connection of one server shares. */
export interface HttpServer {
  readonly site: HttpDirSource;
  /** The token in the Server header and in error-page footers. */
  readonly name: string;
  /** The listening port (for redirects: omitted when 80). */
  readonly port: number;
  /** Larger request bodies are refused with 413 (nginx's client_max_body_size, 1 MiB). */
  readonly maxBodyBytes: number;
  readonly limits?: HttpHeadLimits;
  /** The current Date header value. */
  date(): string;
}

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  site: HttpDirSource;
  port: number;
  /** Guest wall-clock time in seconds since the epoch. */
  wallClock: () => number;
  name?: string;
  maxBodyBytes?: number;
  limits?: HttpHeadLimits;
}

/** Creates the shared server state. */
export function createHttpServer(o: HttpServerOptions): HttpServer {
  let second = -1;
  let cached = '';
  return {
    site: o.site,
    name: o.name ?? 'httpreply',
    port: o.port,
    maxBodyBytes: o.maxBodyBytes ?? 1 << 20,
    limits: o.limits,
    date() {
      const now = Math.floor(o.wallClock());
      if (now !== second) {
        second = now;
        cached = httpDate(now);
      }
      return cached;
    },
  };
}

/** How a status page is sent: the request's version and method, whether it asked to keep alive. */
export interface StatusContext {
  readonly version: number;
  readonly method: string;
  readonly keepAlive: boolean;
  readonly location?: string | null;
  /** Header lines after Connection (e.g. 416's Content-Range), each ending in CRLF. */
  readonly extra?: string;
}

/** Appends a status page (headers, and the body unless HEAD). @returns whether the connection stays open. */
export function renderStatus(
  s: HttpServer,
  status: number,
  ctx: StatusContext,
  out: Uint8Array[],
): boolean {
  const keep = ctx.keepAlive && !statusForcesClose(status);
  const body = errorPage(status, s.name);
  if (ctx.version === 9) {
    out.push(latin1Encode(body));
    return false;
  }
  const location = ctx.location ? `Location: ${ctx.location}\r\n` : '';
  let text =
    `${statusLine(status)}\r\nServer: ${s.name}\r\nDate: ${s.date()}\r\nContent-Type: text/html\r\n` +
    `Content-Length: ${body.length}\r\n${location}Connection: ${keep ? 'keep-alive' : 'close'}\r\n${ctx.extra ?? ''}\r\n`;
  if (ctx.method !== 'HEAD') text += body;
  out.push(latin1Encode(text));
  return keep;
}

/** The last Last-Modified value formatted (most responses are for the same page). */
const lastModified = { mtime: Number.NaN, text: '' };

/** Appends a 200 response for `file` (no body for HEAD; only the body for HTTP/0.9). @returns keep-alive. */
export function renderFile(
  s: HttpServer,
  req: HttpRequest,
  path: string,
  file: HttpFile,
  out: Uint8Array[],
): boolean {
  if (req.version === 9) {
    out.push(file.bytes());
    return false;
  }
  const etag = `"${file.mtime.toString(16)}-${file.size.toString(16)}"`;
  if (lastModified.mtime !== file.mtime) {
    lastModified.mtime = file.mtime;
    lastModified.text = httpDate(file.mtime);
  }
  const a = answerFor(req, etag, file.mtime, file.size);
  if (a.kind === 'unsatisfiable')
    return renderStatus(s, 416, { ...req, extra: `Content-Range: bytes */${file.size}\r\n` }, out);
  const connection = `Connection: ${req.keepAlive ? 'keep-alive' : 'close'}\r\n`;
  const common = `Server: ${s.name}\r\nDate: ${s.date()}\r\n`;
  if (a.kind === 'not-modified') {
    out.push(
      latin1Encode(
        `HTTP/1.1 304 Not Modified\r\n${common}Last-Modified: ${lastModified.text}\r\n${connection}ETag: ${etag}\r\n\r\n`,
      ),
    );
    return req.keepAlive;
  }
  const partial = a.kind === 'partial';
  const length = partial ? a.end - a.start + 1 : file.size;
  out.push(
    latin1Encode(
      `HTTP/1.1 ${partial ? '206 Partial Content' : '200 OK'}\r\n${common}Content-Type: ${contentTypeOf(path)}\r\n` +
        `Content-Length: ${length}\r\nLast-Modified: ${lastModified.text}\r\n${connection}ETag: ${etag}\r\n` +
        (partial
          ? `Content-Range: bytes ${a.start}-${a.end}/${file.size}\r\n\r\n`
          : 'Accept-Ranges: bytes\r\n\r\n'),
    ),
  );
  if (req.method !== 'HEAD' && length > 0)
    out.push(partial ? file.bytes().subarray(a.start, a.end + 1) : file.bytes());
  return req.keepAlive;
}
