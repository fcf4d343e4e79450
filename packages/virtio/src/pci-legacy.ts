// The legacy virtio-pci transport (virtio 1.2 §4.1.4.8; Linux virtio_pci_legacy.c): the header in
// BAR0 (I/O space, reached through the host bridge's PIO window), 32 feature bits, queues of the
// device's fixed size handed over as a 4 KiB page frame number.
import type { RkPciDevice } from '@runikraft/rkpci/driver';
import type { RkPlatDevices } from '@runikraft/rkplat';
import * as P from './pci-regs';
import type { VirtioTransport } from './virtio-dev';

export class VirtioPciLegacy implements VirtioTransport {
  readonly legacy = true;
  readonly fixedQueueSize = true;
  readonly location: string;

  constructor(
    private readonly io: Pick<RkPlatDevices, 'read' | 'write'>,
    readonly pci: RkPciDevice,
    /** CPU address of BAR0. */
    private readonly base: number,
    /** Bytes BAR0 decodes (the device config ends there). */
    private readonly size: number,
    readonly deviceId: number,
  ) {
    this.location = pci.name;
  }

  get irq(): number {
    return this.pci.irq;
  }

  private r(off: number, w: 1 | 2 | 4): number {
    return this.io.read(this.base + off, w) >>> 0;
  }
  private w(off: number, w: 1 | 2 | 4, v: number): void {
    this.io.write(this.base + off, w, v >>> 0);
  }

  status(): number {
    return this.r(P.VIRTIO_PCI_STATUS, 1);
  }
  addStatus(bits: number): void {
    this.w(P.VIRTIO_PCI_STATUS, 1, this.status() | bits);
  }
  reset(): void {
    this.w(P.VIRTIO_PCI_STATUS, 1, 0);
    this.status(); // Linux vp_legacy_reset: a read flushes the write before the device is reused
  }

  /** Legacy has no FEATURES_OK handshake: the driver's write of the low 32 bits is the agreement. */
  negotiate(wanted: bigint): bigint | null {
    const f = wanted & BigInt(this.r(P.VIRTIO_PCI_HOST_FEATURES, 4)) & 0xffffffffn;
    this.w(P.VIRTIO_PCI_GUEST_FEATURES, 4, Number(f));
    return f;
  }

  queueMax(i: number): number {
    this.w(P.VIRTIO_PCI_QUEUE_SEL, 2, i);
    return this.r(P.VIRTIO_PCI_QUEUE_NUM, 2);
  }

  /** `size` must be the device's QueueNum (the bus asks for exactly that when fixedQueueSize). */
  setupQueue(i: number, _size: number, desc: number): boolean {
    this.w(P.VIRTIO_PCI_QUEUE_SEL, 2, i);
    this.w(P.VIRTIO_PCI_QUEUE_PFN, 4, Math.floor(desc / 2 ** P.VIRTIO_PCI_QUEUE_ADDR_SHIFT));
    return true;
  }

  notify(i: number): void {
    this.w(P.VIRTIO_PCI_QUEUE_NOTIFY, 2, i);
  }

  /** Reading the ISR byte acknowledges it and lowers INTx. */
  ackInterrupt(): number {
    return this.r(P.VIRTIO_PCI_ISR, 1);
  }

  /** @returns the field, or 0 past BAR0. */
  config(off: number, width: 1 | 2 | 4): number {
    const at = P.VIRTIO_PCI_CONFIG_OFF + off;
    return off < 0 || at + width > this.size ? 0 : this.r(at, width);
  }
}
