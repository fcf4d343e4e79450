// Encoders for property values (libfdt fdt_setprop_u32/u64/string and QEMU's qemu_fdt_setprop_string_array).

import { cellsToBytes, putBe32, utf8Encode } from './bytes';
import { FdtError } from './error';

/** Checks that `v` is a u32 and returns it. */
export function checkU32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new FdtError(field, -1, `${v} is not a u32 cell value`);
  return v;
}

/** Big-endian cells. */
export function encodeCells(cells: readonly number[], field: string): Uint8Array {
  for (const c of cells) checkU32(c, field);
  return cellsToBytes(cells);
}

/** Checks that `v` is a u64 (a safe non-negative integer or a bigint) and returns it as a bigint. */
export function toU64(v: number | bigint, field: string): bigint {
  const b = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v) : -1n;
  if (b < 0n || b > 0xffffffffffffffffn) throw new FdtError(field, -1, `${v} is not a u64 value`);
  return b;
}

/** One big-endian u64 (two cells). */
export function encodeU64(v: number | bigint, field: string): Uint8Array {
  const b = toU64(v, field);
  const out = new Uint8Array(8);
  putBe32(out, 0, Number(b >> 32n));
  putBe32(out, 4, Number(b & 0xffffffffn));
  return out;
}

/** NUL-terminated strings, concatenated (a string list; one element for a plain string). */
export function encodeStrings(list: readonly string[], field: string): Uint8Array {
  const parts = list.map((s) => {
    if (s.includes('\0')) throw new FdtError(field, -1, 'a string value cannot contain NUL');
    return utf8Encode(s);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length + 1;
  }
  return out;
}

/** Validates a node or property name the way the reader does (printable ASCII, no '/', non-empty). */
export function checkName(name: string, what: 'node' | 'property', field: string): void {
  if (!name.length) throw new FdtError(field, -1, `empty ${what} name`);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x2f)
      throw new FdtError(
        field,
        -1,
        `${what} name "${name}" has invalid character 0x${c.toString(16)}`,
      );
  }
}
