// Changing directory blocks: inserting an entry where a record has slack, removing one (merged into
// its predecessor), retargeting one (rename over, ".."), formatting fresh blocks, and splitting a
// full hash-index leaf in two (sorted by hash, the upper half to a new block, a new index entry).
import {
  DIRENT_TAIL_SIZE,
  direntSize,
  hasTail,
  recLen,
  sealLeaf,
  setRecLen,
  walkLeaf,
} from './dir';
import { type DxNode, dxCsum } from './htree';
import { set16, set32, u8, u16, u32 } from './le';

/** What a directory block change needs to know about the volume. */
export interface DirGeom {
  blockSize: number;
  filetype: boolean;
  csum: boolean;
  maxIno: number;
}

/** Where entries end in a leaf block (before the checksum tail, if any). */
export const leafEnd = (b: Uint8Array, g: DirGeom) =>
  g.csum || hasTail(b, g.blockSize) ? g.blockSize - DIRENT_TAIL_SIZE : g.blockSize;

function putEntry(
  b: Uint8Array,
  off: number,
  rl: number,
  ino: number,
  name: Uint8Array,
  ft: number,
  g: DirGeom,
) {
  set32(b, off, ino);
  setRecLen(b, off, rl, g.blockSize);
  if (g.filetype) {
    b[off + 6] = name.length;
    b[off + 7] = ft;
  } else set16(b, off + 6, name.length);
  b.set(name, off + 8);
}

/** Formats an empty leaf (one unused record spanning it, plus the tail). */
export function formatLeaf(b: Uint8Array, g: DirGeom, seed: number): void {
  b.fill(0);
  const end = g.csum ? g.blockSize - DIRENT_TAIL_SIZE : g.blockSize;
  setRecLen(b, 0, end, g.blockSize);
  if (g.csum) sealLeaf(seed, b, g.blockSize);
}

/**
 * Puts `name` → `ino` into the leaf `b` if a record has room. Re-seals the block.
 * @returns true when inserted, false when the block is full, or a corruption message.
 */
export function insertInLeaf(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  name: Uint8Array,
  ino: number,
  ft: number,
): boolean | string {
  const need = direntSize(name.length);
  let done = false;
  const bad = walkLeaf(b, leafEnd(b, g), g.blockSize, g.filetype, g.maxIno, (d) => {
    const used = d.ino === 0 ? 0 : direntSize(d.nameLen);
    if (d.recLen - used < need) return true;
    if (used === 0) putEntry(b, d.off, d.recLen, ino, name, ft, g);
    else {
      setRecLen(b, d.off, used, g.blockSize);
      putEntry(b, d.off + used, d.recLen - used, ino, name, ft, g);
    }
    done = true;
    return false;
  });
  if (bad) return bad;
  if (done && g.csum) sealLeaf(seed, b, g.blockSize);
  return done;
}

/** Removes the entry at `off` (merging it into the previous record of the block). */
export function removeFromLeaf(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  off: number,
): string | null {
  let prev = -1;
  let found = false;
  const bad = walkLeaf(b, leafEnd(b, g), g.blockSize, g.filetype, g.maxIno, (d) => {
    if (d.off === off) {
      found = true;
      return false;
    }
    prev = d.off;
    return true;
  });
  if (bad) return bad;
  if (!found) return `no entry at ${off}`;
  if (prev >= 0)
    setRecLen(b, prev, recLen(b, prev, g.blockSize) + recLen(b, off, g.blockSize), g.blockSize);
  else set32(b, off, 0);
  if (g.csum) sealLeaf(seed, b, g.blockSize);
  return null;
}

/** Points the entry at `off` to `ino` (file type `ft`). */
export function retarget(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  off: number,
  ino: number,
  ft: number,
): void {
  set32(b, off, ino);
  if (g.filetype) b[off + 7] = ft;
  if (g.csum) sealLeaf(seed, b, g.blockSize);
}

/** Live entries of a leaf, with their names and hashes (for a split). */
export interface LiveEntry {
  ino: number;
  ft: number;
  name: Uint8Array;
  hash: number;
}

export function liveEntries(
  b: Uint8Array,
  g: DirGeom,
  hash: (n: Uint8Array) => number,
): LiveEntry[] | string {
  const out: LiveEntry[] = [];
  const bad = walkLeaf(b, leafEnd(b, g), g.blockSize, g.filetype, g.maxIno, (d) => {
    if (d.ino === 0) return true;
    const name = b.slice(d.off + 8, d.off + 8 + d.nameLen);
    out.push({ ino: d.ino, ft: g.filetype ? u8(b, d.off + 7) : 0, name, hash: hash(name) });
    return true;
  });
  return bad ?? out;
}

/** Writes `entries` packed into the fresh leaf `b`. */
export function packLeaf(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  entries: readonly LiveEntry[],
): void {
  b.fill(0);
  const end = g.csum ? g.blockSize - DIRENT_TAIL_SIZE : g.blockSize;
  let off = 0;
  entries.forEach((e, i) => {
    const rl = i === entries.length - 1 ? end - off : direntSize(e.name.length);
    putEntry(b, off, rl, e.ino, e.name, e.ft, g);
    off += rl;
  });
  if (entries.length === 0) setRecLen(b, 0, end, g.blockSize);
  if (g.csum) sealLeaf(seed, b, g.blockSize);
}

/** Inserts index entry {hash, block} after position `at` of node `n` in `b`, re-checksumming it. */
export function dxInsert(
  b: Uint8Array,
  n: DxNode,
  at: number,
  hash: number,
  block: number,
  seed: number,
  csum: boolean,
): void {
  const base = n.countOff;
  for (let i = n.count - 1; i > at; i--)
    b.copyWithin(base + (i + 1) * 8, base + i * 8, base + i * 8 + 8);
  set32(b, base + (at + 1) * 8, hash);
  set32(b, base + (at + 1) * 8 + 4, block);
  n.count++;
  set16(b, base + 2, n.count);
  if (csum) {
    const t = base + n.limit * 8;
    set32(b, t, 0);
    set32(b, t + 4, dxCsum(seed, b, n));
  }
}

export const dxCount = (b: Uint8Array, n: DxNode) => u16(b, n.countOff + 2);
export const u32At = u32;
