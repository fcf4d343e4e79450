// buildVirtDtb: the device tree QEMU 7.2's `virt` machine hands the guest (hw/riscv/virt.c create_fdt, then
// the kernel/initrd loaders), replayed call for call on a libfdt-exact tree so the blob matches QEMU's bytes.

import { FdtError, FdtTree } from '@runikraft/fdt';
import type { VirtDtConfig } from './config';
import { createAclint, createClint, createCpus, createMemory, hi, lo } from './cpus';
import {
  createFlashAndFwCfg,
  createPcie,
  createPmu,
  createReset,
  createRtc,
  createUart,
  createVirtio,
} from './devices';
import { createPlic } from './plic';

const MAX_HARTS = 512; // VIRT_CPUS_MAX
const U32_MAX = 0xffffffff;

function check(cfg: VirtDtConfig): void {
  if (!Number.isSafeInteger(cfg.memoryBytes) || cfg.memoryBytes <= 0)
    throw new FdtError('virt.memoryBytes', -1, `${cfg.memoryBytes} is not a positive integer`);
  if (!Number.isInteger(cfg.smp) || cfg.smp < 1 || cfg.smp > MAX_HARTS)
    throw new FdtError('virt.smp', -1, `${cfg.smp} is outside 1..${MAX_HARTS}`);
  if (cfg.rngSeed.length !== 32)
    throw new FdtError('virt.rngSeed', -1, `QEMU passes 32 bytes, got ${cfg.rngSeed.length}`);
  const r = cfg.initrd;
  if (
    r &&
    (!Number.isSafeInteger(r.start) ||
      !Number.isSafeInteger(r.end) ||
      r.start < 0 ||
      r.end < r.start)
  )
    throw new FdtError('virt.initrd', -1, `[${r.start}, ${r.end}) is not a valid range`);
}

/**
 * Builds the `virt` device tree for these options (AIA variants are not modelled).
 * @returns the packed blob; throws FdtError for out-of-range options.
 */
export function buildVirtDtb(cfg: VirtDtConfig): Uint8Array {
  check(cfg);
  const t = new FdtTree();
  const phandle = { next: 1 };
  t.setPropString('/', 'model', 'riscv-virtio,qemu');
  t.setPropString('/', 'compatible', 'riscv-virtio');
  t.setPropU32('/', '#size-cells', 2);
  t.setPropU32('/', '#address-cells', 2);
  t.addSubnode('/soc');
  t.setPropEmpty('/soc', 'ranges');
  t.setPropString('/soc', 'compatible', 'simple-bus');
  t.setPropU32('/soc', '#size-cells', 2);
  t.setPropU32('/soc', '#address-cells', 2);

  const intc = createCpus(t, cfg.smp, phandle);
  createMemory(t, cfg.memoryBytes);
  if (cfg.aclint) createAclint(t, intc);
  else createClint(t, intc);
  const plic = createPlic(t, intc, phandle);
  createVirtio(t, plic);
  createPcie(t, plic, cfg.memoryBytes);
  createReset(t, phandle);
  createUart(t, plic);
  createRtc(t, plic);
  createFlashAndFwCfg(t);
  createPmu(t);
  if (cfg.bootargs) t.setPropString('/chosen', 'bootargs', cfg.bootargs);
  t.setProp('/chosen', 'rng-seed', cfg.rngSeed);
  if (cfg.initrd) {
    // QEMU 7.2 riscv_load_initrd writes one cell each; a range above 4 GiB gets two (QEMU 8 does so too).
    const wide = cfg.initrd.end > U32_MAX;
    for (const [name, v] of [
      ['linux,initrd-start', cfg.initrd.start],
      ['linux,initrd-end', cfg.initrd.end],
    ] as const)
      if (wide) t.setPropU64('/chosen', name, v);
      else t.setPropU32('/chosen', name, v);
  }
  if (cfg.reservedMemory?.length) addReservedMemory(t, cfg.reservedMemory);
  return t.toBlob();
}

/** /reserved-memory as firmware (OpenSBI) adds it: 2/2 cells, `ranges`, one `no-map` child per region. */
function addReservedMemory(t: FdtTree, regions: NonNullable<VirtDtConfig['reservedMemory']>): void {
  const root = '/reserved-memory';
  t.addSubnode(root);
  t.setPropU32(root, '#address-cells', 2);
  t.setPropU32(root, '#size-cells', 2);
  t.setPropEmpty(root, 'ranges');
  for (const r of [...regions].reverse()) {
    if (!Number.isSafeInteger(r.base) || !Number.isSafeInteger(r.size) || r.base < 0 || r.size <= 0)
      throw new FdtError(
        `virt.reservedMemory.${r.name}`,
        -1,
        `base ${r.base} / size ${r.size} is not a valid region`,
      );
    const name = `${root}/${r.name}@${r.base.toString(16)}`;
    t.addSubnode(name);
    t.setPropCells(name, 'reg', [hi(r.base), lo(r.base), hi(r.size), lo(r.size)]);
    t.setPropEmpty(name, 'no-map');
  }
}
