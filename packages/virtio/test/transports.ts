// The four ways a test plugs a virtio device into a booted machine: virtio-mmio legacy / modern, and
// virtio-pci modern (disable-legacy=on) / legacy (disable-modern=on). Apps' tests run over all four.
import type { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import type { VirtioDevice } from '../../../platforms/qemu-riscv/src/machine/virtio-mmio/device';

export const TRANSPORTS: readonly TestTransport[] = [
  { name: 'legacy virtio-mmio', pci: false, legacy: true },
  { name: 'modern virtio-mmio', pci: false, legacy: false },
  { name: 'modern virtio-pci (disable-legacy=on)', pci: true, legacy: false },
  { name: 'legacy virtio-pci (disable-modern=on)', pci: true, legacy: true },
] as const;

export interface TestTransport {
  readonly name: string;
  readonly pci: boolean;
  readonly legacy: boolean;
}

/** Machine options the transport needs (virtio-mmio's mode is machine-wide). */
export const machineOpts = (t: TestTransport) => ({ virtioForceLegacy: !t.pci && t.legacy });

/** Plugs `dev` on `t` (PCI: the next free slot; MMIO: slot 7 downwards, as QEMU). */
export function plug(m: Machine, dev: VirtioDevice, t: TestTransport): void {
  if (!t.pci) m.plugVirtio(dev);
  else m.plugVirtioPci(dev, t.legacy ? { disableModern: true } : { disableLegacy: true });
}
