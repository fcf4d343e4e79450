// The boot hand-off (REFERENCE.md §3; QEMU hw/riscv/boot.c, OpenSBI v1.1 fdt_fixups): where the kernel
// entry, initrd and device tree go, and what OpenSBI changes in the tree before it starts the S-mode kernel.
import { VIRT_DRAM } from '../../isa/memmap';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** OpenSBI v1.1 fw_dynamic occupies the first 512 KiB of RAM, PMP-protected from S-mode. */
export const FIRMWARE_SIZE = 0x80000;

/** Kernel entry: DRAM base with `-bios none`, firmware end rounded up to 2 MiB with OpenSBI. */
export const kernelEntry = (mode: 'M' | 'S'): number =>
  mode === 'M' ? VIRT_DRAM : VIRT_DRAM + 2 * MiB;

/** riscv_load_initrd: kernel entry + min(RAM/2, 128 MiB). */
export const initrdStart = (mode: 'M' | 'S', memory: number): number =>
  kernelEntry(mode) + Math.min(memory / 2, 128 * MiB);

/** riscv_compute_fdt_addr: align_down(min(DRAM end, 3 GiB) - totalsize, 2 MiB). */
export function fdtAddress(memory: number, totalsize: number): number {
  const end = Math.min(VIRT_DRAM + memory, 3 * GiB);
  return Math.floor((end - totalsize) / (2 * MiB)) * (2 * MiB);
}

const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const IRQ_M_EXT = 11;

/**
 * OpenSBI's fdt_plic_fixup: in the PLIC's interrupts-extended, M-mode external-interrupt entries become
 * 0xffffffff so the S-mode kernel does not use M contexts. Patches `blob` in place (same size).
 */
export function plicFixup(blob: Uint8Array): void {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const offStruct = v.getUint32(8);
  const offStrings = v.getUint32(12);
  const name = (at: number): string => {
    let e = at;
    while (e < blob.length && blob[e] !== 0) e++;
    return new TextDecoder().decode(blob.subarray(at, e));
  };
  const stack: string[] = [];
  let p = offStruct;
  while (p + 4 <= blob.length) {
    const tag = v.getUint32(p);
    p += 4;
    if (tag === FDT_BEGIN_NODE) {
      const n = name(p);
      stack.push(n);
      p += (n.length + 4) & ~3;
    } else if (tag === FDT_END_NODE) stack.pop();
    else if (tag === FDT_PROP) {
      const len = v.getUint32(p);
      const prop = name(offStrings + v.getUint32(p + 4));
      const data = p + 8;
      if (prop === 'interrupts-extended' && /^plic@/.test(stack[stack.length - 1] ?? ''))
        for (let c = data; c + 8 <= data + len; c += 8)
          if (v.getUint32(c + 4) === IRQ_M_EXT) v.setUint32(c + 4, 0xffffffff);
      p = data + ((len + 3) & ~3);
    } else if (tag === FDT_NOP) continue;
    else if (tag === FDT_END) return;
    else return;
  }
}
