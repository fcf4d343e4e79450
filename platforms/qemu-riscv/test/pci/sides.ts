// Our machine with virtio-pci devices behind the qtest Side interface (test/virtio/qtest-sides.ts), and
// the device kinds the PCI differentials plug on both machines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { P9Server } from '../../src/machine/backends/fs/server';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { Machine } from '../../src/machine/machine';
import { createQtestSession } from '../../src/machine/qtest';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { Virtio9p } from '../../src/machine/virtio/devices/p9';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import type { VirtioDevice } from '../../src/machine/virtio-mmio/device';
import type { VirtioPciOptions } from '../../src/machine/virtio-pci/transport';
import { Side } from '../virtio/qtest-sides';

export const ECAM = 0x30000000;
export const PIO = 0x03000000;
export const MMIO = 0x40000000;
export const cfgAddr = (slot: number, fn = 0, reg = 0, bus = 0) =>
  ECAM + bus * 2 ** 20 + slot * 0x8000 + fn * 0x1000 + reg;

export type Mode = 'transitional' | 'modern' | 'legacy';
export const MODES: Mode[] = ['transitional', 'modern', 'legacy'];
export const modeOpts = (m: Mode): VirtioPciOptions =>
  m === 'modern' ? { disableLegacy: true } : m === 'legacy' ? { disableModern: true } : {};
export const modeProps = (m: Mode): string =>
  m === 'modern' ? ',disable-legacy=on' : m === 'legacy' ? ',disable-modern=on' : '';

/** One device kind on both machines: QEMU's -device (plus other arguments) and our model. */
export interface Kind {
  name: string;
  qemu: (props: string) => { device: string; extra: string[] };
  ours: () => VirtioDevice;
}

const share = () => mkdtempSync(join(tmpdir(), 'rk-pci-9p-'));
const disk = () => new Uint8Array(16 << 20).map((_, i) => (i >= 4096 && i < 12288 ? i & 0xff : 0));

export const KINDS: Kind[] = [
  {
    name: 'net',
    // no option ROM: nothing on this machine runs one (QEMU's default romfile is iPXE's efi-virtio.rom)
    qemu: (p) => ({ device: `virtio-net-pci,romfile=${p}`, extra: [] }),
    ours: () => new VirtioNet(new NetHub().port('n')),
  },
  {
    name: 'blk',
    qemu: (p) => ({ device: `virtio-blk-pci,drive=d0${p}`, extra: ['-drive', 'DRIVE'] }),
    ours: () => new VirtioBlk(new MemoryBlockBackend('d0', disk())),
  },
  {
    name: 'rng',
    qemu: (p) => ({ device: `virtio-rng-pci${p}`, extra: [] }),
    ours: () => new VirtioRng(counterRng()),
  },
  {
    name: '9p',
    qemu: (p) => ({
      device: `virtio-9p-pci,fsdev=f0,mount_tag=share${p}`,
      extra: ['-fsdev', `local,id=f0,path=${share()},security_model=none`],
    }),
    ours: () =>
      new Virtio9p(
        new P9Server({ root: share(), securityModel: 'none', readOnly: false }),
        'share',
      ),
  },
];

/** Our machine (64 MiB, held as qtest holds it) with `devices` plugged on the PCIe bus in order. */
export function oursPciSide(
  devices: { dev: VirtioDevice; opts?: VirtioPciOptions }[],
  hub?: NetHub,
): Side {
  const m = new Machine({ console: 'none', memory: 64 << 20 });
  for (const d of devices) m.plugVirtioPci(d.dev, d.opts);
  const session = createQtestSession(m.qtest);
  const wire = hub?.port('wire');
  return new Side(
    'ours',
    async (l) => session(l),
    async (frame) => {
      if (!wire) throw new Error('no wire');
      wire.send(frame);
    },
    async () => m.powerOff(0),
  );
}
