// Header and memory-reservation-block validation (DT spec §5.2, §5.3): every bound checked, every block placed.

import { be32, be64 } from './bytes';
import {
  FDT_FIRST_SUPPORTED_VERSION,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_V16_HEADER_SIZE,
  FDT_V17_HEADER_SIZE,
} from './constants';
import { FdtError, hex } from './error';

/** The decoded header (all offsets relative to the blob start). */
export interface FdtHeader {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  /** For version 16 blobs (no such field) this is the extent up to FDT_END, found by the walk. */
  sizeDtStruct: number;
}

/** One /memreserve/ entry. */
export interface FdtReserveEntry {
  address: bigint;
  size: bigint;
}

const FIELDS = [
  'magic',
  'totalsize',
  'off_dt_struct',
  'off_dt_strings',
  'off_mem_rsvmap',
  'version',
  'last_comp_version',
  'boot_cpuid_phys',
  'size_dt_strings',
  'size_dt_struct',
] as const;

function err(i: number, reason: string): FdtError {
  return new FdtError(`header.${FIELDS[i]}`, i * 4, reason);
}

/** Validates the header against the buffer; `sizeDtStruct` is -1 for version 16 (walk finds it). */
export function parseHeader(b: Uint8Array): FdtHeader {
  if (b.length < FDT_V16_HEADER_SIZE)
    throw new FdtError('header', 0, `buffer of ${b.length} bytes is shorter than a header (36)`);
  const w = (i: number) => be32(b, i * 4);
  if (w(0) !== FDT_MAGIC) throw err(0, `${hex(w(0))} is not the FDT magic 0xd00dfeed`);
  const version = w(5);
  const lastComp = w(6);
  if (version < FDT_FIRST_SUPPORTED_VERSION)
    throw err(5, `version ${version} is older than ${FDT_FIRST_SUPPORTED_VERSION}, unsupported`);
  if (lastComp > FDT_LAST_SUPPORTED_VERSION)
    throw err(
      6,
      `last_comp_version ${lastComp} is newer than ${FDT_LAST_SUPPORTED_VERSION}, unsupported`,
    );
  if (lastComp > version) throw err(6, `last_comp_version ${lastComp} exceeds version ${version}`);
  const hdrSize = version >= 17 ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
  if (b.length < hdrSize)
    throw new FdtError(
      'header',
      0,
      `buffer of ${b.length} bytes is shorter than a v${version} header (${hdrSize})`,
    );
  const totalsize = w(1);
  if (totalsize > b.length)
    throw err(1, `${hex(totalsize)} exceeds the buffer (${hex(b.length)} bytes)`);
  if (totalsize < hdrSize)
    throw err(1, `${hex(totalsize)} is smaller than the header (${hdrSize} bytes)`);
  const h: FdtHeader = {
    magic: w(0),
    totalsize,
    offDtStruct: w(2),
    offDtStrings: w(3),
    offMemRsvmap: w(4),
    version,
    lastCompVersion: lastComp,
    bootCpuidPhys: w(7),
    sizeDtStrings: w(8),
    sizeDtStruct: version >= 17 ? w(9) : -1,
  };
  checkBlock(2, h.offDtStruct, Math.max(h.sizeDtStruct, 0), hdrSize, totalsize, 4);
  if (h.sizeDtStruct >= 0 && h.sizeDtStruct % 4 !== 0)
    throw err(9, `${hex(h.sizeDtStruct)} is not a multiple of 4`);
  checkBlock(3, h.offDtStrings, h.sizeDtStrings, hdrSize, totalsize, 1);
  checkBlock(4, h.offMemRsvmap, 0, hdrSize, totalsize, 8);
  if (h.sizeDtStruct >= 0) {
    const s0 = h.offDtStruct;
    const s1 = s0 + h.sizeDtStruct;
    const t0 = h.offDtStrings;
    const t1 = t0 + h.sizeDtStrings;
    if (s0 < t1 && t0 < s1 && h.sizeDtStruct > 0 && h.sizeDtStrings > 0)
      throw err(
        3,
        `strings block [${hex(t0)}, ${hex(t1)}) overlaps struct block [${hex(s0)}, ${hex(s1)})`,
      );
  }
  return h;
}

function checkBlock(
  i: number,
  off: number,
  size: number,
  hdr: number,
  total: number,
  align: number,
): void {
  if (off < hdr) throw err(i, `${hex(off)} points into the header (${hdr} bytes)`);
  if (off % align !== 0) throw err(i, `${hex(off)} is not ${align}-byte aligned`);
  if (off > total) throw err(i, `${hex(off)} is past totalsize ${hex(total)}`);
  if (off + size > total) {
    const sizeField = i === 2 ? 9 : 8;
    throw err(
      sizeField,
      `block [${hex(off)}, ${hex(off + size)}) runs past totalsize ${hex(total)}`,
    );
  }
}

/** Reads the reservation entries up to the (0, 0) terminator; the map must not overlap other blocks. */
export function parseMemReserve(b: Uint8Array, h: FdtHeader): FdtReserveEntry[] {
  const out: FdtReserveEntry[] = [];
  const blocks: [string, number, number][] = [
    ['struct block', h.offDtStruct, h.offDtStruct + Math.max(h.sizeDtStruct, 0)],
    ['strings block', h.offDtStrings, h.offDtStrings + h.sizeDtStrings],
  ];
  for (let off = h.offMemRsvmap; ; off += FDT_RESERVE_ENTRY_SIZE) {
    const field = `mem_rsvmap[${out.length}]`;
    if (off + FDT_RESERVE_ENTRY_SIZE > h.totalsize)
      throw new FdtError(
        field,
        off,
        `entry runs past totalsize ${hex(h.totalsize)} (no terminator)`,
      );
    for (const [what, s, e] of blocks)
      if (e > s && off < e && s < off + FDT_RESERVE_ENTRY_SIZE)
        throw new FdtError(field, off, `entry overlaps the ${what} [${hex(s)}, ${hex(e)})`);
    const address = be64(b, off);
    const size = be64(b, off + 8);
    if (address === 0n && size === 0n) return out;
    if (address + size > 0xffffffffffffffffn)
      throw new FdtError(
        field,
        off,
        `address ${hex(address)} + size ${hex(size)} overflows 64 bits`,
      );
    out.push({ address, size });
  }
}
