// Helpers for the CSR file: the instruction word QEMU reports in xtval for an illegal CSR access
// (RISC-V unprivileged spec §9.1 "Zicsr"), and 64-bit CSR value conversions for JS numbers.

const CSRRW = 1;
const CSRRS = 2;
const CSRRC = 3;

/** Encodes `csrr a0, csr` / `csrw csr, a1` / `csrs` / `csrc` as the faulting instruction word. */
export function csrInstruction(csr: number, op: 'r' | 'w' | 's' | 'c'): number {
  const funct3 = op === 'w' ? CSRRW : op === 'c' ? CSRRC : CSRRS;
  const rs1 = op === 'r' ? 0 : 11; // x0 for a plain read, a1 otherwise
  const rd = op === 'w' ? 0 : 10; // a0
  return ((csr << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x73) >>> 0;
}

const U64_MAX = 0xffffffffffffffffn;

/** A JS number written to a 64-bit CSR: negative values are two's complement, huge values saturate. */
export function toU64(value: number): bigint {
  if (!Number.isFinite(value)) return value > 0 ? U64_MAX : 0n;
  const v = BigInt(Math.trunc(value));
  if (v > U64_MAX) return U64_MAX;
  return BigInt.asUintN(64, v);
}

/**
 * A 64-bit CSR value as a JS number: exact below 2^53; values with bit 63 set read as negative
 * (two's complement), so all-ones reads back as -1 exactly and round-trips through toU64.
 */
export const fromU64 = (v: bigint): number => Number(BigInt.asIntN(64, v));
