// `info mtree` for the virt board (QEMU softmmu/memory.c mtree_info): the system address space from
// the physical bus's own map — RAM, boot ROM, finisher, RTC, CLINT/ACLINT, PLIC, UART, the virtio-mmio
// transports, fw_cfg, the flash banks and the PCIe windows — in QEMU's names and format. QEMU's
// platform bus is not modelled and not listed; BARs the guest maps inside the PCIe windows are not
// shown as subregions.
import type { BusRegion } from '../bus';

const h = (v: number | bigint) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
const range = (base: number | bigint, end: number | bigint) => `${h(base)}-${h(end)}`;

/** How QEMU names and types a region the model maps under another name. */
function describe(r: BusRegion): { text: string; child?: string } {
  const n = r.dev.name;
  const last = r.end - 1;
  const io = (name: string) => ({ text: `(prio 0, i/o): ${name}` });
  // QEMU names the SSWI's region as the MSWI's (riscv_aclint_swi_realize: TYPE_RISCV_ACLINT_SWI).
  if (n === 'riscv.aclint.sswi') return io('riscv.aclint.swi');
  if (n === 'riscv.virt.mrom') return { text: '(prio 0, rom): riscv_virt_board.mrom' };
  if (/^virt\.flash\d$/.test(n)) return { text: `(prio 0, romd): ${n}` };
  if (/^virtio-mmio\.\d$/.test(n)) return io('virtio-mmio');
  if (n === 'gpex_ioport_window') return { ...io(n), child: 'gpex_ioport' };
  if (n === 'pcie-mmcfg-mmio')
    return io(`alias pcie-ecam @pcie-mmcfg-mmio ${range(0, r.end - r.base - 1)}`);
  if (n === 'gpex_mmio_window')
    return io(`alias pcie-mmio @gpex_mmio_window ${range(r.base, last)}`);
  if (n === 'gpex_mmio_window_high')
    return io(`alias pcie-mmio-high @gpex_mmio_window ${range(r.base, last)}`);
  return io(n);
}

/** The `info mtree` text (lines end in "\n"). */
export function virtMtree(opts: {
  regions: readonly BusRegion[];
  ram: { base: number; size: number };
  harts: number;
  /** Names of the PCI functions other than the host bridge (their bus-master address spaces). */
  pciDevices: readonly string[];
}): string {
  const regions = [
    ...opts.regions.map((r) => ({ base: r.base, end: r.end, d: describe(r) })),
    {
      base: opts.ram.base,
      end: opts.ram.base + opts.ram.size,
      d: { text: '(prio 0, ram): riscv_virt_board.ram' },
    },
  ].sort((a, b) => a.base - b.base);
  const system = [`  ${range(0, 2n ** 64n - 1n)} (prio 0, i/o): system`];
  for (const r of regions) {
    system.push(`    ${range(r.base, r.end - 1)} ${r.d.text}`);
    if (r.d.child) system.push(`      ${range(r.base, r.end - 1)} (prio 0, i/o): ${r.d.child}`);
  }
  const master = `  ${range(0, 2n ** 64n - 1n)} (prio 0, i/o): bus master container`;
  const out: string[] = [];
  for (const d of [...opts.pciDevices].reverse()) out.push(`address-space: ${d}`, master, '');
  for (let i = 0; i < opts.harts; i++) out.push(`address-space: cpu-memory-${i}`);
  out.push('address-space: memory', ...system, '');
  out.push('address-space: I/O', `  ${range(0, 0xffff)} (prio 0, i/o): io`, '');
  out.push('address-space: gpex-root', master, '');
  out.push('memory-region: system', ...system, '');
  out.push(
    'memory-region: pcie-mmcfg-mmio',
    `  ${range(0, 0xfffffff)} (prio 0, i/o): pcie-mmcfg-mmio`,
    '',
  );
  out.push(
    'memory-region: gpex_mmio_window',
    `  ${range(0, 2n ** 64n - 1n)} (prio 0, i/o): gpex_mmio_window`,
    `    ${range(0, 2n ** 64n - 1n)} (prio 0, i/o): gpex_mmio`,
    '',
  );
  return `${out.join('\n')}\n`;
}
