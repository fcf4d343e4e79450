// fast-check generators of URL-ish strings that reach every parser state, for differential tests
// against Node's URL (the oracle; only tests use it, never the guest code).
import fc from 'fast-check';

const pick = (xs: string[]) => fc.constantFrom(...xs);
const text = (chars: string[], maxLength = 6) =>
  fc.array(pick(chars), { maxLength }).map((a) => a.join(''));

/** Letters the IDNA mapping covers (so a differential test never expects RkUrlIdnaError). */
export const MAPPED_NON_ASCII = [
  'ü',
  'Ü',
  'ß',
  'ẞ',
  'ſ',
  'Ö',
  'é',
  'Ω',
  'ς',
  'Σ',
  'д',
  'Д',
  '日本',
  'ｶ',
  'Ａ',
  '。',
  '\u00ad',
  'ﬁ',
  '💩',
];

const SCHEMES = [
  'http:',
  'https:',
  'HTTP:',
  'ws:',
  'wss:',
  'ftp:',
  'file:',
  'FILE:',
  'foo:',
  'mailto:',
  'blob:',
  'data:',
  'javascript:',
  'a+b-c.d:',
  '1a:',
  '',
];
const SLASHES = ['', '/', '//', '///', '\\\\', '/\\', '\\/', '////'];
const LABEL_CHARS = [
  'a',
  'b',
  'X',
  '0',
  '1',
  '9',
  '-',
  '_',
  '.',
  '%41',
  '%2e',
  '%zz',
  '%',
  '~',
  '!',
  'xn--',
  ' ',
  '^',
  '|',
  '*',
  '\u0000',
  '\u001f',
  ...MAPPED_NON_ASCII,
];
const PATH_CHARS = [
  'a',
  'Z',
  '0',
  '.',
  '..',
  '%2e',
  '%2E',
  '%',
  '%41',
  '/',
  '\\',
  ' ',
  '"',
  '<',
  '>',
  '`',
  '{',
  '}',
  '|',
  '^',
  "'",
  '[',
  ']',
  ':',
  ';',
  '=',
  '@',
  'é',
  '😀',
  '\ud800',
  '\t',
  '\n',
  'C:',
  'c|',
  '\u007f',
];
const QUERY_CHARS = [
  'a',
  '=',
  '&',
  '+',
  ' ',
  '"',
  "'",
  '#',
  '<',
  '>',
  '%',
  '%20',
  '%zz',
  '?',
  '/',
  'é',
  '\ud83d',
  '`',
  '{',
];

const hex = fc.integer({ min: 0, max: 0x1ffff }).map((n) => n.toString(16));
const ipv4 = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.integer({ min: 0, max: 0x1ff }).map((n) => `0x${n.toString(16)}`),
      fc.integer({ min: 0, max: 0o777 }).map((n) => `0${n.toString(8)}`),
      fc.constantFrom('4294967295', '4294967296', '0x', '09', '08', ''),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((p) => p.join('.'));
const ipv6 = fc
  .tuple(
    fc.array(hex, { maxLength: 9 }),
    fc.nat(9),
    fc.boolean(),
    fc.constantFrom('', '1.2.3.4', '255.255.255.255', '1.2.3', '01.2.3.4', '256.1.1.1'),
  )
  .map(([pieces, at, compress, v4]) => {
    const ps = pieces.map(String);
    if (compress) ps.splice(Math.min(at, ps.length), 0, '');
    let s = ps.join(':');
    if (compress && s.startsWith(':')) s = `:${s}`;
    if (compress && s.endsWith(':')) s = `${s}:`;
    if (v4) s = s === '' ? v4 : `${s}:${v4}`;
    return `[${s}]`;
  });

/** A host: domains (with IDNA letters), IPv4 in any radix, IPv6 with compression and IPv4 tails. */
export const host = fc.oneof(text(LABEL_CHARS, 8), ipv4, ipv6);

/** A URL-ish string built from scheme, slashes, userinfo, host, port, path, query and fragment. */
export const urlString = fc
  .tuple(
    pick(SCHEMES),
    pick(SLASHES),
    fc.option(
      text(['u', ':', '@', '%', ' ', 'é', '/'], 4).map((s) => `${s}@`),
      { nil: '' },
    ),
    host,
    fc.option(
      fc
        .oneof(
          fc.nat(70000).map(String),
          pick(['', '080', '65536', '99999999', 'a', '443', '80', '21']),
        )
        .map((p) => `:${p}`),
      { nil: '' },
    ),
    text(PATH_CHARS, 8),
    fc.option(
      text(QUERY_CHARS, 6).map((q) => `?${q}`),
      { nil: '' },
    ),
    fc.option(
      text([...QUERY_CHARS, '#'], 4).map((f) => `#${f}`),
      { nil: '' },
    ),
    pick(['', ' ', '\t', '\u0001', '  \n']),
  )
  .map(
    ([s, sl, ui, h, port, path, q, f, pad]) =>
      `${pad}${s}${sl}${ui}${h}${port}${path}${q}${f}${pad}`,
  );

/** A relative reference (or an absolute one) to resolve against a base. */
export const relativeString = fc.oneof(
  urlString,
  text([...PATH_CHARS, '?', '#', '//', 'h'], 8),
  pick([
    '',
    '.',
    '..',
    '/',
    '//',
    '?',
    '#',
    'C:',
    '/C:/x',
    'c|/y',
    '\\\\s\\x',
    '//h/p',
    '../../..',
    '#frag',
  ]),
);

/** Bases covering special, file (with drive letters and hosts), non-special and opaque-path URLs. */
export const BASES = [
  'http://user:pw@example.com:8080/a/b/c?q=1#f',
  'https://example.org/',
  'file:///C:/dir/file.txt',
  'file://server/share/x',
  'file:///',
  'foo://h/p/q?x',
  'foo:/a/b',
  'mailto:someone@example.org',
  'data:text/plain,x',
];

/** Names and values for URLSearchParams (form-encoding specials, non-ASCII, a lone surrogate). */
export const formText = text(
  ['a', 'b', '=', '&', '+', ' ', '%', '%20', '%zz', '?', 'é', '😀', '\ud800', '~', '*', "'", '!'],
  4,
);
