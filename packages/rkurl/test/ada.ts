// Where Node 20's URL (Ada 2.9.2) departs from the WHATWG URL Standard, which RkURL follows: each
// known divergence is recognised narrowly here, and pinned to the Standard's answer in url.test.ts.

/** The parts a differential test compares. */
export interface Parts {
  href: string;
  origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  params: [string, string][];
}
export type Outcome = Parts | 'invalid';

const SPECIAL = ['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:'];
const OPAQUE_BASES = /^(mailto|data|javascript):/;
const same = (a: Parts, b: Parts, except: (keyof Parts)[]) =>
  (Object.keys(a) as (keyof Parts)[]).every(
    (k) => except.includes(k) || JSON.stringify(a[k]) === JSON.stringify(b[k]),
  );

/**
 * Names the known Ada divergence that explains `node` ≠ `mine` for parsing `input` against `base`
 * (after `setter` = `value` when given), or returns null when none does (then it is a bug).
 */
export function adaDivergence(
  node: Outcome,
  mine: Outcome,
  c: { input?: string; base?: string; setter?: string; value?: string },
): string | null {
  // Ada resolves a reference that is not a fragment against an opaque-path base when a '#' follows.
  if (
    mine === 'invalid' &&
    node !== 'invalid' &&
    c.base !== undefined &&
    OPAQUE_BASES.test(c.base) &&
    c.input?.includes('#') &&
    !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(c.input.replace(/^[^!-~]+/, ''))
  )
    return 'opaque base, # later in the input';
  if (node === 'invalid' || mine === 'invalid') return null;
  // Standard: ".." on an already empty path of a non-special URL leaves [""] ("/"); Ada leaves [].
  if (
    !SPECIAL.includes(mine.protocol) &&
    mine.pathname.endsWith('/') &&
    node.pathname === mine.pathname.slice(0, -1) &&
    same(node, mine, ['href', 'pathname'])
  )
    return 'non-special "..": empty path';
  // Standard: the port state under a setter stops at a non-digit and keeps the port; Ada clears it.
  if (
    (c.setter === 'port' || c.setter === 'host') &&
    node.port === '' &&
    mine.port !== '' &&
    same(node, mine, ['href', 'origin', 'host', 'port'])
  )
    return 'setter port: non-digit keeps the port';
  if ((c.setter === 'host' || c.setter === 'hostname') && !SPECIAL.includes(mine.protocol)) {
    // Standard: an empty host before ':' makes the setter fail; Ada sets the empty host.
    if (
      (c.value ?? '').replace(/[\t\n\r]/g, '').startsWith(':') &&
      node.hostname === '' &&
      same(node, mine, ['href', 'host', 'hostname'])
    )
      return 'setter host: ":" after an empty host';
    // Standard: an empty host is set on a URL that had none ("foo:/p" → "foo:///p"); Ada keeps none.
    if (
      node.href === c.base &&
      mine.hostname === '' &&
      mine.href === c.base?.replace(/^([a-z][a-z0-9+.-]*:)/, '$1//')
    )
      return 'setter host: empty host on a URL without one';
  }
  return null;
}
