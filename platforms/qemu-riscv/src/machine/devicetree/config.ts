// Options of the `virt` device-tree generator: the QEMU command-line choices that change the tree.

/** What `buildVirtDtb` needs; each field maps to a QEMU 7.2 option (README of the reference blobs). */
export interface VirtDtConfig {
  /** `-m`: RAM size in bytes, at 0x80000000. */
  memoryBytes: number;
  /** `-smp`: number of harts (one socket). */
  smp: number;
  /** `-machine virt,aclint=on`: ACLINT mswi/mtimer/sswi nodes instead of the CLINT. */
  aclint: boolean;
  /** `-append`: `/chosen/bootargs` (omitted when empty, as QEMU does). */
  bootargs?: string;
  /** `-initrd` placement: `/chosen/linux,initrd-start` and `-end`. */
  initrd?: { start: number; end: number };
  /** `/chosen/rng-seed`: QEMU puts 32 random bytes here on every run. */
  rngSeed: Uint8Array;
  /** Extra `/reserved-memory` children (not made by QEMU itself; firmware such as OpenSBI adds them). */
  reservedMemory?: { name: string; base: number; size: number }[];
}
