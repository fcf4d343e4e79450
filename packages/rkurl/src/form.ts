// application/x-www-form-urlencoded (WHATWG URL §5): the parser and serializer URLSearchParams uses.
import { utf8Decode, utf8Encode } from '@runikraft/fdt';
import { FORM, percentDecodeBytes, percentEncode } from './percent';

/** A name-value list. */
export type FormList = [string, string][];

/** Parses `input` (its UTF-8 bytes): &-separated, first '=' splits, '+' is a space, %XX a byte. */
export function parseForm(input: string): FormList {
  const bytes = utf8Encode(input);
  const out: FormList = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    const seq = bytes.slice(start, i);
    start = i + 1;
    if (seq.length === 0) continue;
    for (let k = 0; k < seq.length; k++) if (seq[k] === 0x2b) seq[k] = 0x20;
    const eq = seq.indexOf(0x3d);
    const name = eq < 0 ? seq : seq.subarray(0, eq);
    const value = eq < 0 ? seq.subarray(seq.length) : seq.subarray(eq + 1);
    out.push([utf8Decode(percentDecodeBytes(name)), utf8Decode(percentDecodeBytes(value))]);
  }
  return out;
}

/** Serializes a list: names and values form-encoded (space as '+'), pairs joined by '&'. */
export function serializeForm(list: FormList): string {
  return list
    .map(([n, v]) => `${percentEncode(n, FORM, true)}=${percentEncode(v, FORM, true)}`)
    .join('&');
}

/** A USVString: lone surrogates become U+FFFD (WebIDL conversion of every URL API string). */
export function toUSVString(v: unknown): string {
  const s = String(v);
  return /[\ud800-\udfff]/.test(s)
    ? s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g, (m) =>
        m.length === 2 ? m : '\ufffd',
      )
    : s;
}
