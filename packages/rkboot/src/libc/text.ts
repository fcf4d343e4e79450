// TextEncoder and TextDecoder for the guest realm: UTF-8 only, pure code (WHATWG Encoding §8/§9 subset).
import { utf8Decode, utf8Encode } from '@runikraft/fdt';

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/** WHATWG TextEncoder: encodes strings as UTF-8 (lone surrogates become U+FFFD). */
export class RkTextEncoder {
  readonly encoding = 'utf-8';

  /** @returns the UTF-8 bytes of `input`. */
  encode(input = ''): Uint8Array {
    return utf8Encode(String(input));
  }

  /** Encodes `source` into `dest`, whole code points only. @returns code units read and bytes written. */
  encodeInto(source: string, dest: Uint8Array): { read: number; written: number } {
    let read = 0;
    let written = 0;
    for (const ch of String(source)) {
      const b = utf8Encode(ch);
      if (written + b.length > dest.length) break;
      dest.set(b, written);
      written += b.length;
      read += ch.length;
    }
    return { read, written };
  }
}

/** WHATWG TextDecoder for UTF-8: invalid sequences become U+FFFD; `fatal` is refused (not implemented). */
export class RkTextDecoder {
  readonly encoding = 'utf-8';
  readonly fatal = false;
  readonly ignoreBOM: boolean;

  /** @throws RangeError for a label other than UTF-8's or `fatal: true`. */
  constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    if (!UTF8_LABELS.has(String(label).trim().toLowerCase()))
      throw new RangeError(
        `TextDecoder: encoding '${label}' is not supported (the guest has UTF-8 only)`,
      );
    if (options.fatal)
      throw new RangeError(
        'TextDecoder: fatal mode is not supported in the guest (invalid bytes become U+FFFD)',
      );
    this.ignoreBOM = options.ignoreBOM === true;
  }

  /** @returns the text of `input` (a typed array, DataView or ArrayBuffer). */
  decode(input?: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): string {
    if (input === undefined) return '';
    const b = ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    const bom = !this.ignoreBOM && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
    return utf8Decode(b, bom ? 3 : 0);
  }
}
