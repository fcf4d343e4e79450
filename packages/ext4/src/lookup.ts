// Name lookup in a directory: through the hash index when the directory has one (dx_probe, then the
// leaf and any following leaves that continue the same hash), otherwise a linear scan of every block.

import { DIRENT_TAIL_SIZE, hasTail, walkLeaf } from './dir';
import { dxHash } from './hash';
import {
  DX_ROOT_INFO,
  type DxNode,
  dxBlockAt,
  dxFind,
  dxHashAt,
  parseDxNode,
  parseDxRoot,
} from './htree';
import type { Ext4Inode } from './inode';
import { u8 } from './le';
import { sameBytes } from './text';
import type { Ext4Volume } from './volume';

/** A found entry and where it is (for unlink and rename). */
export interface Ext4Found {
  ino: number;
  ftype: number;
  lblk: number;
  off: number;
}

/** Searches one leaf block. @returns the entry, null, or -EUCLEAN. */
function searchLeaf(
  vol: Ext4Volume,
  dir: Ext4Inode,
  b: Uint8Array,
  lblk: number,
  name: Uint8Array,
): Ext4Found | null | number {
  const bs = vol.blockSize;
  const end = hasTail(b, bs) ? bs - DIRENT_TAIL_SIZE : bs;
  let found: Ext4Found | null = null;
  const bad = walkLeaf(b, end, bs, vol.filetype, vol.sb.inodesCount, (d) => {
    if (d.ino === 0 || d.nameLen !== name.length || !sameBytes(b, d.off + 8, name)) return true;
    found = { ino: d.ino, ftype: d.ftype, lblk, off: d.off };
    return false;
  });
  if (bad) return vol.corrupt(`directory ${dir.ino} block ${lblk}: ${bad}`);
  return found;
}

/** Linear search of every block of `dir`. */
async function linearFind(
  vol: Ext4Volume,
  dir: Ext4Inode,
  name: Uint8Array,
): Promise<Ext4Found | null | number> {
  const blocks = Math.ceil(dir.size / vol.blockSize);
  for (let lblk = 0; lblk < blocks; lblk++) {
    const b = await vol.dirBlock(dir, lblk);
    if (typeof b === 'number') return b;
    if (b === null) continue;
    const r = searchLeaf(vol, dir, b, lblk, name);
    if (r !== null) return r;
  }
  return null;
}

/** Blocks findCached scans at most: a larger directory is left to the asynchronous scan. */
const CACHED_SCAN_BLOCKS = 2;

/**
 * Linear search of a small directory without parking: every block mapped by the inode's mapping
 * cache and in the block cache, checked already. @returns the entry, null when absent, -EUCLEAN,
 * or undefined when a block would have to be read, mapped or checked (findEntry then).
 */
export function findCached(
  vol: Ext4Volume,
  dir: Ext4Inode,
  name: Uint8Array,
): Ext4Found | null | number | undefined {
  const blocks = Math.ceil(dir.size / vol.blockSize);
  if (blocks > CACHED_SCAN_BLOCKS) return undefined;
  for (let lblk = 0; lblk < blocks; lblk++) {
    const b = vol.cachedDirBlock(dir, lblk);
    if (b === undefined) return undefined;
    if (b === null) continue;
    const r = searchLeaf(vol, dir, b, lblk, name);
    if (r !== null) return r;
  }
  return null;
}

/** One level of the path from the root to a leaf: the node's block, its entries and the position. */
interface DxLevel {
  b: Uint8Array;
  node: DxNode;
  at: number;
}

/** The hash version the root names, in its signed/unsigned flavour. */
function hashVersionOf(vol: Ext4Volume, v: number): number {
  return v <= 2 && vol.sb.unsignedHash ? v + 3 : v;
}

/** Walks the index to the leaf for `hash`. @returns the path, or -EUCLEAN, -EIO. */
async function dxProbe(
  vol: Ext4Volume,
  dir: Ext4Inode,
  name: Uint8Array,
): Promise<{ path: DxLevel[]; hash: number } | number> {
  const bs = vol.blockSize;
  const root = await vol.dirBlock(dir, 0);
  if (typeof root === 'number') return root;
  if (root === null) return vol.corrupt(`directory ${dir.ino}: index root is a hole`);
  const info = parseDxRoot(root, bs, vol.sb.metadataCsum, vol.largeDir);
  if (typeof info === 'string') return vol.corrupt(`directory ${dir.ino}: ${info}`);
  const hash = dxHash(name, hashVersionOf(vol, info.hashVersion), vol.sb.hashSeed);
  if (hash < 0)
    return vol.corrupt(`directory ${dir.ino}: unknown hash version ${u8(root, DX_ROOT_INFO + 4)}`);
  const path: DxLevel[] = [];
  let b = root.slice();
  let node = info.node;
  for (let level = 0; ; level++) {
    const at = dxFind(b, node, hash);
    path.push({ b, node, at });
    if (level === info.levels) break;
    const child = dxBlockAt(b, node, at);
    const cb = await vol.dirBlock(dir, child);
    if (typeof cb === 'number') return cb;
    if (cb === null) return vol.corrupt(`directory ${dir.ino}: index block ${child} is a hole`);
    const n = parseDxNode(cb, 8, bs, vol.sb.metadataCsum);
    if (typeof n === 'string')
      return vol.corrupt(`directory ${dir.ino} index block ${child}: ${n}`);
    b = cb.slice();
    node = n;
  }
  return { path, hash };
}

/**
 * Moves `path` to the next leaf in hash order. @returns the leaf's block, null when the next leaf
 * cannot hold `hash` (its first hash is a different value without the collision bit), or -errno.
 */
async function nextLeaf(
  vol: Ext4Volume,
  dir: Ext4Inode,
  path: DxLevel[],
  hash: number,
): Promise<number | null> {
  let i = path.length - 1;
  while (i >= 0 && path[i]!.at + 1 >= path[i]!.node.count) i--;
  if (i < 0) return null;
  path[i]!.at++;
  const h = dxHashAt(path[i]!.b, path[i]!.node, path[i]!.at);
  if ((h & 1) === 0 && (h & ~1) >>> 0 !== hash) return null;
  for (let j = i + 1; j < path.length; j++) {
    const up = path[j - 1]!;
    const child = dxBlockAt(up.b, up.node, up.at);
    const cb = await vol.dirBlock(dir, child);
    if (typeof cb === 'number') return cb;
    if (cb === null) return vol.corrupt(`directory ${dir.ino}: index block ${child} is a hole`);
    const n = parseDxNode(cb, 8, vol.blockSize, vol.sb.metadataCsum);
    if (typeof n === 'string')
      return vol.corrupt(`directory ${dir.ino} index block ${child}: ${n}`);
    path[j] = { b: cb.slice(), node: n, at: 0 };
  }
  const last = path[path.length - 1]!;
  return dxBlockAt(last.b, last.node, last.at);
}

/**
 * Finds `name` in `dir`. @returns the entry, null when absent, -EUCLEAN (corrupt), -EIO.
 */
export async function findEntry(
  vol: Ext4Volume,
  dir: Ext4Inode,
  name: Uint8Array,
): Promise<Ext4Found | null | number> {
  if (!vol.indexed(dir)) return linearFind(vol, dir, name);
  const p = await dxProbe(vol, dir, name);
  if (typeof p === 'number') return p;
  const last = p.path[p.path.length - 1]!;
  let leaf: number | null = dxBlockAt(last.b, last.node, last.at);
  for (let guard = 0; leaf !== null && guard < 1 << 20; guard++) {
    if (leaf < 0) return leaf;
    const b = await vol.dirBlock(dir, leaf);
    if (typeof b === 'number') return b;
    if (b === null) return vol.corrupt(`directory ${dir.ino}: leaf ${leaf} is a hole`);
    const r = searchLeaf(vol, dir, b, leaf, name);
    if (r !== null) return r;
    leaf = await nextLeaf(vol, dir, p.path, p.hash);
  }
  return null;
}
