// Guard canaries around blocks and poison fills, written to and checked in guest RAM.
import { RK_CANARY_BYTES, RK_POISON_BYTE } from './options';

/** The canary byte at `i` (0..15) for the block at `user`, derived from the allocator's secret. */
function canaryWord(secret: number, user: number): number {
  return (secret ^ Math.imul((user / 16) >>> 0, 0x9e3779b1)) >>> 0;
}

/**
 * Writes canaries before `user` and right after `user + size`. `off` is user's offset in `u8`; `u32` is a
 * view of the same RAM, used for the 4-byte-aligned canaries (the front one always is).
 */
export function writeCanaries(
  u8: Uint8Array,
  u32: Uint32Array,
  off: number,
  size: number,
  secret: number,
  user: number,
): void {
  const w = canaryWord(secret, user);
  const f = (off - RK_CANARY_BYTES) >>> 2;
  u32[f] = u32[f + 1] = u32[f + 2] = u32[f + 3] = w;
  const end = off + size;
  if ((end & 3) === 0) {
    const b = end >>> 2;
    u32[b] = u32[b + 1] = u32[b + 2] = u32[b + 3] = ~w >>> 0;
  } else
    for (let i = 0; i < RK_CANARY_BYTES; i++) u8[end + i] = ((w >>> ((i & 3) << 3)) & 0xff) ^ 0xff;
}

/** Checks the canaries; returns 'canary-front', 'canary-back' or null when intact. */
export function checkCanaries(
  u8: Uint8Array,
  u32: Uint32Array,
  off: number,
  size: number,
  secret: number,
  user: number,
): 'canary-front' | 'canary-back' | null {
  const w = canaryWord(secret, user);
  const f = (off - RK_CANARY_BYTES) >>> 2;
  if (u32[f] !== w || u32[f + 1] !== w || u32[f + 2] !== w || u32[f + 3] !== w)
    return 'canary-front';
  const end = off + size;
  if ((end & 3) === 0) {
    const b = end >>> 2;
    const nw = ~w >>> 0;
    if (u32[b] !== nw || u32[b + 1] !== nw || u32[b + 2] !== nw || u32[b + 3] !== nw)
      return 'canary-back';
  } else
    for (let i = 0; i < RK_CANARY_BYTES; i++)
      if (u8[end + i] !== (((w >>> ((i & 3) << 3)) & 0xff) ^ 0xff)) return 'canary-back';
  return null;
}

const POISON_WORD = RK_POISON_BYTE * 0x01010101;
/** Bytes a quarantine eviction re-checks (the head of a block, where stale pointers usually write). */
export const RK_POISON_SPOT_CHECK = 256;

/**
 * Offset of the first byte in [off, off+len) that differs from the poison, or -1. Compares 32-bit words
 * where `u32` (a view of the same RAM) allows, bytes elsewhere.
 */
export function findUnpoisoned(
  u8: Uint8Array,
  off: number,
  len: number,
  u32?: Uint32Array,
): number {
  let i = off;
  const end = off + len;
  if (u32) {
    for (; i < end && (i & 3) !== 0; i++) if (u8[i] !== RK_POISON_BYTE) return i;
    for (; i + 4 <= end; i += 4) if (u32[i >>> 2] !== POISON_WORD >>> 0) break;
  }
  for (; i < end; i++) if (u8[i] !== RK_POISON_BYTE) return i;
  return -1;
}
