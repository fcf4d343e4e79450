// Request-target handling as nginx's ngx_http_parse_complex_uri: split off the query, decode %XX,
// merge repeated slashes, resolve "." and ".." (RFC 3986 §5.2.4). A ".." above the root, a bad
// escape or a decoded NUL makes the request invalid (400), as in nginx.
import { hexDigit } from './ascii';

/** A decoded, normalised path and the raw query (without "?"), or null when the target is invalid. */
export interface NormalisedTarget {
  readonly path: string;
  readonly query: string | null;
}

/** Normalises an origin-form path ("/a/%62/../c?x"). @returns null for an invalid target. */
export function normaliseTarget(raw: string): NormalisedTarget | null {
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? null : raw.slice(q + 1);
  if (!rawPath.startsWith('/')) return null;
  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c !== 0x25) {
      decoded += rawPath[i];
      continue;
    }
    const hi = hexDigit(rawPath.charCodeAt(i + 1));
    const lo = hexDigit(rawPath.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return null;
    const v = hi * 16 + lo;
    if (v === 0) return null;
    decoded += String.fromCharCode(v);
    i += 2;
  }
  const out: string[] = [];
  const segs = decoded.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    const last = i === segs.length - 1;
    if (s === '' && !last) continue;
    if (s === '.') {
      if (last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0) return null;
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return { path: `/${out.join('/')}`, query };
}
