// Changing directory blocks: inserting an entry where a record has slack, removing one (merged into
// its predecessor), retargeting one (rename over, ".."), formatting fresh leaves, packing the two
// halves of a split leaf, and writing hash-index nodes (root and interior) from lists of entries.
import {
  DIRENT_TAIL_SIZE,
  direntSize,
  hasTail,
  recLen,
  sealLeaf,
  setRecLen,
  walkLeaf,
} from './dir';
import { DX_ROOT_INFO, type DxNode, dxCsum } from './htree';
import { set16, set32, u8, u32 } from './le';

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

/** One index entry: entry 0's hash is unused (its slot holds the node's count and limit). */
export interface DxEntry {
  hash: number;
  block: number;
}

/** Index entries a node of `blockSize` holds behind `countOff` (less the checksum tail). */
export const dxLimit = (g: DirGeom, countOff: number) =>
  (g.blockSize - countOff - (g.csum ? 8 : 0)) / 8;

/** The entries of the index node `n` in `b`. */
export function dxEntries(b: Uint8Array, n: DxNode): DxEntry[] {
  const out: DxEntry[] = [];
  for (let i = 0; i < n.count; i++)
    out.push({
      hash: i === 0 ? 0 : u32(b, n.countOff + i * 8),
      block: u32(b, n.countOff + i * 8 + 4),
    });
  return out;
}

/** Writes count, limit and `entries` at `countOff` of `b`, then the checksum tail (metadata_csum). */
export function dxStore(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  countOff: number,
  entries: readonly DxEntry[],
): void {
  const limit = dxLimit(g, countOff);
  b.fill(0, countOff, countOff + limit * 8);
  entries.forEach((e, i) => {
    if (i > 0) set32(b, countOff + i * 8, e.hash);
    set32(b, countOff + i * 8 + 4, e.block);
  });
  set16(b, countOff, limit);
  set16(b, countOff + 2, entries.length);
  if (g.csum) {
    const t = countOff + limit * 8;
    set32(b, t, 0);
    set32(b, t + 4, dxCsum(seed, b, { countOff, count: entries.length, limit }));
  }
}

/** Formats an interior index node: one empty record spanning the block, then the entries. */
export function formatDxNode(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  entries: readonly DxEntry[],
): void {
  b.fill(0);
  setRecLen(b, 0, g.blockSize, g.blockSize);
  dxStore(b, g, seed, 8, entries);
}

/**
 * Formats the index root of a directory (make_indexed_dir): "." and ".." (the latter spanning the
 * block, as Linux writes it), the root info and the entries.
 */
export function formatDxRoot(
  b: Uint8Array,
  g: DirGeom,
  seed: number,
  dot: { ino: number; ft: number },
  dotdot: { ino: number; ft: number },
  hashVersion: number,
  levels: number,
  entries: readonly DxEntry[],
): void {
  b.fill(0);
  putEntry(b, 0, 12, dot.ino, Uint8Array.of(0x2e), dot.ft, g);
  putEntry(b, 12, g.blockSize - 12, dotdot.ino, Uint8Array.of(0x2e, 0x2e), dotdot.ft, g);
  setDxRootInfo(b, hashVersion, levels);
  dxStore(b, g, seed, DX_ROOT_INFO + 8, entries);
}

/** The root info: reserved word, hash version, info length 8, indirect levels, flags. */
export function setDxRootInfo(b: Uint8Array, hashVersion: number, levels: number): void {
  set32(b, DX_ROOT_INFO, 0);
  b[DX_ROOT_INFO + 4] = hashVersion;
  b[DX_ROOT_INFO + 5] = 8;
  b[DX_ROOT_INFO + 6] = levels;
  b[DX_ROOT_INFO + 7] = 0;
}
