// Domain to ASCII for special-scheme hosts (WHATWG URL §3.3 over UTS #46 ToASCII: non-transitional,
// CheckHyphens off, no STD3 rules) without the UTS #46 data tables. What is exact and what is refused:
// - ASCII domains: complete. Lower-cased; an "xn--" label must be valid Punycode decoding to a label
//   that the mapping below leaves unchanged (nothing disallowed, NFC, no leading combining mark).
// - Non-ASCII domains: mapped as NFKC, per-code-point lower case (U+1E9E to "ss"), the ideographic
//   full stops to ".", ignorable format characters dropped, NFC — which is what UTS #46 does for the
//   scripts in MAPPED (Latin, Greek, Cyrillic, Armenian, Georgian, Han, Kana, Hangul, emoji). Any other
//   non-ASCII code point (symbols NFKC would decompose, right-to-left scripts needing the Bidi rules,
//   joiners needing CONTEXTJ, non-ASCII digits) is refused with RkUrlIdnaError rather than guessed.
import { punycodeDecode, punycodeEncode } from './punycode';

/** A host the guest's URL cannot convert without the UTS #46 tables; a TypeError, as URL throws. */
export class RkUrlIdnaError extends TypeError {
  constructor(readonly label: string) {
    super(
      `URL: the host label "${label}" needs the full IDNA (UTS #46) mapping, which the guest's URL does not implement (Latin, Greek, Cyrillic, Armenian, Georgian, Han, Kana, Hangul letters and emoji are mapped; give other labels in ASCII, as xn--…)`,
    );
    this.name = 'TypeError';
  }
}

/** Letters whose UTS #46 mapping is NFKC plus lower case (with nonspacing marks and the specials). */
const MAPPED_LETTER =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Armenian}\p{Script=Georgian}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Extended_Pictographic}]$/u;
const MARK = /^\p{Mn}$/u;
const cps = (ranges: [number, number][]) =>
  new Set(ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
/** Code points UTS #46 maps to nothing (soft hyphen, zero-width space, word joiner, BOM, variation selectors). */
const IGNORED = cps([
  [0xad, 0xad],
  [0x200b, 0x200b],
  [0x2060, 0x2060],
  [0xfeff, 0xfeff],
  [0x180b, 0x180d],
  [0xfe00, 0xfe0f],
]);
const FULL_STOP = cps([
  [0x3002, 0x3002],
  [0xff0e, 0xff0e],
  [0xff61, 0xff61],
]);
const MAPPED = (c: string) => {
  const x = c.codePointAt(0)!;
  return MAPPED_LETTER.test(c) || MARK.test(c) || IGNORED.has(x) || FULL_STOP.has(x);
};
/** Drops ignored code points and turns the full stops into ".". */
const stops = (s: string) =>
  Array.from(s, (c) => {
    const x = c.codePointAt(0)!;
    return IGNORED.has(x) ? '' : FULL_STOP.has(x) ? '.' : c;
  }).join('');
/** Disallowed outright: controls, unassigned, private use, surrogates, U+FFFD. */
const DISALLOWED = /[\p{Cc}\p{Cn}\p{Co}\p{Cs}\ufffd]/u;
const NON_ASCII = /[\u0080-\uffff]/;
const isAscii = (s: string) => !NON_ASCII.test(s);

/** The mapping described in the header. @returns the mapped text, or null (disallowed). */
function map(s: string): string | null {
  let lower = '';
  for (const c of stops(s.normalize('NFKC'))) lower += c === '\u1e9e' ? 'ss' : c.toLowerCase();
  const out = stops(lower.normalize('NFKC')).normalize('NFC');
  return DISALLOWED.test(out) ? null : out;
}

/**
 * Maps a non-ASCII domain. @returns the mapped domain, or null (disallowed).
 * @throws RkUrlIdnaError for a code point outside MAPPED: NFKC alone may turn it into something
 * UTS #46 disallows (U+2488 "⒈" becomes "1."), so it is refused before mapping.
 */
function mapDomain(domain: string): string | null {
  for (const c of domain) {
    if (c.charCodeAt(0) < 0x80 || MAPPED(c)) continue;
    if (DISALLOWED.test(c)) return null;
    throw new RkUrlIdnaError(
      stops(domain)
        .split('.')
        .find((l) => l.includes(c)) ?? domain,
    );
  }
  return map(domain);
}

/** A mapped label is valid when NFC, not led by a combining mark and free of anything mapping changes. */
function validLabel(label: string): boolean {
  if (label === '' || label.includes('.') || /^\p{M}/u.test(label) || /\p{Z}/u.test(label))
    return false;
  return map(label) === label;
}

/**
 * Domain to ASCII with beStrict = false. @returns the ASCII domain, or null (the URL fails to parse).
 * @throws RkUrlIdnaError for a non-ASCII code point outside the mapped scripts (see the header).
 */
export function domainToAscii(domain: string): string | null {
  const mapped = isAscii(domain) ? domain.toLowerCase() : mapDomain(domain);
  if (mapped === null) return null;
  const labels = mapped.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label.startsWith('xn--')) {
      const decoded = punycodeDecode(label.slice(4));
      // An all-ASCII decoding ("xn--ab-" is "ab") is kept as written, as UTS #46 processing does.
      if (decoded === null || (!isAscii(decoded) && !validLabel(decoded))) return null;
      if (decoded === '') return null;
      continue;
    }
    if (isAscii(label)) continue;
    if (!validLabel(label)) return null;
    const encoded = punycodeEncode(label);
    if (encoded === null) return null;
    labels[i] = `xn--${encoded}`;
  }
  const out = labels.join('.');
  return out === '' ? null : out;
}
