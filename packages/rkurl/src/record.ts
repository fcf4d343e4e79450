// The URL record (WHATWG URL §4.1) and its serializer (§4.5), with the small predicates the parser
// and the URL class share.

/** A parsed URL. `path` is a list of segments, or a string for an opaque path (`mailto:x`). */
export interface UrlRecord {
  scheme: string;
  username: string;
  password: string;
  /** The serialized host ('' is the empty host), or null when the URL has none. */
  host: string | null;
  port: number | null;
  path: string[] | string;
  query: string | null;
  fragment: string | null;
}

const DEFAULT_PORTS = new Map<string, number | null>([
  ['ftp', 21],
  ['file', null],
  ['http', 80],
  ['https', 443],
  ['ws', 80],
  ['wss', 443],
]);

/** A fresh record (empty scheme, no host, empty path). */
export function newRecord(): UrlRecord {
  return {
    scheme: '',
    username: '',
    password: '',
    host: null,
    port: null,
    path: [],
    query: null,
    fragment: null,
  };
}

/** A copy whose path list is not shared. */
export function cloneRecord(u: UrlRecord): UrlRecord {
  return { ...u, path: typeof u.path === 'string' ? u.path : [...u.path] };
}

/** http, https, ws, wss, ftp and file are special. */
export const isSpecialScheme = (scheme: string): boolean => DEFAULT_PORTS.has(scheme);

/** The scheme's default port, or null (file, and non-special schemes). */
export const defaultPort = (scheme: string): number | null => DEFAULT_PORTS.get(scheme) ?? null;

export const hasOpaquePath = (u: UrlRecord): u is UrlRecord & { path: string } =>
  typeof u.path === 'string';

export const includesCredentials = (u: UrlRecord): boolean =>
  u.username !== '' || u.password !== '';

/** No username, password or port may be set: no host, the empty host, or a file URL. */
export const cannotHaveCredentialsOrPort = (u: UrlRecord): boolean =>
  u.host === null || u.host === '' || u.scheme === 'file';

/** A Windows drive letter: an ASCII letter then ':' or '|' ("normalized" when ':' only). */
export const isWindowsDriveLetter = (s: string, normalized = false): boolean =>
  s.length === 2 && /^[A-Za-z]$/.test(s[0]) && (s[1] === ':' || (!normalized && s[1] === '|'));

/** The code points from `at` start with a Windows drive letter followed by the end, / \ ? or #. */
export function startsWithDriveLetter(cps: readonly string[], at: number): boolean {
  if (cps.length - at < 2 || !isWindowsDriveLetter(cps[at] + cps[at + 1])) return false;
  return cps.length - at === 2 || '/\\?#'.includes(cps[at + 2]);
}

/** Removes the last path segment, except a file URL's lone normalized drive letter. */
export function shortenPath(u: UrlRecord): void {
  const path = u.path as string[];
  if (u.scheme === 'file' && path.length === 1 && isWindowsDriveLetter(path[0], true)) return;
  path.pop();
}

/** The path as text: the opaque path itself, or "/" + each segment. */
export function serializePath(u: UrlRecord): string {
  if (hasOpaquePath(u)) return u.path;
  let out = '';
  for (const s of u.path) out += `/${s}`;
  return out;
}

/** The URL serializer. */
export function serializeUrl(u: UrlRecord, excludeFragment = false): string {
  let out = `${u.scheme}:`;
  if (u.host !== null) {
    out += '//';
    if (includesCredentials(u)) {
      out += u.username;
      if (u.password !== '') out += `:${u.password}`;
      out += '@';
    }
    out += u.host;
    if (u.port !== null) out += `:${u.port}`;
  } else if (!hasOpaquePath(u) && u.path.length > 1 && u.path[0] === '') out += '/.';
  out += serializePath(u);
  if (u.query !== null) out += `?${u.query}`;
  if (!excludeFragment && u.fragment !== null) out += `#${u.fragment}`;
  return out;
}
