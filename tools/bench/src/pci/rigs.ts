// Booted machines with one device on a chosen transport: virtio-mmio (modern / legacy) or virtio-pci
// (modern: disable-legacy=on; legacy: disable-modern=on), the same device models behind each.
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import type { VirtioDevice } from '../../../../platforms/qemu-riscv/src/machine/virtio-mmio/device';

export const TRANSPORTS = ['mmio-modern', 'mmio-legacy', 'pci-modern', 'pci-legacy'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A machine (host clock) running `append`, with `devices` plugged on `transport`. */
export function machineWith(
  transport: Transport,
  devices: VirtioDevice[],
  append: string,
  console: (t: string) => void,
): Machine {
  const m = new Machine({
    console,
    clock: 'host',
    memory: 64 << 20,
    virtioForceLegacy: transport === 'mmio-legacy',
    append,
  });
  for (const d of devices) {
    if (transport.startsWith('mmio')) m.plugVirtio(d);
    else
      m.plugVirtioPci(
        d,
        transport === 'pci-modern' ? { disableLegacy: true } : { disableModern: true },
      );
  }
  return m;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
};
