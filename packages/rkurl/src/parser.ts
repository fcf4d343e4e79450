// The basic URL parser (WHATWG URL §4.4): one state machine over code points, also run from a given
// state by the URL setters (state override). Over 150 lines because the states share their locals
// (buffer, the @/[]/password flags, the pointer) the way the standard writes them.
import { parseHost } from './host';
import {
  C0_CONTROL,
  encodeCodePoint,
  FRAGMENT,
  PATH,
  percentEncode,
  QUERY,
  SPECIAL_QUERY,
  USERINFO,
} from './percent';
import {
  cloneRecord,
  defaultPort,
  hasOpaquePath,
  includesCredentials,
  isSpecialScheme,
  isWindowsDriveLetter,
  newRecord,
  shortenPath,
  startsWithDriveLetter,
  type UrlRecord,
} from './record';

/** Parser states (only those the URL setters start from are exported by name). */
export const enum State {
  SchemeStart,
  Scheme,
  NoScheme,
  SpecialRelativeOrAuthority,
  PathOrAuthority,
  Relative,
  RelativeSlash,
  SpecialAuthoritySlashes,
  SpecialAuthorityIgnoreSlashes,
  Authority,
  Host,
  Hostname,
  Port,
  File,
  FileSlash,
  FileHost,
  PathStart,
  Path,
  OpaquePath,
  Query,
  Fragment,
}

const FAIL = null;
const ALPHA = /^[A-Za-z]$/;
const SCHEME_CHAR = /^[A-Za-z0-9+\-.]$/;
const DIGIT = /^[0-9]$/;
const SINGLE_DOT = /^(?:\.|%2e)$/i;
const DOUBLE_DOT = /^(?:\.|%2e)(?:\.|%2e)$/i;

/** Leading and trailing C0 controls and spaces go; tabs and newlines anywhere go. */
function preprocess(input: string, trim: boolean): string {
  let s = input;
  if (trim) {
    let a = 0;
    let b = s.length;
    while (a < b && s.charCodeAt(a) <= 0x20) a++;
    while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
    s = s.slice(a, b);
  }
  return s.replace(/[\t\n\r]/g, '');
}

/**
 * Parses `input` against `base`. With `url` and `override` it updates `url` in place (a setter).
 * @returns the record (the updated `url` for a setter), or null when the input is not a valid URL
 * (for a setter: the change was refused; parts already set stay, as in the standard).
 * @throws RkUrlIdnaError (a TypeError) for a host needing IDNA tables this package does not have.
 */
export function basicParse(
  rawInput: string,
  base: UrlRecord | null,
  given?: UrlRecord,
  override?: State,
): UrlRecord | null {
  const url = given ?? newRecord();
  const cps = Array.from(preprocess(rawInput, given === undefined));
  let state = override ?? State.SchemeStart;
  let buffer = '';
  let atSignSeen = false;
  let insideBrackets = false;
  let passwordTokenSeen = false;
  const special = () => isSpecialScheme(url.scheme);
  const remaining = (at: number) => cps[at + 1];

  for (let p = 0; ; p++) {
    const c: string | undefined = cps[p]; // undefined is the end of input
    switch (state) {
      case State.SchemeStart:
        if (c !== undefined && ALPHA.test(c)) {
          buffer += c.toLowerCase();
          state = State.Scheme;
        } else if (override === undefined) {
          state = State.NoScheme;
          p--;
        } else return FAIL;
        break;
      case State.Scheme:
        if (c !== undefined && SCHEME_CHAR.test(c)) buffer += c.toLowerCase();
        else if (c === ':') {
          if (override !== undefined) {
            if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
            if ((includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
            if (url.scheme === 'file' && url.host === '') return url;
          }
          url.scheme = buffer;
          if (override !== undefined) {
            if (url.port === defaultPort(url.scheme)) url.port = null;
            return url;
          }
          buffer = '';
          if (url.scheme === 'file') state = State.File;
          else if (special() && base !== null && base.scheme === url.scheme)
            state = State.SpecialRelativeOrAuthority;
          else if (special()) state = State.SpecialAuthoritySlashes;
          else if (remaining(p) === '/') {
            state = State.PathOrAuthority;
            p++;
          } else {
            url.path = '';
            state = State.OpaquePath;
          }
        } else if (override === undefined) {
          buffer = '';
          state = State.NoScheme;
          p = -1;
        } else return FAIL;
        break;
      case State.NoScheme:
        if (base === null || (hasOpaquePath(base) && c !== '#')) return FAIL;
        if (hasOpaquePath(base) && c === '#') {
          url.scheme = base.scheme;
          url.path = base.path;
          url.query = base.query;
          url.fragment = '';
          state = State.Fragment;
        } else {
          state = base.scheme !== 'file' ? State.Relative : State.File;
          p--;
        }
        break;
      case State.SpecialRelativeOrAuthority:
        if (c === '/' && remaining(p) === '/') {
          state = State.SpecialAuthorityIgnoreSlashes;
          p++;
        } else {
          state = State.Relative;
          p--;
        }
        break;
      case State.PathOrAuthority:
        if (c === '/') state = State.Authority;
        else {
          state = State.Path;
          p--;
        }
        break;
      case State.Relative: {
        const b = base as UrlRecord;
        url.scheme = b.scheme;
        if (c === '/' || (special() && c === '\\')) state = State.RelativeSlash;
        else {
          Object.assign(url, cloneRecord({ ...b, fragment: url.fragment }));
          if (c === '?') {
            url.query = '';
            state = State.Query;
          } else if (c === '#') {
            url.fragment = '';
            state = State.Fragment;
          } else if (c !== undefined) {
            url.query = null;
            shortenPath(url);
            state = State.Path;
            p--;
          }
        }
        break;
      }
      case State.RelativeSlash:
        if (special() && (c === '/' || c === '\\')) state = State.SpecialAuthorityIgnoreSlashes;
        else if (c === '/') state = State.Authority;
        else {
          const b = base as UrlRecord;
          url.username = b.username;
          url.password = b.password;
          url.host = b.host;
          url.port = b.port;
          state = State.Path;
          p--;
        }
        break;
      case State.SpecialAuthoritySlashes:
        state = State.SpecialAuthorityIgnoreSlashes;
        if (c === '/' && remaining(p) === '/') p++;
        else p--;
        break;
      case State.SpecialAuthorityIgnoreSlashes:
        if (c !== '/' && c !== '\\') {
          state = State.Authority;
          p--;
        }
        break;
      case State.Authority:
        if (c === '@') {
          if (atSignSeen) buffer = `%40${buffer}`;
          atSignSeen = true;
          for (const b of buffer) {
            if (b === ':' && !passwordTokenSeen) {
              passwordTokenSeen = true;
              continue;
            }
            if (passwordTokenSeen) url.password += encodeCodePoint(b, USERINFO);
            else url.username += encodeCodePoint(b, USERINFO);
          }
          buffer = '';
        } else if (
          c === undefined ||
          c === '/' ||
          c === '?' ||
          c === '#' ||
          (special() && c === '\\')
        ) {
          if (atSignSeen && buffer === '') return FAIL;
          p -= Array.from(buffer).length + 1;
          buffer = '';
          state = State.Host;
        } else buffer += c;
        break;
      case State.Host:
      case State.Hostname:
        if (override !== undefined && url.scheme === 'file') {
          p--;
          state = State.FileHost;
        } else if (c === ':' && !insideBrackets) {
          if (buffer === '') return FAIL;
          if (override === State.Hostname) return FAIL;
          const host = parseHost(buffer, special());
          if (host === null) return FAIL;
          url.host = host;
          buffer = '';
          state = State.Port;
        } else if (
          c === undefined ||
          c === '/' ||
          c === '?' ||
          c === '#' ||
          (special() && c === '\\')
        ) {
          p--;
          if (special() && buffer === '') return FAIL;
          if (
            override !== undefined &&
            buffer === '' &&
            (includesCredentials(url) || url.port !== null)
          )
            return FAIL;
          const host = parseHost(buffer, special());
          if (host === null) return FAIL;
          url.host = host;
          buffer = '';
          state = State.PathStart;
          if (override !== undefined) return url;
        } else {
          if (c === '[') insideBrackets = true;
          if (c === ']') insideBrackets = false;
          buffer += c;
        }
        break;
      case State.Port:
        if (c !== undefined && DIGIT.test(c)) buffer += c;
        else if (
          c === undefined ||
          c === '/' ||
          c === '?' ||
          c === '#' ||
          (special() && c === '\\') ||
          override !== undefined
        ) {
          if (buffer !== '') {
            const port = Number(buffer.replace(/^0+(?=\d)/, '').slice(0, 6));
            if (port > 65535) return FAIL;
            url.port = port === defaultPort(url.scheme) ? null : port;
            buffer = '';
          }
          if (override !== undefined) return url;
          state = State.PathStart;
          p--;
        } else return FAIL;
        break;
      case State.File:
        url.scheme = 'file';
        url.host = '';
        if (c === '/' || c === '\\') state = State.FileSlash;
        else if (base !== null && base.scheme === 'file') {
          url.host = base.host;
          url.path = [...(base.path as string[])];
          url.query = base.query;
          if (c === '?') {
            url.query = '';
            state = State.Query;
          } else if (c === '#') {
            url.fragment = '';
            state = State.Fragment;
          } else if (c !== undefined) {
            url.query = null;
            if (!startsWithDriveLetter(cps, p)) shortenPath(url);
            else url.path = [];
            state = State.Path;
            p--;
          }
        } else {
          state = State.Path;
          p--;
        }
        break;
      case State.FileSlash:
        if (c === '/' || c === '\\') state = State.FileHost;
        else {
          if (base !== null && base.scheme === 'file') {
            url.host = base.host;
            const first = (base.path as string[])[0];
            if (
              !startsWithDriveLetter(cps, p) &&
              first !== undefined &&
              isWindowsDriveLetter(first, true)
            )
              (url.path as string[]).push(first);
          }
          state = State.Path;
          p--;
        }
        break;
      case State.FileHost:
        if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
          p--;
          if (override === undefined && isWindowsDriveLetter(buffer)) state = State.Path;
          else if (buffer === '') {
            url.host = '';
            if (override !== undefined) return url;
            state = State.PathStart;
          } else {
            let host = parseHost(buffer, special());
            if (host === null) return FAIL;
            if (host === 'localhost') host = '';
            url.host = host;
            if (override !== undefined) return url;
            buffer = '';
            state = State.PathStart;
          }
        } else buffer += c;
        break;
      case State.PathStart:
        if (special()) {
          state = State.Path;
          if (c !== '/' && c !== '\\') p--;
        } else if (override === undefined && c === '?') {
          url.query = '';
          state = State.Query;
        } else if (override === undefined && c === '#') {
          url.fragment = '';
          state = State.Fragment;
        } else if (c !== undefined) {
          state = State.Path;
          if (c !== '/') p--;
        } else if (override !== undefined && url.host === null) (url.path as string[]).push('');
        break;
      case State.Path: {
        const slash = c === '/' || (special() && c === '\\');
        if (c === undefined || slash || (override === undefined && (c === '?' || c === '#'))) {
          const path = url.path as string[];
          if (DOUBLE_DOT.test(buffer)) {
            shortenPath(url);
            if (!slash) path.push('');
          } else if (SINGLE_DOT.test(buffer) && !slash) path.push('');
          else if (!SINGLE_DOT.test(buffer)) {
            if (url.scheme === 'file' && path.length === 0 && isWindowsDriveLetter(buffer))
              buffer = `${buffer[0]}:`;
            path.push(buffer);
          }
          buffer = '';
          if (c === '?') {
            url.query = '';
            state = State.Query;
          } else if (c === '#') {
            url.fragment = '';
            state = State.Fragment;
          }
        } else buffer += encodeCodePoint(c, PATH);
        break;
      }
      case State.OpaquePath:
        if (c === '?') {
          url.query = '';
          state = State.Query;
        } else if (c === '#') {
          url.fragment = '';
          state = State.Fragment;
        } else if (c !== undefined) url.path += encodeCodePoint(c, C0_CONTROL);
        break;
      case State.Query:
        if ((override === undefined && c === '#') || c === undefined) {
          url.query += percentEncode(buffer, special() ? SPECIAL_QUERY : QUERY);
          buffer = '';
          if (c === '#') {
            url.fragment = '';
            state = State.Fragment;
          }
        } else buffer += c;
        break;
      case State.Fragment:
        if (c !== undefined) url.fragment += encodeCodePoint(c, FRAGMENT);
        break;
    }
    if (c === undefined && p >= cps.length) return url;
  }
}
