// The tree p9share copies: empty, 1-byte, page-sized, msize ± 1 and 3 MB files, nesting, an empty
// directory and a symlink; and a byte-for-byte comparison of two trees.
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Makes `dir/in`. @returns path → SHA-256 of every regular file. */
export function makeTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  mkdirSync(join(dir, 'in', 'a', 'b'), { recursive: true });
  mkdirSync(join(dir, 'in', 'empty'));
  const sizes: [string, number][] = [
    ['zero', 0],
    ['one', 1],
    ['a/page', 4096],
    ['a/b/msize-1', 512 * 1024 - 25],
    ['a/b/msize+1', 512 * 1024 - 23],
    ['a/big', 3_000_017],
  ];
  for (const [p, n] of sizes) {
    const b = new Uint8Array(n).map((_, i) => (i * 2654435761 + n) >>> 24);
    writeFileSync(join(dir, 'in', p), b);
    files.set(p, sha(b));
  }
  symlinkSync('a/page', join(dir, 'in', 'link'));
  return files;
}

/** Expects `b` to hold the same names, symlinks and file bytes as `a`, recursively. */
export function sameTree(a: string, b: string): void {
  expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
  for (const d of readdirSync(a, { withFileTypes: true })) {
    const pa = join(a, d.name);
    const pb = join(b, d.name);
    if (d.isDirectory()) sameTree(pa, pb);
    else if (d.isSymbolicLink()) expect(readlinkSync(pb)).toBe(readlinkSync(pa));
    else expect(sha(readFileSync(pb))).toBe(sha(readFileSync(pa)));
  }
}
