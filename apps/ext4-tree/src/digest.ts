// What ext4-tree prints for a file's data: crc32c of the whole file, or for files over 64 MiB (sparse
// giants) of 8 KiB windows at fixed places — both sides of the 4 GiB line and the end — so a 5 GiB
// file is checked where its data and its hole boundaries are without reading 5 GiB of zeros.
import { crc32c } from '@runikraft/ext4';

/** [offset, length] of the windows digested for a file of `size` bytes. */
export function windows(size: number): [number, number][] {
  if (size <= 64 << 20) return [[0, size]];
  const at = [0, 2 ** 32 - 4096, 2 ** 32, size - 8192];
  return at.filter((a) => a < size).map((a) => [a, Math.min(8192, size - a)]);
}

/** The digest line part for data chunks (one crc32c per window, hex, comma-separated). */
export function digest(chunks: Uint8Array[]): string {
  return chunks.map((c) => crc32c(0xffffffff, c).toString(16).padStart(8, '0')).join(',');
}
