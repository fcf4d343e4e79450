// The URL class (WHATWG URL §6.1) over the URL record: getters serialize parts, setters re-run the
// basic parser from a state (state override), searchParams stays bound to the query.
import { toUSVString } from './form';
import { basicParse, State } from './parser';
import { percentEncode, USERINFO } from './percent';
import {
  cannotHaveCredentialsOrPort,
  hasOpaquePath,
  serializePath,
  serializeUrl,
  type UrlRecord,
} from './record';
import { RkURLSearchParams } from './search-params';

const records = new WeakMap<RkURL, UrlRecord>();
const params = new WeakMap<RkURL, RkURLSearchParams>();

const recordOf = (u: RkURL): UrlRecord => {
  const r = records.get(u);
  if (!r) throw new TypeError('URL: the receiver is not a URL');
  return r;
};

function invalid(input: string, base?: string): TypeError {
  const e = new TypeError(
    base === undefined ? `Invalid URL: ${input}` : `Invalid URL: ${input} (against base ${base})`,
  );
  (e as TypeError & { code: string; input: string }).code = 'ERR_INVALID_URL';
  (e as TypeError & { input: string }).input = input;
  return e;
}

/** Parses `url` against `base`. @returns the record, or null. */
function parseWithBase(url: string, base?: string): UrlRecord | null {
  let b: UrlRecord | null = null;
  if (base !== undefined) {
    b = basicParse(base, null);
    if (b === null) return null;
  }
  return basicParse(url, b);
}

/** An opaque path loses trailing spaces when neither a query nor a fragment follows it any more. */
function stripTrailingSpaces(u: UrlRecord): void {
  if (!hasOpaquePath(u) || u.fragment !== null || u.query !== null) return;
  u.path = u.path.replace(/ +$/, '');
}

/** The guest's URL. */
export class RkURL {
  /** @throws TypeError "Invalid URL" when `url` (against `base`) does not parse. */
  constructor(url: string, base?: string) {
    const input = toUSVString(url);
    const b = base === undefined ? undefined : toUSVString(base);
    const r = parseWithBase(input, b);
    if (r === null) throw invalid(input, b);
    records.set(this, r);
    const p = new RkURLSearchParams();
    RkURLSearchParams.reset(p, r.query);
    RkURLSearchParams.link(p, {
      setQueryFromList: (s) => {
        const rec = recordOf(this);
        rec.query = s === '' ? null : s;
        if (s === '') stripTrailingSpaces(rec);
      },
    });
    params.set(this, p);
  }

  /** @returns true when `url` parses against `base` (no exception). */
  static canParse(url: string, base?: string): boolean {
    return (
      parseWithBase(toUSVString(url), base === undefined ? undefined : toUSVString(base)) !== null
    );
  }

  get href(): string {
    return serializeUrl(recordOf(this));
  }
  set href(value: string) {
    const input = toUSVString(value);
    const r = basicParse(input, null);
    if (r === null) throw invalid(input);
    records.set(this, r);
    RkURLSearchParams.reset(params.get(this)!, r.query);
  }

  /** scheme://host[:port] for special schemes but file; blob: URLs take their inner URL's; else "null". */
  get origin(): string {
    return originOf(recordOf(this));
  }

  get protocol(): string {
    return `${recordOf(this).scheme}:`;
  }
  set protocol(value: string) {
    basicParse(`${toUSVString(value)}:`, null, recordOf(this), State.SchemeStart);
  }

  get username(): string {
    return recordOf(this).username;
  }
  set username(value: string) {
    const r = recordOf(this);
    if (!cannotHaveCredentialsOrPort(r)) r.username = percentEncode(toUSVString(value), USERINFO);
  }

  get password(): string {
    return recordOf(this).password;
  }
  set password(value: string) {
    const r = recordOf(this);
    if (!cannotHaveCredentialsOrPort(r)) r.password = percentEncode(toUSVString(value), USERINFO);
  }

  get host(): string {
    const r = recordOf(this);
    if (r.host === null) return '';
    return r.port === null ? r.host : `${r.host}:${r.port}`;
  }
  set host(value: string) {
    const r = recordOf(this);
    if (!hasOpaquePath(r)) basicParse(toUSVString(value), null, r, State.Host);
  }

  get hostname(): string {
    return recordOf(this).host ?? '';
  }
  set hostname(value: string) {
    const r = recordOf(this);
    if (!hasOpaquePath(r)) basicParse(toUSVString(value), null, r, State.Hostname);
  }

  get port(): string {
    const p = recordOf(this).port;
    return p === null ? '' : String(p);
  }
  set port(value: string) {
    const r = recordOf(this);
    if (cannotHaveCredentialsOrPort(r)) return;
    const v = toUSVString(value);
    if (v === '') r.port = null;
    else basicParse(v, null, r, State.Port);
  }

  get pathname(): string {
    return serializePath(recordOf(this));
  }
  set pathname(value: string) {
    const r = recordOf(this);
    if (hasOpaquePath(r)) return;
    r.path = [];
    basicParse(toUSVString(value), null, r, State.PathStart);
  }

  get search(): string {
    const q = recordOf(this).query;
    return q === null || q === '' ? '' : `?${q}`;
  }
  set search(value: string) {
    const r = recordOf(this);
    const v = toUSVString(value);
    if (v === '') {
      r.query = null;
      RkURLSearchParams.reset(params.get(this)!, null);
      stripTrailingSpaces(r);
      return;
    }
    r.query = '';
    basicParse(v.startsWith('?') ? v.slice(1) : v, null, r, State.Query);
    // The list is parsed from the query as set (tabs and newlines removed by the parser), as Node
    // does, so that searchParams always equals the query; the Standard parses the raw value.
    RkURLSearchParams.reset(params.get(this)!, r.query);
  }

  /** The query's name-value list; changing it rewrites the query. */
  get searchParams(): RkURLSearchParams {
    recordOf(this);
    return params.get(this)!;
  }

  get hash(): string {
    const f = recordOf(this).fragment;
    return f === null || f === '' ? '' : `#${f}`;
  }
  set hash(value: string) {
    const r = recordOf(this);
    const v = toUSVString(value);
    if (v === '') {
      r.fragment = null;
      stripTrailingSpaces(r);
      return;
    }
    r.fragment = '';
    basicParse(v.startsWith('#') ? v.slice(1) : v, null, r, State.Fragment);
  }

  toString(): string {
    return this.href;
  }

  toJSON(): string {
    return this.href;
  }

  get [Symbol.toStringTag](): string {
    return 'URL';
  }
}

Object.defineProperty(RkURL, 'name', { value: 'URL' });

function originOf(r: UrlRecord): string {
  if (r.scheme === 'blob') {
    const inner = basicParse(serializePath(r), null);
    if (inner !== null && (inner.scheme === 'http' || inner.scheme === 'https'))
      return originOf(inner);
    return 'null';
  }
  if (r.scheme === 'file' || !['ftp', 'http', 'https', 'ws', 'wss'].includes(r.scheme))
    return 'null';
  return `${r.scheme}://${r.host}${r.port === null ? '' : `:${r.port}`}`;
}
