// Parses one complete request head (RFC 9112 §3, §5) with nginx 1.22's rules for what is an error:
// methods are upper-case tokens, HTTP/2+ in a request line is 505, spaces or controls in a header
// name are 400 while other odd names are ignored, Host is validated and required for HTTP/1.1.
import { hasControl } from './ascii';
import { normaliseTarget } from './uri';

/** A parsed request head. Strings are byte strings (one char per byte, latin1). */
export interface HttpRequest {
  readonly method: string;
  /** 9 for HTTP/0.9, 1000 * major + minor otherwise (nginx's r->http_version). */
  readonly version: number;
  /** Decoded, normalised path ("/", "/a/b.html"). */
  readonly path: string;
  /** The raw query after "?", or null. */
  readonly query: string | null;
  /** Lower-cased host without port and trailing dot, or null when the request named none. */
  readonly host: string | null;
  readonly keepAlive: boolean;
  /** Content-Length, or -1 when absent. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** Conditional and range headers as sent (the last of each), or null. */
  readonly ifNoneMatch: string | null;
  readonly ifModifiedSince: string | null;
  readonly range: string | null;
}

/** A head that cannot be served: the status nginx answers it with. */
export interface HttpHeadError {
  readonly status: 400 | 405 | 501 | 505;
  readonly reason: string;
}

const isTokenChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
const bad = (reason: string, status: HttpHeadError['status'] = 400): HttpHeadError => ({
  status,
  reason,
});

/** The request line's parts; `version` is 9 when it has none (HTTP/0.9). */
export interface HttpRequestLine {
  readonly method: string;
  readonly target: string;
  readonly version: number;
}

/** Parses a request line (without its line end), as nginx's ngx_http_parse_request_line judges it. */
export function parseRequestLine(line: string): HttpRequestLine | HttpHeadError {
  const m = /^([^ ]*) +([^ ]+)(?: +HTTP\/(\d+)\.(\d+))? *$/.exec(line);
  if (!m || !/^[A-Z_-]+$/.test(m[1])) return bad('invalid request line');
  const [, method, target, major, minor] = m;
  if (hasControl(target)) return bad('control character in the request target');
  if (major === undefined) return { method, target, version: 9 };
  if (major.startsWith('0') || Number(major) > 99 || Number(minor) > 99)
    return bad('invalid HTTP version');
  if (Number(major) > 1) return bad('HTTP version not supported', 505);
  return { method, target, version: Number(major) * 1000 + Number(minor) };
}

/** Parses the head `text` (request line and header lines, CRLF or LF). */
export function parseRequestHead(text: string): HttpRequest | HttpHeadError {
  const lines = text.split('\n');
  const rl = parseRequestLine(stripCr(lines[0]));
  if ('reason' in rl) return rl;
  const { method, version } = rl;
  let target = rl.target;
  let host: string | null = null;
  const abs = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?]*)(.*)$/.exec(target);
  if (abs) {
    host = validateHost(abs[1]);
    if (host === null) return bad('invalid host in request line');
    target = abs[2] === '' ? '/' : abs[2];
  }
  const t = normaliseTarget(target);
  if (!t) return bad('invalid request target');
  let connection = '';
  let contentLength = -1;
  let transferEncoding: string | null = null;
  let sawHost = false;
  let ifNoneMatch: string | null = null;
  let ifModifiedSince: string | null = null;
  let range: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const l = stripCr(lines[i]);
    if (l === '') continue;
    const colon = l.indexOf(':');
    const name = colon < 0 ? l : l.slice(0, colon);
    if (hasControl(name, 0x20)) return bad('invalid header name');
    if (colon <= 0 || ![...name].every((ch) => isTokenChar(ch.charCodeAt(0)))) continue;
    const value = l.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (value.includes('\0') || value.includes('\r')) return bad('invalid header value');
    switch (name.toLowerCase()) {
      case 'host': {
        if (sawHost) return bad('duplicate Host header');
        sawHost = true;
        const h = validateHost(value);
        if (h === null) return bad('invalid Host header');
        host ??= h;
        break;
      }
      case 'connection':
        connection = value.toLowerCase();
        break;
      case 'content-length':
        if (contentLength >= 0) return bad('duplicate Content-Length header');
        if (!/^\d{1,15}$/.test(value)) return bad('invalid Content-Length header');
        contentLength = Number(value);
        break;
      case 'transfer-encoding':
        if (transferEncoding !== null) return bad('duplicate Transfer-Encoding header');
        transferEncoding = value.toLowerCase();
        break;
      case 'if-none-match':
        ifNoneMatch = value;
        break;
      case 'if-modified-since':
        ifModifiedSince = value;
        break;
      case 'range':
        range = value;
        break;
    }
  }
  if (version > 1000 && !sawHost && host === null) return bad('HTTP/1.1 request without Host');
  if (transferEncoding !== null) {
    if (version < 1001) return bad('HTTP/1.0 request with Transfer-Encoding');
    if (transferEncoding !== 'chunked') return bad('unknown Transfer-Encoding', 501);
    if (contentLength >= 0) return bad('both Content-Length and Transfer-Encoding');
  }
  if (method === 'TRACE') return bad('TRACE method', 405);
  const keepAlive =
    version > 1000 ? !connection.includes('close') : connection.includes('keep-alive');
  return {
    method,
    version,
    path: t.path,
    query: t.query,
    host,
    keepAlive: version >= 1000 && keepAlive,
    contentLength,
    chunked: transferEncoding !== null,
    ifNoneMatch,
    ifModifiedSince,
    range,
  };
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/** nginx's ngx_http_validate_host: lower-cased, port and one trailing dot removed; null if invalid. */
export function validateHost(raw: string): string | null {
  let end = raw.length;
  let inBrackets = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x5b && i === 0) inBrackets = true;
    else if (c === 0x5d) inBrackets = false;
    else if (c === 0x3a && !inBrackets) {
      end = i;
      break;
    } else if (c === 0x2e && raw.charCodeAt(i - 1) === 0x2e) return null;
    else if (c === 0x2f || c === 0x5c || c <= 0x20 || c === 0x7f) return null;
  }
  let host = raw.slice(0, end);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host === '' || host === '.' ? null : host.toLowerCase();
}
