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
const IRQ_M_EXT = 11;
const PMU_PROPS = new Set([
  'riscv,event-to-mhpmcounters',
  'riscv,event-to-mhpmevent',
  'riscv,raw-event-to-mhpmcounters',
]);
const RESV_ORDER = ['#address-cells', '#size-cells', 'ranges'];

interface Prop {
  node: string;
  name: string;
  at: number;
  end: number;
  data: number;
  len: number;
}

/** Walks the structure block and lists every property with its node's path. */
function props(blob: Uint8Array, v: DataView): Prop[] {
  const offStruct = v.getUint32(8);
  const offStrings = v.getUint32(12);
  const str = (at: number): string => {
    let e = at;
    while (e < blob.length && blob[e] !== 0) e++;
    return new TextDecoder().decode(blob.subarray(at, e));
  };
  const out: Prop[] = [];
  const stack: string[] = [];
  let p = offStruct;
  while (p + 4 <= blob.length) {
    const tag = v.getUint32(p);
    if (tag === FDT_BEGIN_NODE) {
      const n = str(p + 4);
      stack.push(n);
      p += 4 + ((n.length + 4) & ~3);
    } else if (tag === FDT_END_NODE) {
      stack.pop();
      p += 4;
    } else if (tag === FDT_PROP) {
      const len = v.getUint32(p + 4);
      const end = p + 12 + ((len + 3) & ~3);
      out.push({
        node: stack.join('/') || '/',
        name: str(offStrings + v.getUint32(p + 8)),
        at: p,
        end,
        data: p + 12,
        len,
      });
      p = end;
    } else if (tag === FDT_NOP) p += 4;
    else break; // FDT_END or corruption: stop
  }
  return out;
}

function nop(v: DataView, from: number, to: number): void {
  for (let q = from; q < to; q += 4) v.setUint32(q, FDT_NOP);
}

/**
 * What OpenSBI v1.1 changes in QEMU's tree before starting an S-mode kernel (measured by dumping the
 * tree a payload receives): PLIC M-context entries become 0xffffffff (fdt_plic_fixup), the /pmu event
 * maps are deleted (fdt_pmu_fixup), and /reserved-memory/mmode_resv0 carries no `no-map` (PMP exists)
 * with its parent's properties in libfdt insertion order. Edits `blob` in place (deletions become NOPs).
 */
export function opensbiFixups(blob: Uint8Array): void {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const all = props(blob, v);
  for (const p of all) {
    const leaf = p.node.split('/').pop() ?? '';
    if (p.name === 'interrupts-extended' && leaf.startsWith('plic@'))
      for (let c = p.data; c + 8 <= p.data + p.len; c += 8)
        if (v.getUint32(c + 4) === IRQ_M_EXT) v.setUint32(c + 4, 0xffffffff);
    if (leaf === 'pmu' && PMU_PROPS.has(p.name)) nop(v, p.at, p.end);
    if (p.node.includes('reserved-memory/') && p.name === 'no-map') nop(v, p.at, p.end);
  }
  const resv = all.filter(
    (p) => p.node.endsWith('/reserved-memory') && RESV_ORDER.includes(p.name),
  );
  if (
    resv.length === RESV_ORDER.length &&
    resv.every((p, i) => i === 0 || p.at === resv[i - 1].end)
  ) {
    const chunks = RESV_ORDER.map((n) => {
      const p = resv.find((r) => r.name === n) as Prop;
      return blob.slice(p.at, p.end);
    });
    let q = resv[0].at;
    for (const c of chunks) {
      blob.set(c, q);
      q += c.length;
    }
  }
}
