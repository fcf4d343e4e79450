// Percent-encoding (WHATWG URL §1.3): the encode sets as predicates over code points, UTF-8 percent-encode
// and percent-decode. Pure code: the guest has no host URL or TextEncoder.
import { utf8Encode } from '@runikraft/fdt';

/** A percent-encode set: true when the code point must be encoded. */
export type EncodeSet = (cp: number) => boolean;

const has = (chars: string): ((cp: number) => boolean) => {
  const set = new Set(Array.from(chars, (c) => c.charCodeAt(0)));
  return (cp) => set.has(cp);
};

/** C0 controls and everything above U+007E. */
export const C0_CONTROL: EncodeSet = (cp) => cp < 0x20 || cp > 0x7e;
const fragmentExtra = has(' "<>`');
/** Fragment: C0 control set and space " < > `. */
export const FRAGMENT: EncodeSet = (cp) => C0_CONTROL(cp) || fragmentExtra(cp);
const queryExtra = has(' "#<>');
/** Query: C0 control set and space " # < >. */
export const QUERY: EncodeSet = (cp) => C0_CONTROL(cp) || queryExtra(cp);
/** Special-query: the query set and '. */
export const SPECIAL_QUERY: EncodeSet = (cp) => QUERY(cp) || cp === 0x27;
const pathExtra = has('?`{}');
/** Path: the query set and ? ` { }. */
export const PATH: EncodeSet = (cp) => QUERY(cp) || pathExtra(cp);
const userinfoExtra = has('/:;=@[\\]^|');
/** Userinfo: the path set and / : ; = @ [ \ ] ^ |. */
export const USERINFO: EncodeSet = (cp) => PATH(cp) || userinfoExtra(cp);
const componentExtra = has('$%&+,');
/** Component: the userinfo set and $ % & + ,. */
export const COMPONENT: EncodeSet = (cp) => USERINFO(cp) || componentExtra(cp);
const formExtra = has("!'()~");
/** application/x-www-form-urlencoded: the component set and ! ' ( ) ~ (space is handled apart). */
export const FORM: EncodeSet = (cp) => COMPONENT(cp) || formExtra(cp);

const HEX = '0123456789ABCDEF';

/** "%XX" for one byte, upper-case hex. */
export function percentByte(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

/**
 * UTF-8 percent-encodes one code point (given as its string) when `set` holds it; lone surrogates are
 * encoded as U+FFFD, as the UTF-8 encoder does. `spaceAsPlus` is the form encoding's special case.
 */
export function encodeCodePoint(c: string, set: EncodeSet, spaceAsPlus = false): string {
  const cp = c.codePointAt(0)!;
  if (spaceAsPlus && cp === 0x20) return '+';
  if (!set(cp)) return c;
  let out = '';
  for (const b of utf8Encode(c)) out += percentByte(b);
  return out;
}

/** UTF-8 percent-encodes every code point of `s` that `set` holds. */
export function percentEncode(s: string, set: EncodeSet, spaceAsPlus = false): string {
  let out = '';
  for (const c of s) out += encodeCodePoint(c, set, spaceAsPlus);
  return out;
}

const hexValue = (b: number): number =>
  b >= 0x30 && b <= 0x39
    ? b - 0x30
    : b >= 0x41 && b <= 0x46
      ? b - 0x37
      : b >= 0x61 && b <= 0x66
        ? b - 0x57
        : -1;

/** Percent-decodes bytes: "%XX" with two hex digits becomes the byte; anything else stays. */
export function percentDecodeBytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === 0x25 && i + 2 < input.length) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Percent-decodes the UTF-8 encoding of `s`. */
export function percentDecode(s: string): Uint8Array {
  return percentDecodeBytes(utf8Encode(s));
}
