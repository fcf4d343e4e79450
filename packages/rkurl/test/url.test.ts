// URL against Node's own URL (WHATWG, Ada) as the oracle: a table of tricky inputs, then generated
// inputs, relative references, setters and canParse. The guest code never sees Node's URL.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkURL } from '../src/index';
import { adaDivergence, type Outcome } from './ada';
import { BASES, host, relativeString, urlString } from './arbitraries';

type AnyURL = URL | RkURL;
const parts = (u: AnyURL | Record<string, unknown>): Exclude<Outcome, 'invalid'> => {
  const x = u as AnyURL;
  return {
    href: x.href,
    origin: x.origin,
    protocol: x.protocol,
    username: x.username,
    password: x.password,
    host: x.host,
    hostname: x.hostname,
    port: x.port,
    pathname: x.pathname,
    search: x.search,
    hash: x.hash,
    params: [...x.searchParams],
  };
};

function both(input: string, base?: string) {
  let node: Outcome;
  let mine: Outcome;
  try {
    node = parts(new URL(input, base));
  } catch {
    node = 'invalid';
  }
  try {
    mine = parts(new RkURL(input, base));
  } catch (e) {
    if (!(e instanceof TypeError) || !e.message.startsWith('Invalid URL')) throw e;
    mine = 'invalid';
  }
  return { node, mine };
}

const TRICKY: [string, string?][] = [
  ['http://example.com/a/b/../c/./d?x=1#f'],
  ['HTTP://EXAMPLE.COM:80/'],
  ['https://a:443/'],
  ['ftp://a:21/x'],
  ['ws://a:80/', undefined],
  ['wss://a:443/'],
  ['http://user:pa ss@host/'],
  ['http://a@b@c/'],
  ['http://:@h/'],
  ['http://a:b@/'],
  ['http://[::1]:8080/x'],
  ['http://[1:2::3:4]/'],
  ['http://[::ffff:192.168.0.1]/'],
  ['http://[0:0:1:0:0:0:0:1]/'],
  ['http://[1::2::3]/'],
  ['http://[:1]/'],
  ['http://[1:2:3:4:5:6:7:8:9]/'],
  ['http://[::1.2.3.04]/'],
  ['http://0x7f.1/'],
  ['http://1.2.3/'],
  ['http://017.0x10.0.1/'],
  ['http://4294967295/'],
  ['http://4294967296/'],
  ['http://1.2.3.4./'],
  ['http://1.2.3.4../'],
  ['http://a.b.c.256/'],
  ['http://09/'],
  ['http://0x/'],
  ['http://%41.com/'],
  ['http://a%2Eb/'],
  ['http://%zz/'],
  ['http://a b/'],
  ['http://a^b/'],
  ['foo://a^b/'],
  ['foo://a%00b/'],
  ['sc://ñ/'],
  ['http://münchen.de/'],
  ['http://ÖBB.at/'],
  ['http://faß.de/'],
  ['http://ẞ.de/'],
  ['http://ＡＢＣ。com/'],
  ['http://a\u00adb/'],
  ['http://xn--mnchen-3ya.de/'],
  ['http://XN--MNCHEN-3YA.DE/'],
  ['http://xn--ab/'],
  ['http://xn--da/'],
  ['http://xn--/'],
  ['http://xn--9a/'],
  ['http://💩.la/'],
  ['file:///C:/x/../..'],
  ['file://localhost/etc'],
  ['file:c:\\foo\\bar'],
  ['file:/C|/x'],
  ['\\\\server\\share', 'file:///x'],
  ['C|/y', 'file:///C:/a/b'],
  ['/z', 'file:///C:/a/b'],
  ['..', 'file:///C:/'],
  ['../x', 'http://a/b/c/d'],
  ['?q', 'http://a/b?c#d'],
  ['#h', 'http://a/b?c#d'],
  ['//h2/p', 'http://a/b'],
  ['\\\\h2\\p', 'http://a/b'],
  ['#x', 'mailto:a@b'],
  ['x', 'mailto:a@b'],
  ['mailto:someone@x.org'],
  ['javascript:alert(1) '],
  ['data:text/plain,hi #x'],
  ['foo://h/p?q#f'],
  ['foo:/a/../..//b'],
  ['non-spec:/.//p'],
  ['foo://'],
  ['foo:///x'],
  ['blob:https://a.com/uuid'],
  ['blob:foo://a/uuid'],
  ['http://a/\ud800'],
  ['http://a/%2e%2E/b'],
  ['http://a/b/c/..'],
  ['http://a/b/c/%2e'],
  ['  http://a/\t\nb  '],
  ['http:/\\/\\a/b'],
  ['http:a'],
  ['http:'],
  ['a:\t foo.com'],
  ['http://a/?\'"<>`#`<>"\''],
  ['foo://a/?\'"<>`'],
  ['http://a/{}|^`'],
  ['http://a:0080/'],
  ['http://a:65536/'],
  ['http://a:b/'],
  ['http://a/?a=1&b=%20+c'],
];

describe('URL parsing equals Node', () => {
  it('on the table of tricky inputs', () => {
    for (const [input, base] of TRICKY) {
      const { node, mine } = both(input, base);
      expect({ input, base, result: mine }).toEqual({ input, base, result: node });
    }
  });

  it('on generated absolute URLs', () => {
    fc.assert(
      fc.property(urlString, (input) => {
        const { node, mine } = both(input);
        if (adaDivergence(node, mine, { input }) === null) expect(mine).toEqual(node);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('on generated references resolved against bases', () => {
    fc.assert(
      fc.property(relativeString, fc.constantFrom(...BASES), (input, base) => {
        const { node, mine } = both(input, base);
        if (adaDivergence(node, mine, { input, base }) === null) expect(mine).toEqual(node);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('canParse agrees, and a bad base is an Invalid URL naming it', () => {
    fc.assert(
      fc.property(relativeString, fc.constantFrom(...BASES, 'not a base'), (input, base) => {
        const { node, mine } = both(input, base);
        if (adaDivergence(node, mine, { input, base }) === null)
          expect(RkURL.canParse(input, base)).toBe(URL.canParse(input, base));
      }),
      { seed: 3, numRuns: 500 },
    );
    expect(() => new RkURL('x', 'not a base')).toThrow('Invalid URL: x (against base not a base)');
    expect(() => new RkURL('http://a b/')).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_URL', input: 'http://a b/' }),
    );
  });
});

describe('where Node 20 (Ada 2.9.2) departs from the Standard, RkURL gives the Standard answer', () => {
  it('a reference against an opaque-path base fails unless it starts with #', () => {
    expect(() => new RkURL('x#y', 'mailto:a@b')).toThrow(TypeError);
    expect(() => new RkURL('?q#f', 'data:text/plain,x')).toThrow(TypeError);
    expect(new RkURL('#y', 'mailto:a@b').href).toBe('mailto:a@b#y');
  });

  it('".." on an empty non-special path leaves the empty segment', () => {
    expect(new RkURL('foo://h/..').href).toBe('foo://h/');
    expect(new RkURL('..', 'foo://h/p').pathname).toBe('/');
    expect(new RkURL('foo://h/a/..').href).toBe('foo://h/');
  });

  it('the port state under a setter stops at a non-digit and keeps the port', () => {
    const u = new RkURL('http://example.net:8080/path');
    u.port = 'a1';
    expect(u.port).toBe('8080');
    u.port = '\t';
    expect(u.port).toBe('8080');
    u.port = '81x';
    expect(u.port).toBe('81');
    u.host = 'example.com:stuff';
    expect(u.host).toBe('example.com:81');
  });

  it('host setters on non-special URLs: ":" after an empty host fails, an empty host is set', () => {
    const a = new RkURL('foo://h/p');
    a.host = ':1';
    expect(a.href).toBe('foo://h/p');
    const b = new RkURL('foo:/a/b');
    b.hostname = '';
    expect(b.href).toBe('foo:///a/b');
  });
});

const SETTERS = [
  'href',
  'protocol',
  'username',
  'password',
  'host',
  'hostname',
  'port',
  'pathname',
  'search',
  'hash',
] as const;

describe('URL setters equal Node', () => {
  it('on generated URLs and values', () => {
    const value = fc.oneof(
      urlString,
      host,
      relativeString,
      fc.constantFrom('', 'https', 'file', 'foo:', '8080', '80', ' x', '#a', '?b=c'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.constantFrom(...SETTERS),
        value,
        (start, setter, v) => {
          const n = new URL(start) as unknown as Record<string, string>;
          const m = new RkURL(start) as unknown as Record<string, string>;
          let nodeThrew = false;
          let mineThrew = false;
          try {
            n[setter] = v;
          } catch {
            nodeThrew = true;
          }
          try {
            m[setter] = v;
          } catch {
            mineThrew = true;
          }
          const known = adaDivergence(parts(n), parts(m), { base: start, setter, value: v });
          if (known === null)
            expect({ threw: mineThrew, ...parts(m) }).toEqual({ threw: nodeThrew, ...parts(n) });
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('search and searchParams stay bound both ways', () => {
    const u = new RkURL('http://a/p?x=1&y=2#f');
    u.searchParams.append('z', 'a b');
    expect(u.href).toBe('http://a/p?x=1&y=2&z=a+b#f');
    u.search = '?k=v';
    expect([...u.searchParams]).toEqual([['k', 'v']]);
    u.searchParams.delete('k');
    expect(u.href).toBe('http://a/p#f');
    const opaque = new RkURL('foo:p  ?q');
    opaque.searchParams.delete('q');
    expect(opaque.href).toBe(new URL('foo:p  ?q').href.replace(/ +\?q$/, ''));
  });

  it('is a TypeError for a receiver that is not a URL', () => {
    const get = Object.getOwnPropertyDescriptor(RkURL.prototype, 'href')!.get!;
    expect(() => get.call({})).toThrow(new TypeError('URL: the receiver is not a URL'));
  });
});
