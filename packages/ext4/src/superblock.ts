// The ext4 super block (disk layout "The Super Block", at byte 1024): parsing, sanity checks that keep
// later arithmetic in range, feature judgement and the metadata_csum checksum.
import { Errno } from '@runikraft/errno';
import { crc32c } from './crc32c';
import { featureNames, INCOMPAT, INCOMPAT_KNOWN, RO_COMPAT, RO_COMPAT_KNOWN } from './features';
import { hilo, set32, u8, u16, u32 } from './le';

export const EXT4_SUPER_MAGIC = 0xef53;
export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
/** s_flags: directory hashes use signed / unsigned chars. */
const EXT2_FLAGS_UNSIGNED_HASH = 0x2;
const SB_CHECKSUM = 0x3fc;

/** The parsed super block plus geometry derived from it. `raw` is kept for writing back. */
export interface Ext4Super {
  readonly raw: Uint8Array;
  readonly blockSize: number;
  readonly log2Block: number;
  readonly blocksCount: number;
  readonly inodesCount: number;
  readonly firstDataBlock: number;
  readonly blocksPerGroup: number;
  readonly inodesPerGroup: number;
  readonly groupCount: number;
  readonly inodeSize: number;
  readonly firstIno: number;
  readonly descSize: number;
  readonly compat: number;
  readonly incompat: number;
  readonly roCompat: number;
  readonly revLevel: number;
  readonly reservedGdtBlocks: number;
  readonly firstMetaBg: number;
  readonly logGroupsPerFlex: number;
  readonly journalInum: number;
  readonly hashSeed: Uint32Array;
  /** Default hash version with the unsigned flavour folded in (+3 when s_flags says unsigned). */
  readonly defHashVersion: number;
  readonly unsignedHash: boolean;
  /** crc32c seed of every metadata checksum (s_checksum_seed or crc32c of the UUID). */
  readonly csumSeed: number;
  readonly metadataCsum: boolean;
  readonly minExtraIsize: number;
  /** Reasons the mount must be read-only (unknown ro_compat features); empty when writable. */
  readonly roReasons: string[];
}

/** A refused mount: the message names what is wrong; `errno` is the mount's result. */
export interface Ext4MountError {
  readonly errno: number;
  readonly message: string;
}

const { EINVAL, EUCLEAN } = Errno;
const bad = (message: string, errno: number = EUCLEAN): Ext4MountError => ({ errno, message });

export const has = (mask: number, bit: number) => (mask & bit) !== 0;

/**
 * Parses and checks the super block in `raw` (1024 bytes) for a device of `deviceBytes`.
 * @returns the super block, or why it cannot be mounted: -EINVAL-class for "not ext2/3/4 or a
 * feature we refuse", -EUCLEAN-class (EFSCORRUPTED) for inconsistent or checksum-failing fields.
 */
export function parseSuper(raw: Uint8Array, deviceBytes: number): Ext4Super | Ext4MountError {
  const magic = u16(raw, 0x38);
  if (magic !== EXT4_SUPER_MAGIC)
    return bad(`no ext2/3/4 super block (magic 0x${magic.toString(16)}, want 0xef53)`, EINVAL);
  const incompat = u32(raw, 0x60);
  const roCompat = u32(raw, 0x64);
  const compat = u32(raw, 0x5c);
  const unknown = incompat & ~INCOMPAT_KNOWN;
  if (unknown)
    return bad(
      `unsupported incompat feature ${featureNames(INCOMPAT, 'I', unknown).join(', ')}`,
      EINVAL,
    );
  const metadataCsum = has(roCompat, RO_COMPAT.metadata_csum);
  if (metadataCsum) {
    if (u8(raw, 0x175) !== 1)
      return bad(`unknown metadata checksum type ${u8(raw, 0x175)} (want 1, crc32c)`);
    const want = u32(raw, SB_CHECKSUM);
    const got = superCsum(raw);
    if (want !== got)
      return bad(
        `super block checksum 0x${want.toString(16)} does not match its content (0x${got.toString(16)})`,
      );
  }
  const log2Block = u32(raw, 0x18);
  if (log2Block > 6) return bad(`s_log_block_size ${log2Block} (block size over 64 KiB)`);
  const blockSize = 1024 << log2Block;
  const is64 = has(incompat, INCOMPAT['64bit']);
  const blocksCount = hilo(u32(raw, 0x4), is64 ? u32(raw, 0x150) : 0);
  const firstDataBlock = u32(raw, 0x14);
  const blocksPerGroup = u32(raw, 0x20);
  const inodesPerGroup = u32(raw, 0x28);
  const inodesCount = u32(raw, 0x0);
  const revLevel = u32(raw, 0x4c);
  const inodeSize = revLevel === 0 ? 128 : u16(raw, 0x58);
  const firstIno = revLevel === 0 ? 11 : u32(raw, 0x54);
  const descSize = is64 ? u16(raw, 0xfe) : 32;
  if (firstDataBlock !== (blockSize === 1024 ? 1 : 0))
    return bad(`s_first_data_block ${firstDataBlock} for ${blockSize}-byte blocks`);
  if (blocksPerGroup === 0 || blocksPerGroup > blockSize * 8 || blocksPerGroup % 8)
    return bad(`s_blocks_per_group ${blocksPerGroup} (want 8..${blockSize * 8}, a multiple of 8)`);
  if (inodesPerGroup === 0 || inodesPerGroup > blockSize * 8 || inodesPerGroup % 8)
    return bad(`s_inodes_per_group ${inodesPerGroup} (want 8..${blockSize * 8}, a multiple of 8)`);
  if (inodeSize < 128 || inodeSize > blockSize || inodeSize & (inodeSize - 1))
    return bad(`s_inode_size ${inodeSize} (want a power of two from 128 to the block size)`);
  if (is64 && (descSize < 64 || descSize > 1024 || descSize & (descSize - 1)))
    return bad(`s_desc_size ${descSize} with 64bit (want a power of two from 64 to 1024)`);
  if (blocksCount <= firstDataBlock) return bad(`s_blocks_count ${blocksCount}`);
  if (blocksCount * blockSize > deviceBytes)
    return bad(
      `the file system has ${blocksCount} blocks of ${blockSize} B but the device only ${deviceBytes} B`,
      EINVAL,
    );
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount !== groupCount * inodesPerGroup)
    return bad(
      `s_inodes_count ${inodesCount} != ${groupCount} groups x ${inodesPerGroup} inodes per group`,
    );
  if (firstIno < 11 || firstIno >= inodesCount) return bad(`s_first_ino ${firstIno}`);
  const minExtraIsize = inodeSize > 128 ? u16(raw, 0x15c) : 0;
  const hashSeed = Uint32Array.of(u32(raw, 0xec), u32(raw, 0xf0), u32(raw, 0xf4), u32(raw, 0xf8));
  const unsignedHash = (u32(raw, 0x160) & EXT2_FLAGS_UNSIGNED_HASH) !== 0;
  const def = u8(raw, 0xfc);
  const csumSeed = has(incompat, INCOMPAT.metadata_csum_seed)
    ? u32(raw, 0x270)
    : crc32c(0xffffffff, raw, 0x68, 0x78);
  const roUnknown = roCompat & ~RO_COMPAT_KNOWN;
  const roReasons = roUnknown
    ? [`unsupported ro_compat feature ${featureNames(RO_COMPAT, 'R', roUnknown).join(', ')}`]
    : [];
  if (has(roCompat, RO_COMPAT.orphan_present))
    roReasons.push('the orphan file has entries (orphan_file is not processed)');
  return {
    raw,
    blockSize,
    log2Block: 10 + log2Block,
    blocksCount,
    inodesCount,
    firstDataBlock,
    blocksPerGroup,
    inodesPerGroup,
    groupCount,
    inodeSize,
    firstIno,
    descSize,
    compat,
    incompat,
    roCompat,
    revLevel,
    reservedGdtBlocks: u16(raw, 0xce),
    firstMetaBg: u32(raw, 0x104),
    logGroupsPerFlex: u8(raw, 0x174),
    journalInum: u32(raw, 0xe0),
    hashSeed,
    defHashVersion: def < 3 && unsignedHash ? def + 3 : def,
    unsignedHash,
    csumSeed,
    metadataCsum,
    minExtraIsize,
    roReasons,
  };
}

/** The super block's metadata_csum checksum (crc32c over everything before s_checksum). */
export function superCsum(raw: Uint8Array): number {
  return crc32c(0xffffffff, raw, 0, SB_CHECKSUM);
}

/** Recomputes s_checksum in place (when metadata_csum is on). */
export function sealSuper(sb: Ext4Super): void {
  if (sb.metadataCsum) set32(sb.raw, SB_CHECKSUM, superCsum(sb.raw));
}
