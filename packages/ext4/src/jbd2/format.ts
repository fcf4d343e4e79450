// jbd2's on-disk format (Linux Documentation/filesystems/ext4/journal.rst): the big-endian block
// header, the journal super block, descriptor tags, revoke records, commit blocks and the v2/v3
// crc32c checksums. Pure functions over block-sized byte arrays.
import { crc32c, crc32cZeros } from '../crc32c';

export const JBD2_MAGIC = 0xc03b3998;

export const JBD2_DESCRIPTOR_BLOCK = 1;
export const JBD2_COMMIT_BLOCK = 2;
export const JBD2_SUPERBLOCK_V1 = 3;
export const JBD2_SUPERBLOCK_V2 = 4;
export const JBD2_REVOKE_BLOCK = 5;

export const JBD2_FEATURE_COMPAT_CHECKSUM = 0x1;
export const JBD2_FEATURE_INCOMPAT_REVOKE = 0x1;
export const JBD2_FEATURE_INCOMPAT_64BIT = 0x2;
export const JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT = 0x4;
export const JBD2_FEATURE_INCOMPAT_CSUM_V2 = 0x8;
export const JBD2_FEATURE_INCOMPAT_CSUM_V3 = 0x10;
export const JBD2_FEATURE_INCOMPAT_FAST_COMMIT = 0x20;
export const JBD2_KNOWN_INCOMPAT =
  JBD2_FEATURE_INCOMPAT_REVOKE |
  JBD2_FEATURE_INCOMPAT_64BIT |
  JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT |
  JBD2_FEATURE_INCOMPAT_CSUM_V2 |
  JBD2_FEATURE_INCOMPAT_CSUM_V3;

/** Tag flags. */
export const JBD2_FLAG_ESCAPE = 0x1;
export const JBD2_FLAG_SAME_UUID = 0x2;
export const JBD2_FLAG_DELETED = 0x4;
export const JBD2_FLAG_LAST_TAG = 0x8;

/** s_checksum_type for crc32c. */
export const JBD2_CRC32C_CHKSUM = 4;
const HEADER = 12;
const SB_CHECKSUM = 0xfc;
const SB_BYTES = 1024;
/** Commit block: h_chksum[0], h_commit_sec (be64), h_commit_nsec. */
const COMMIT_CHKSUM = 0x10;

export const be32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
export const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

export function setBe32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function setBe16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** The 12-byte header every journal block but data blocks starts with. */
export interface Jbd2Header {
  magic: number;
  type: number;
  sequence: number;
}

export const readHeader = (b: Uint8Array): Jbd2Header => ({
  magic: be32(b, 0),
  type: be32(b, 4),
  sequence: be32(b, 8),
});

export function writeHeader(b: Uint8Array, type: number, sequence: number): void {
  setBe32(b, 0, JBD2_MAGIC);
  setBe32(b, 4, type);
  setBe32(b, 8, sequence);
}

/** `a` is after `b` in the 32-bit wrapping transaction id space (jbd2's tid_gt). */
export const tidGt = (a: number, b: number): boolean => ((a - b) | 0) > 0;

/** The journal super block (journal block 0), as far as this driver uses it. */
export interface Jbd2Super {
  readonly raw: Uint8Array;
  readonly version: 1 | 2;
  readonly blockSize: number;
  readonly maxlen: number;
  readonly first: number;
  sequence: number;
  start: number;
  compat: number;
  incompat: number;
  readonly uuid: Uint8Array;
}

/** The features that decide the on-disk layout of tags and checksums. */
export interface Jbd2Layout {
  readonly blockSize: number;
  readonly csumV2: boolean;
  readonly csumV3: boolean;
  readonly is64: boolean;
  /** crc32c of the journal UUID: the seed of every v2/v3 checksum. */
  readonly seed: number;
}

export const csumOn = (l: Jbd2Layout) => l.csumV2 || l.csumV3;

export function layoutOf(s: Jbd2Super): Jbd2Layout {
  return {
    blockSize: s.blockSize,
    csumV2: (s.incompat & JBD2_FEATURE_INCOMPAT_CSUM_V2) !== 0,
    csumV3: (s.incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3) !== 0,
    is64: (s.incompat & JBD2_FEATURE_INCOMPAT_64BIT) !== 0,
    seed: crc32c(0xffffffff, s.uuid),
  };
}

/**
 * Parses and checks the journal super block `raw` of a journal of `blocks` blocks on a file system
 * of `fsBlockSize`-byte blocks. @returns it, or a message naming the bad field.
 */
export function parseJournalSuper(
  raw: Uint8Array,
  fsBlockSize: number,
  blocks: number,
): Jbd2Super | string {
  const h = readHeader(raw);
  if (h.magic !== JBD2_MAGIC) return `journal super block magic 0x${h.magic.toString(16)}`;
  if (h.type !== JBD2_SUPERBLOCK_V1 && h.type !== JBD2_SUPERBLOCK_V2)
    return `journal super block type ${h.type} (want 3 or 4)`;
  const version = h.type === JBD2_SUPERBLOCK_V2 ? 2 : 1;
  const blockSize = be32(raw, 0xc);
  const maxlen = be32(raw, 0x10);
  const first = be32(raw, 0x14);
  const s: Jbd2Super = {
    raw,
    version,
    blockSize,
    maxlen,
    first,
    sequence: be32(raw, 0x18),
    start: be32(raw, 0x1c),
    compat: version === 2 ? be32(raw, 0x24) : 0,
    incompat: version === 2 ? be32(raw, 0x28) : 0,
    uuid: raw.slice(0x30, 0x40),
  };
  if (blockSize !== fsBlockSize)
    return `journal block size ${blockSize} != file system block size ${fsBlockSize}`;
  if (maxlen > blocks || maxlen < 1024)
    return `journal s_maxlen ${maxlen} (the journal inode has ${blocks} blocks, at least 1024 needed)`;
  if (first < 1 || first >= maxlen) return `journal s_first ${first} (s_maxlen ${maxlen})`;
  if (s.start !== 0 && (s.start < first || s.start >= maxlen))
    return `journal s_start ${s.start} outside [${first}, ${maxlen})`;
  const unknown = s.incompat & ~JBD2_KNOWN_INCOMPAT;
  if (unknown)
    return s.incompat & JBD2_FEATURE_INCOMPAT_FAST_COMMIT
      ? 'journal has fast commits (fast_commit is not supported)'
      : `unknown journal incompat features 0x${unknown.toString(16)}`;
  const l = layoutOf(s);
  if (l.csumV2 && l.csumV3) return 'journal has both csum v2 and csum v3';
  if (csumOn(l)) {
    if (raw[0x50] !== JBD2_CRC32C_CHKSUM) return `journal checksum type ${raw[0x50]} (want 4)`;
    const want = be32(raw, SB_CHECKSUM);
    const got = journalSuperCsum(raw);
    if (want !== got)
      return `journal super block checksum 0x${want.toString(16)} != computed 0x${got.toString(16)}`;
  }
  return s;
}

function journalSuperCsum(raw: Uint8Array): number {
  const c = raw.slice(0, SB_BYTES);
  setBe32(c, SB_CHECKSUM, 0);
  return crc32c(0xffffffff, c);
}

/** Writes the mutable fields of `s` into `s.raw` and seals its checksum. */
export function emitJournalSuper(s: Jbd2Super): void {
  const r = s.raw;
  setBe32(r, 0x18, s.sequence);
  setBe32(r, 0x1c, s.start);
  if (s.version === 2) {
    setBe32(r, 0x24, s.compat);
    setBe32(r, 0x28, s.incompat);
  }
  const csum = (s.incompat & (JBD2_FEATURE_INCOMPAT_CSUM_V2 | JBD2_FEATURE_INCOMPAT_CSUM_V3)) !== 0;
  if (csum) {
    r[0x50] = JBD2_CRC32C_CHKSUM;
    setBe32(r, SB_CHECKSUM, journalSuperCsum(r));
  }
}

/** Bytes of the checksum tail of descriptor and revoke blocks. */
export const tailBytes = (l: Jbd2Layout) => (csumOn(l) ? 4 : 0);

/** Bytes of one descriptor tag (without the UUID that follows a tag lacking SAME_UUID). */
export function tagBytes(l: Jbd2Layout): number {
  if (l.csumV3) return 16;
  const sz = 12 + (l.csumV2 ? 2 : 0);
  return l.is64 ? sz : sz - 4;
}

/** crc32c over the whole block with its last 4 bytes as zero (descriptor and revoke tails). */
function tailCsum(l: Jbd2Layout, b: Uint8Array): number {
  const end = l.blockSize - 4;
  return crc32cZeros(crc32c(l.seed, b, 0, end), 4);
}

export function tailOk(l: Jbd2Layout, b: Uint8Array): boolean {
  return !csumOn(l) || be32(b, l.blockSize - 4) === tailCsum(l, b);
}

export function sealTail(l: Jbd2Layout, b: Uint8Array): void {
  if (csumOn(l)) setBe32(b, l.blockSize - 4, tailCsum(l, b));
}

/** A commit block's checksum: crc32c of the block with h_chksum[0] as zero. */
function commitCsum(l: Jbd2Layout, b: Uint8Array): number {
  const c = crc32c(l.seed, b, 0, COMMIT_CHKSUM);
  return crc32c(crc32cZeros(c, 4), b, COMMIT_CHKSUM + 4, l.blockSize);
}

export function commitOk(l: Jbd2Layout, b: Uint8Array): boolean {
  return !csumOn(l) || be32(b, COMMIT_CHKSUM) === commitCsum(l, b);
}

/** Fills `b` as the commit block of transaction `sequence`, stamped `sec`.`nsec`. */
export function emitCommit(l: Jbd2Layout, b: Uint8Array, sequence: number, sec: number, nsec = 0) {
  b.fill(0);
  writeHeader(b, JBD2_COMMIT_BLOCK, sequence);
  setBe32(b, 0x30, Math.floor(sec / 0x100000000));
  setBe32(b, 0x34, sec >>> 0);
  setBe32(b, 0x38, nsec);
  if (csumOn(l)) setBe32(b, COMMIT_CHKSUM, commitCsum(l, b));
}

/** blockCsum's big-endian sequence number (one buffer: the checksum is computed at once). */
const seqBytes = new Uint8Array(4);

/** A data block's tag checksum (v2: the low 16 bits are stored). */
export function blockCsum(l: Jbd2Layout, sequence: number, data: Uint8Array): number {
  setBe32(seqBytes, 0, sequence);
  return crc32c(crc32c(l.seed, seqBytes), data, 0, l.blockSize);
}

/** One descriptor tag: where a logged block goes home. */
export interface Jbd2Tag {
  readonly blk: number;
  readonly flags: number;
  readonly csum: number;
}

/**
 * The tags of descriptor block `b`. @returns them, or a message when the tag list is malformed (no
 * last tag before the block ends is how jbd2 ends a full descriptor, so that is not an error).
 */
export function parseTags(l: Jbd2Layout, b: Uint8Array): Jbd2Tag[] {
  const out: Jbd2Tag[] = [];
  const size = l.blockSize - tailBytes(l);
  const tb = tagBytes(l);
  let at = HEADER;
  while (at + tb <= size) {
    const lo = be32(b, at);
    let flags: number;
    let hi = 0;
    let csum: number;
    if (l.csumV3) {
      flags = be32(b, at + 4);
      hi = l.is64 ? be32(b, at + 8) : 0;
      csum = be32(b, at + 12);
    } else {
      csum = be16(b, at + 4);
      flags = be16(b, at + 6);
      hi = l.is64 ? be32(b, at + 8) : 0;
    }
    out.push({ blk: hi * 0x100000000 + lo, flags, csum });
    at += tb;
    if (!(flags & JBD2_FLAG_SAME_UUID)) at += 16;
    if (flags & JBD2_FLAG_LAST_TAG) break;
  }
  return out;
}

/** Tags that fit one descriptor block (the first carries the 16-byte UUID). */
export function tagsPerDescriptor(l: Jbd2Layout): number {
  return Math.floor((l.blockSize - HEADER - tailBytes(l) - 16) / tagBytes(l));
}

/** Writes tag `i` (0-based) of a descriptor: home block `blk`, `flags`, data checksum `csum`. */
export function emitTag(l: Jbd2Layout, b: Uint8Array, at: number, t: Jbd2Tag): number {
  const tb = tagBytes(l);
  b.fill(0, at, at + tb);
  setBe32(b, at, t.blk >>> 0);
  const hi = Math.floor(t.blk / 0x100000000);
  if (l.csumV3) {
    setBe32(b, at + 4, t.flags);
    if (l.is64) setBe32(b, at + 8, hi);
    setBe32(b, at + 12, t.csum);
  } else {
    setBe16(b, at + 4, l.csumV2 ? t.csum & 0xffff : 0);
    setBe16(b, at + 6, t.flags);
    if (l.is64) setBe32(b, at + 8, hi);
  }
  return at + tb;
}

/** The block numbers of revoke block `b`. @returns them, or a message for a bad r_count. */
export function parseRevoke(l: Jbd2Layout, b: Uint8Array): number[] | string {
  const count = be32(b, 0xc);
  const rec = l.is64 ? 8 : 4;
  if (count < 16 || count > l.blockSize - tailBytes(l))
    return `revoke block r_count ${count} (want 16..${l.blockSize - tailBytes(l)})`;
  const out: number[] = [];
  for (let at = 16; at + rec <= count; at += rec)
    out.push(l.is64 ? be32(b, at) * 0x100000000 + be32(b, at + 4) : be32(b, at));
  return out;
}

/** Revoke records that fit one revoke block. */
export const revokesPerBlock = (l: Jbd2Layout) =>
  Math.floor((l.blockSize - 16 - tailBytes(l)) / (l.is64 ? 8 : 4));

/** Fills `b` as a revoke block of `sequence` listing `blks`. */
export function emitRevoke(l: Jbd2Layout, b: Uint8Array, sequence: number, blks: number[]): void {
  b.fill(0);
  writeHeader(b, JBD2_REVOKE_BLOCK, sequence);
  const rec = l.is64 ? 8 : 4;
  let at = 16;
  for (const blk of blks) {
    if (l.is64) {
      setBe32(b, at, Math.floor(blk / 0x100000000));
      setBe32(b, at + 4, blk >>> 0);
    } else setBe32(b, at, blk);
    at += rec;
  }
  setBe32(b, 0xc, at);
  sealTail(l, b);
}
