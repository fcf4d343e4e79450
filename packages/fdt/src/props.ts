// Typed property decoders (libfdt fdt_getprop + fdt32_to_cpu, fdt_stringlist_*): each rejects a wrong length.

import { be32, be64, utf8Decode } from './bytes';
import { FdtError } from './error';
import type { FdtNode, FdtProp } from './node';

function where(node: FdtNode, p: FdtProp): string {
  return `${node.path}:${p.name}`;
}

/** Decodes a 4-byte property. */
export function propU32(node: FdtNode, p: FdtProp): number {
  if (p.value.length !== 4)
    throw new FdtError(
      where(node, p),
      p.offset,
      `expected 4 bytes (one cell), found ${p.value.length}`,
    );
  return be32(p.value, 0);
}

/** Decodes an 8-byte property as a bigint. */
export function propU64(node: FdtNode, p: FdtProp): bigint {
  if (p.value.length !== 8)
    throw new FdtError(
      where(node, p),
      p.offset,
      `expected 8 bytes (two cells), found ${p.value.length}`,
    );
  return be64(p.value, 0);
}

/** Decodes a 4- or 8-byte property as a number (throws when it exceeds 2^53 - 1). */
export function propNumber(node: FdtNode, p: FdtProp): number {
  if (p.value.length === 4) return be32(p.value, 0);
  if (p.value.length === 8) return toSafe(be64(p.value, 0), where(node, p), p.offset);
  throw new FdtError(where(node, p), p.offset, `expected 4 or 8 bytes, found ${p.value.length}`);
}

/** Decodes a property as u32 cells (length must be a multiple of 4). */
export function propCells(node: FdtNode, p: FdtProp): number[] {
  if (p.value.length % 4 !== 0)
    throw new FdtError(
      where(node, p),
      p.offset,
      `length ${p.value.length} is not a multiple of 4 (cells)`,
    );
  const out: number[] = [];
  for (let i = 0; i < p.value.length; i += 4) out.push(be32(p.value, i));
  return out;
}

/** Decodes a list of NUL-terminated strings (every one, including the last, must be terminated). */
export function propStringList(node: FdtNode, p: FdtProp): string[] {
  const v = p.value;
  if (!v.length) throw new FdtError(where(node, p), p.offset, 'empty value is not a string');
  if (v[v.length - 1] !== 0)
    throw new FdtError(where(node, p), p.offset, 'string value is not NUL-terminated');
  const out: string[] = [];
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0) {
      out.push(utf8Decode(v, s, i));
      s = i + 1;
    }
  }
  return out;
}

/** Decodes exactly one NUL-terminated string. */
export function propString(node: FdtNode, p: FdtProp): string {
  const list = propStringList(node, p);
  if (list.length !== 1)
    throw new FdtError(where(node, p), p.offset, `expected one string, found ${list.length}`);
  return list[0];
}

/** Converts a bigint to a number or throws a precise error. */
export function toSafe(v: bigint, field: string, offset: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new FdtError(field, offset, `value 0x${v.toString(16)} exceeds 2^53 - 1`);
  return Number(v);
}
