// Guard canaries around blocks and poison fills, written to and checked in guest RAM.
import { RK_CANARY_BYTES, RK_POISON_BYTE } from './options';

/** The canary byte at `i` (0..15) for the block at `user`, derived from the allocator's secret. */
function canaryWord(secret: number, user: number): number {
  return (secret ^ Math.imul((user / 16) >>> 0, 0x9e3779b1)) >>> 0;
}

/** Writes canaries before `user` and right after `user + size`. `off` is user's offset in `u8`. */
export function writeCanaries(
  u8: Uint8Array,
  off: number,
  size: number,
  secret: number,
  user: number,
): void {
  const w = canaryWord(secret, user);
  for (let i = 0; i < RK_CANARY_BYTES; i++) {
    const b = (w >>> ((i & 3) << 3)) & 0xff;
    u8[off - RK_CANARY_BYTES + i] = b;
    u8[off + size + i] = b ^ 0xff;
  }
}

/** Checks the canaries; returns 'canary-front', 'canary-back' or null when intact. */
export function checkCanaries(
  u8: Uint8Array,
  off: number,
  size: number,
  secret: number,
  user: number,
): 'canary-front' | 'canary-back' | null {
  const w = canaryWord(secret, user);
  for (let i = 0; i < RK_CANARY_BYTES; i++) {
    const b = (w >>> ((i & 3) << 3)) & 0xff;
    if (u8[off - RK_CANARY_BYTES + i] !== b) return 'canary-front';
    if (u8[off + size + i] !== (b ^ 0xff)) return 'canary-back';
  }
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
