// The host parser and serializer (WHATWG URL §3.5, §3.6): IPv6 in brackets, opaque hosts of
// non-special schemes, and domains (percent-decoded, IDNA, IPv4 when the last label is a number).
import { utf8Decode } from '@runikraft/fdt';
import { domainToAscii } from './idna';
import { endsInANumber, parseIpv4, parseIpv6, serializeIpv4, serializeIpv6 } from './ip';
import { C0_CONTROL, percentDecode, percentEncode } from './percent';

/** Forbidden host code points (opaque hosts may not contain them). */
const FORBIDDEN_HOST = new Set(Array.from('\0\t\n\r #/:<>?@[\\]^|', (c) => c.charCodeAt(0)));
const forbiddenHost = (s: string) => Array.from(s).some((c) => FORBIDDEN_HOST.has(c.charCodeAt(0)));
/** Forbidden domain code points: the host set, C0 controls, % and DEL. */
const forbiddenDomain = (s: string) =>
  Array.from(s).some((c) => {
    const x = c.charCodeAt(0);
    return x <= 0x20 || x === 0x25 || x === 0x7f || FORBIDDEN_HOST.has(x);
  });

/**
 * Parses `input` as a host and returns its serialisation ('' for an empty opaque host).
 * @returns the serialized host, or null (failure).
 * @throws RkUrlIdnaError for a non-ASCII domain label outside what idna.ts maps.
 */
export function parseHost(input: string, special: boolean): string | null {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) return null;
    const a = parseIpv6(input.slice(1, -1));
    return a === null ? null : `[${serializeIpv6(a)}]`;
  }
  if (!special) {
    if (forbiddenHost(input)) return null;
    return percentEncode(input, C0_CONTROL);
  }
  const domain = utf8Decode(percentDecode(input));
  const ascii = domainToAscii(domain);
  if (ascii === null || ascii === '' || forbiddenDomain(ascii)) return null;
  if (endsInANumber(ascii)) {
    const v4 = parseIpv4(ascii);
    return v4 === null ? null : serializeIpv4(v4);
  }
  return ascii;
}
