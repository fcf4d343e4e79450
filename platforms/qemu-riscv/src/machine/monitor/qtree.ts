// `info qtree` for the virt board (QEMU qdev-monitor.c qdev_print / bus_print): the devices the model
// has, newest first as QEMU lists a bus's children, with the properties QEMU prints for them. Values
// come from the model where it has them (harts, sources, force-legacy, drives, MAC, netdev, PCI
// addresses and BARs, offered virtio features); the rest are the constants of QEMU 7.2's devices,
// which the model implements as such. QEMU's platform-bus-device is not modelled and not listed.
import { VIRT_PLIC_SIZE } from '../../isa/memmap';
import type { Board } from '../board';
import type { PciFunction } from '../pci/function';
import { PCI_BAR_UNMAPPED } from '../pci/regs';
import type { VirtioDevice } from '../virtio-mmio/device';
import { virtioPciKind } from '../virtio-pci/ids';
import { VirtioPciFunction } from '../virtio-pci/transport';

/** What qtree needs beyond the board. */
export interface QtreeSource {
  board: Board;
  harts: number;
  aclint: boolean;
  legacyVirtio: boolean;
  /** `-device` properties of a plugged virtio device (netdev, drive, fsdev, mount_tag, ...). */
  qdevProps(dev: VirtioDevice): ReadonlyMap<string, string>;
}

const hex16 = (v: bigint | number) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
/** Regions QEMU maps through a container (serial-mm, pflash, gpex) print as unmapped (-1). */
const UNMAPPED = -1;
const mmio = (base: number, size: bigint | number) => `mmio ${hex16(base)}/${hex16(size)}`;
const num = (k: string, v: number | bigint) =>
  `${k} = ${v} (0x${BigInt.asUintN(64, BigInt(v)).toString(16)})`;
const str = (k: string, v: string) => `${k} = "${v}"`;
const bool = (k: string, v: boolean) => `${k} = ${v}`;

const VIRTIO_NAMES: Record<number, string> = {
  1: 'virtio-net',
  2: 'virtio-blk',
  4: 'virtio-rng',
  9: 'virtio-9p',
};

/** virtio-net's feature properties (hw/net/virtio-net.c virtio_net_properties), in QEMU's order. */
const NET_FEATURES: [string, number][] = [
  ['csum', 0],
  ['guest_csum', 1],
  ['gso', 6],
  ['guest_tso4', 7],
  ['guest_tso6', 8],
  ['guest_ecn', 9],
  ['guest_ufo', 10],
  ['guest_announce', 21],
  ['host_tso4', 11],
  ['host_tso6', 12],
  ['host_ecn', 13],
  ['host_ufo', 14],
  ['mrg_rxbuf', 15],
  ['status', 16],
  ['ctrl_vq', 17],
  ['ctrl_rx', 18],
  ['ctrl_vlan', 19],
  ['ctrl_rx_extra', 20],
  ['ctrl_mac_addr', 23],
  ['ctrl_guest_offloads', 2],
  ['mq', 22],
];

/** The transport features every virtio device lists last (virtio.c virtio_properties). */
const COMMON_FEATURES: [string, number][] = [
  ['indirect_desc', 28],
  ['event_idx', 29],
  ['notify_on_empty', 24],
  ['any_layout', 27],
  ['iommu_platform', 33],
  ['packed', 34],
];

const has = (features: bigint, bit: number) => ((features >> BigInt(bit)) & 1n) === 1n;

function virtioChild(dev: VirtioDevice, props: ReadonlyMap<string, string>): string[] {
  // What the device offers in either mode (QEMU's feature properties do not depend on the mode).
  const f = dev.hostFeatures(false) | dev.hostFeatures(true);
  const out: string[] = [`dev: ${VIRTIO_NAMES[dev.deviceId] ?? 'virtio'}-device, id ""`];
  const p = (k: string) => str(k, props.get(k) ?? '');
  if (dev.deviceId === 1) {
    for (const [k, bit] of NET_FEATURES) out.push(`  ${bool(k, has(f, bit))}`);
    const mac = (dev as { mac?: Uint8Array }).mac;
    if (mac)
      out.push(`  ${str('mac', [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'))}`);
    out.push(`  ${p('netdev')}`);
  } else if (dev.deviceId === 2) {
    out.push(`  ${p('drive')}`, `  ${p('serial')}`);
  } else if (dev.deviceId === 9) {
    out.push(`  ${p('mount_tag')}`, `  ${p('fsdev')}`);
  }
  for (const [k, bit] of COMMON_FEATURES) out.push(`  ${bool(k, has(f, bit))}`);
  return out;
}

/** pci_class_descriptions for the classes on the model's bus; others print as "Class %04x". */
const PCI_CLASSES: Record<number, string> = {
  256: 'SCSI controller',
  384: 'Storage controller',
  512: 'Ethernet controller',
  1536: 'Host bridge',
};

const h4 = (v: number) => v.toString(16).padStart(4, '0');
const h2 = (v: number) => v.toString(16).padStart(2, '0');

function pciDevice(
  fn: PciFunction,
  props: (d: VirtioDevice) => ReadonlyMap<string, string>,
): string[] {
  const f = fn instanceof VirtioPciFunction ? fn : null;
  const c = fn.cfg;
  const slot = fn.devfn >>> 3;
  const func = fn.devfn & 7;
  const cls = c.get(0x0a, 2);
  const name = f ? `${VIRTIO_NAMES[f.device.deviceId]}-pci` : fn.name;
  const out = [`dev: ${name}, id ""`];
  if (f) {
    out.push(
      `  ${str('disable-legacy', f.legacy ? 'off' : 'on')}`,
      `  ${bool('disable-modern', !f.modern)}`,
      `  ${num('vectors', virtioPciKind(f.device.deviceId).vectors)}`,
    );
  }
  out.push(
    `  addr = ${h2(slot)}.${func}`,
    `  ${bool('multifunction', (c.get(0x0e, 1) & 0x80) !== 0)}`,
    `  class ${PCI_CLASSES[cls] ?? `Class ${h4(cls)}`}, addr 00:${h2(slot)}.${func}, pci id ${h4(c.get(0, 2))}:${h4(c.get(2, 2))} (sub ${h4(c.get(0x2c, 2))}:${h4(c.get(0x2e, 2))})`,
  );
  for (const b of fn.bars) {
    if (!b) continue;
    const addr = b.addr === PCI_BAR_UNMAPPED ? -1n : BigInt(b.addr);
    const end = BigInt.asUintN(64, addr + BigInt(b.size) - 1n);
    out.push(
      `  bar ${b.index}: ${b.type & 1 ? 'i/o' : 'mem'} at 0x${BigInt.asUintN(64, addr).toString(16)} [0x${end.toString(16)}]`,
    );
  }
  if (f)
    out.push(
      '  bus: virtio-bus',
      '    type virtio-pci-bus',
      ...virtioChild(f.device, props(f.device)).map((l) => `    ${l}`),
    );
  return out;
}

/** The `info qtree` text (lines end in "\n"). */
export function virtQtree(s: QtreeSource): string {
  const b = s.board;
  const n = s.harts;
  const devs: string[][] = [];
  devs.push([
    'dev: fw_cfg_mem, id ""',
    `  ${num('data_width', b.fwCfg.data.size)}`,
    `  ${bool('dma_enabled', true)}`,
    `  ${num('x-file-slots', 32)}`,
    `  ${bool('acpi-mr-restore', true)}`,
    `  ${mmio(0x10100008, b.fwCfg.ctl.size)}`,
    `  ${mmio(0x10100000, b.fwCfg.data.size)}`,
    `  ${mmio(0x10100010, b.fwCfg.dma.size)}`,
  ]);
  for (const fl of [b.flash[1], b.flash[0]])
    devs.push([
      'dev: cfi.pflash01, id ""',
      `  ${str('drive', fl.driveId)}`,
      `  ${num('num-blocks', fl.size / 0x40000)}`,
      `  ${num('sector-length', 0x40000)}`,
      `  ${num('width', 4)}`,
      `  ${num('device-width', 2)}`,
      `  ${num('max-device-width', 2)}`,
      `  ${bool('big-endian', false)}`,
      `  ${bool('secure', false)}`,
      `  ${num('id0', 0x89)}`,
      `  ${num('id1', 0x18)}`,
      `  ${num('id2', 0)}`,
      `  ${num('id3', 0)}`,
      `  ${str('name', fl.name)}`,
      `  ${bool('old-multiple-chip-handling', false)}`,
      `  ${mmio(UNMAPPED, fl.size)}`,
    ]);
  devs.push([
    'dev: goldfish_rtc, id ""',
    '  gpio-out "sysbus-irq" 1',
    `  ${bool('big-endian', false)}`,
    `  ${mmio(0x101000, b.rtc.size)}`,
  ]);
  devs.push([
    'dev: serial-mm, id ""',
    '  gpio-out "sysbus-irq" 1',
    `  ${num('regshift', 0)}`,
    `  ${num('endianness', 2)}`,
    `  ${mmio(UNMAPPED, b.uart.size)}`,
  ]);
  const fns = b.pci.functions;
  const pci: string[] = [];
  for (const fn of [...fns].reverse())
    pci.push(...pciDevice(fn, s.qdevProps).map((l) => `    ${l}`));
  devs.push([
    'dev: gpex-pcihost, id ""',
    '  gpio-out "sysbus-irq" 4',
    `  ${bool('allow-unmapped-accesses', true)}`,
    `  ${bool('x-config-reg-migration-enabled', true)}`,
    `  ${bool('bypass-iommu', false)}`,
    `  ${mmio(UNMAPPED, b.pci.ecam.size)}`,
    `  ${mmio(UNMAPPED, 2n ** 64n - 1n)}`,
    `  ${mmio(0x3000000, 0x10000)}`,
    '  bus: pcie.0',
    '    type PCIE',
    ...pci,
  ]);
  for (const t of [...b.virtio].reverse()) {
    const lines = [
      'dev: virtio-mmio, id ""',
      '  gpio-out "sysbus-irq" 1',
      `  ${bool('format_transport_address', true)}`,
      `  ${bool('force-legacy', t.legacy)}`,
      `  ${bool('ioeventfd', false)}`,
      `  ${mmio(0x10001000 + 0x1000 * t.slot, t.size)}`,
      `  bus: virtio-mmio-bus.${t.slot}`,
      '    type virtio-mmio-bus',
    ];
    if (t.device)
      lines.push(...virtioChild(t.device, s.qdevProps(t.device)).map((l) => `    ${l}`));
    devs.push(lines);
  }
  devs.push(['dev: riscv.sifive.test, id ""', `  ${mmio(0x100000, b.finisher.size)}`]);
  devs.push([
    'dev: riscv.sifive.plic, id ""',
    `  gpio-in "" 96`,
    `  gpio-out "" ${2 * n}`,
    `  ${str('hart-config', Array(n).fill('MS').join(','))}`,
    `  ${num('hartid-base', 0)}`,
    `  ${num('num-sources', 96)}`,
    `  ${num('num-priorities', 7)}`,
    `  ${num('priority-base', 4)}`,
    `  ${num('pending-base', 0x1000)}`,
    `  ${num('enable-base', 0x2000)}`,
    `  ${num('enable-stride', 0x80)}`,
    `  ${num('context-base', 0x200000)}`,
    `  ${num('context-stride', 0x1000)}`,
    `  ${num('aperture-size', VIRT_PLIC_SIZE)}`,
    `  ${mmio(0xc000000, b.plic.size)}`,
  ]);
  const swi = (sswi: boolean, base: number, size: number) => [
    'dev: riscv.aclint.swi, id ""',
    `  gpio-out "" ${n}`,
    `  ${num('hartid-base', 0)}`,
    `  ${num('num-harts', n)}`,
    `  ${num('sswi', sswi ? 1 : 0)}`,
    `  ${mmio(base, size)}`,
  ];
  // Newest first: sifive_clint_create makes the MSWI then the MTIMER; aclint=on adds the SSWI last.
  if (b.sswi) devs.push(swi(true, 0x2f00000, b.sswi.size));
  devs.push([
    'dev: riscv.aclint.mtimer, id ""',
    `  gpio-out "" ${n}`,
    `  ${num('hartid-base', 0)}`,
    `  ${num('num-harts', n)}`,
    `  ${num('timecmp-base', 0)}`,
    `  ${num('time-base', 0x7ff8)}`,
    `  ${num('aperture-size', b.mtimer.size)}`,
    `  ${num('timebase-freq', 10_000_000)}`,
    `  ${mmio(0x2004000, b.mtimer.size)}`,
  ]);
  devs.push(swi(false, 0x2000000, b.mswi.size));
  devs.push([
    'dev: riscv.hart_array, id ""',
    `  ${num('num-harts', n)}`,
    `  ${num('hartid-base', 0)}`,
    `  ${str('cpu-type', 'rv64-riscv-cpu')}`,
    `  ${num('resetvec', 0x1000)}`,
  ]);
  const lines = ['bus: main-system-bus', '  type System', ...devs.flat().map((l) => `  ${l}`)];
  return `${lines.join('\n')}\n`;
}
