// Adding a name to a hash-indexed directory (Linux namei.c dx_add_entry), and indexing a plain
// directory whose one block is full (make_indexed_dir). A full leaf splits by hash, about half its
// bytes to a new block; a full index node splits in two, the upper half's first hash going into its
// parent; a full root moves its entries one level down (the root plus one level of nodes, two with
// large_dir, as Linux). The blocks a split needs are appended first, so running out of space leaves
// the directory as it was.

import { Errno } from '@runikraft/errno';
import { runSteps } from '@runikraft/vfscore';
import { direntSize, walkLeaf } from './dir';
import {
  type DxEntry,
  dxEntries,
  dxLimit,
  dxStore,
  formatDxNode,
  formatDxRoot,
  insertInLeaf,
  type LiveEntry,
  leafEnd,
  liveEntries,
  packLeaf,
} from './dirwrite';
import { dxHash } from './hash';
import { DX_BLOCK_MASK, DX_ROOT_INFO, dxFind, parseDxNode, parseDxRoot } from './htree';
import { EXT4_INDEX_FL, type Ext4Inode } from './inode';
import { u8 } from './le';
import type { Ext4Volume } from './volume';
import type { Ext4Writer } from './write';

/** One index node on the way from the root to a leaf, as a list of entries while it changes. */
interface DxLevel {
  lblk: number;
  at: number;
  entries: DxEntry[];
  limit: number;
}

/** The directory hash of root hash version `v` (signed or unsigned as the super block says). */
function hashFn(vol: Ext4Volume, v: number): (name: Uint8Array) => number {
  const version = v <= 2 && vol.sb.unsignedHash ? v + 3 : v;
  return (name) => dxHash(name, version, vol.sb.hashSeed);
}

/** Where a full leaf's entries (sorted by hash) divide: about half the bytes each side. */
function splitPoint(live: readonly LiveEntry[], room: number): number {
  const size = live.map((e) => direntSize(e.name.length));
  const total = size.reduce((a, b) => a + b, 0);
  let mid = 0;
  for (let low = 0; mid < live.length - 1 && low + size[mid]! <= total / 2; mid++)
    low += size[mid]!;
  mid = Math.max(1, mid);
  const below = (m: number) => size.slice(0, m).reduce((a, b) => a + b, 0);
  while (total - below(mid) > room && mid < live.length - 1) mid++;
  while (below(mid) > room && mid > 1) mid--;
  return mid;
}

/** Adds `name` → `ino` (file type `ft`) to the indexed directory `dir`. @returns 0 or -errno. */
export async function addIndexed(
  w: Ext4Writer,
  dir: Ext4Inode,
  name: Uint8Array,
  ino: number,
  ft: number,
): Promise<number> {
  const vol = w.vol;
  const g = w.geom;
  const seed = dir.csumSeed;
  const bad = (what: string) => vol.corrupt(`directory ${dir.ino} index: ${what}`);
  const path: DxLevel[] = [];
  let levels = 0;
  let hash: ((n: Uint8Array) => number) | null = null;
  let h = 0;
  let lblk = 0;
  do {
    const d = await runSteps(vol.dirEntry(dir, lblk));
    if (d === null || typeof d === 'number') return d ?? bad(`block ${lblk} is a hole`);
    const b = d.block.data;
    let node: ReturnType<typeof parseDxNode>;
    if (lblk === 0) {
      const info = parseDxRoot(b, g.blockSize, g.csum, vol.largeDir);
      if (typeof info === 'string') return bad(info);
      levels = info.levels;
      hash = hashFn(vol, info.hashVersion);
      h = hash(name);
      if (h < 0) return bad(`unknown hash version ${info.hashVersion}`);
      node = info.node;
    } else node = parseDxNode(b, 8, g.blockSize, g.csum);
    if (typeof node === 'string') return bad(`block ${lblk}: ${node}`);
    const at = dxFind(b, node, h);
    const entries = dxEntries(b, node);
    path.push({ lblk, at, entries, limit: node.limit });
    lblk = entries[at]!.block & DX_BLOCK_MASK;
  } while (path.length <= levels);
  const leaf = await runSteps(vol.dirEntry(dir, lblk));
  if (leaf === null || typeof leaf === 'number') return leaf ?? bad(`leaf ${lblk} is a hole`);
  const r = insertInLeaf(leaf.block.data, g, seed, name, ino, ft);
  if (typeof r === 'string') return vol.corrupt(`directory ${dir.ino} block ${lblk}: ${r}`);
  if (r) {
    vol.cache.markDirty(leaf.block);
    return 0;
  }
  // the full nodes above the leaf each split; a full root adds a level, if one may be added
  let full = 0;
  for (let i = path.length - 1; i >= 0 && path[i]!.entries.length >= path[i]!.limit; i--) full++;
  if (full === path.length && levels + 1 >= (vol.largeDir ? 3 : 2)) {
    vol.warn(`directory ${dir.ino}: hash index full (${levels + 1} levels)`);
    return -Errno.ENOSPC;
  }
  const oldSize = dir.size;
  const fresh: number[] = [];
  for (let k = 0; k <= full; k++) {
    const nb = await runSteps(w.appendBlock(dir));
    if (typeof nb === 'number') {
      const t = await runSteps(w.truncate(dir, oldSize));
      const s = t < 0 ? t : await runSteps(w.storeInode(dir));
      return s < 0 ? s : nb;
    }
    fresh.push(Math.ceil(dir.size / g.blockSize) - 1);
  }
  // the leaf: its entries and the new one sorted by hash, the upper part to a new block
  const again = await runSteps(vol.dirEntry(dir, lblk));
  if (again === null || typeof again === 'number') return again ?? -Errno.EIO;
  const live = liveEntries(again.block.data, g, hash!);
  if (typeof live === 'string') return vol.corrupt(`directory ${dir.ino} block ${lblk}: ${live}`);
  live.push({ ino, ft, name, hash: h });
  live.sort((a, b) => a.hash - b.hash);
  const mid = splitPoint(live, leafEnd(again.block.data, g));
  packLeaf(again.block.data, g, seed, live.slice(0, mid));
  vol.cache.markDirty(again.block);
  const newLeaf = fresh.shift()!;
  const nl = await runSteps(vol.dirEntry(dir, newLeaf));
  if (nl === null || typeof nl === 'number') return nl ?? -Errno.EIO;
  packLeaf(nl.block.data, g, seed, live.slice(mid));
  vol.cache.markDirty(nl.block);
  // a split between equal hashes marks the new leaf as continuing them (the collision bit)
  const cont = live[mid - 1]!.hash === live[mid]!.hash ? 1 : 0;
  let entry: DxEntry = { hash: (live[mid]!.hash | cont) >>> 0, block: newLeaf };
  const touched: DxLevel[] = [];
  for (let i = path.length - 1; ; i--) {
    const n = path[i]!;
    n.entries.splice(n.at + 1, 0, entry);
    touched.push(n);
    if (n.entries.length <= n.limit) break;
    const blk = fresh.shift()!;
    if (i === 0) {
      touched.push({ lblk: blk, at: 0, entries: n.entries, limit: dxLimit(g, 8) });
      n.entries = [{ hash: 0, block: blk }];
      levels++;
      break;
    }
    const upper = n.entries.splice(n.entries.length >> 1);
    touched.push({ lblk: blk, at: 0, entries: upper, limit: n.limit });
    entry = { hash: upper[0]!.hash, block: blk };
  }
  for (const n of touched) {
    const d = await runSteps(vol.dirEntry(dir, n.lblk));
    if (d === null || typeof d === 'number') return d ?? -Errno.EIO;
    const b = d.block.data;
    if (n.lblk === 0) {
      b[DX_ROOT_INFO + 6] = levels;
      dxStore(b, g, seed, DX_ROOT_INFO + 8, n.entries);
    } else formatDxNode(b, g, seed, n.entries);
    d.block.verified = true;
    vol.cache.markDirty(d.block);
  }
  return 0;
}

/**
 * Indexes the one-block directory `dir` whose block is full (make_indexed_dir): its entries after
 * "." and ".." move to a new leaf, block 0 becomes the index root, then `name` goes in.
 * @returns 0 or -errno, or null when block 0 does not start with "." and ".." (stays linear).
 */
export async function makeIndexed(
  w: Ext4Writer,
  dir: Ext4Inode,
  name: Uint8Array,
  ino: number,
  ft: number,
): Promise<number | null> {
  const vol = w.vol;
  const g = w.geom;
  const d0 = await runSteps(vol.dirEntry(dir, 0));
  if (d0 === null || typeof d0 === 'number') return d0;
  const dots: { ino: number; ft: number; nameLen: number; off: number }[] = [];
  const bad = walkLeaf(
    d0.block.data,
    leafEnd(d0.block.data, g),
    g.blockSize,
    g.filetype,
    g.maxIno,
    (d) => {
      dots.push({ ino: d.ino, ft: d.ftype, nameLen: d.nameLen, off: d.off });
      return dots.length < 2;
    },
  );
  if (bad) return vol.corrupt(`directory ${dir.ino} block 0: ${bad}`);
  const b0 = d0.block.data;
  const isDots =
    dots.length === 2 &&
    dots[0]!.ino !== 0 &&
    dots[0]!.nameLen === 1 &&
    b0[8] === 0x2e &&
    dots[1]!.ino !== 0 &&
    dots[1]!.nameLen === 2 &&
    b0[dots[1]!.off + 8] === 0x2e &&
    b0[dots[1]!.off + 9] === 0x2e;
  if (!isDots) return null;
  const version = u8(vol.sb.raw, 0xfc);
  const live = liveEntries(b0, g, () => 0);
  if (typeof live === 'string') return vol.corrupt(`directory ${dir.ino} block 0: ${live}`);
  const rest = live.slice(2);
  const nb = await runSteps(w.appendBlock(dir));
  if (typeof nb === 'number') return nb;
  packLeaf(nb, g, dir.csumSeed, rest);
  const root = await runSteps(vol.dirEntry(dir, 0));
  if (root === null || typeof root === 'number') return root ?? -Errno.EIO;
  formatDxRoot(root.block.data, g, dir.csumSeed, dots[0]!, dots[1]!, version, 0, [
    { hash: 0, block: 1 },
  ]);
  root.block.verified = true;
  vol.cache.markDirty(root.block);
  dir.flags |= EXT4_INDEX_FL;
  const s = await runSteps(w.storeInode(dir));
  return s < 0 ? s : addIndexed(w, dir, name, ino, ft);
}
