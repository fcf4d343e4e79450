// What the drivers and the bus need of a transport (Unikraft's struct virtio_config_ops; Linux's
// virtio_config_ops): virtio-mmio and virtio-pci (modern and legacy) implement it, so the net, blk,
// rng and 9p drivers run unchanged over either.

export interface VirtioTransport {
  /** Where the device sits, for names and messages: "10008000" (MMIO base) or "0000:00:01.0". */
  readonly location: string;
  readonly deviceId: number;
  /** The legacy interface (virtio 1.2 §4.1.4.8, §4.2.4): 32 feature bits, PFN queues, 10-byte net header. */
  readonly legacy: boolean;
  /** The platform interrupt line it raises. */
  readonly irq: number;
  /** True when the device fixes each queue's size (legacy virtio-pci: QueueSize is read-only). */
  readonly fixedQueueSize: boolean;
  status(): number;
  /** Sets status bits (the device sees the accumulated value). */
  addStatus(bits: number): void;
  reset(): void;
  /** Accepts driver ∩ device features (+VERSION_1 when modern). @returns them, or null if refused. */
  negotiate(wanted: bigint): bigint | null;
  /** The largest size queue `i` takes (0 = no such queue). */
  queueMax(i: number): number;
  /**
   * Hands queue `i` (of `size` entries, rings at the given guest-physical addresses) to the device.
   * @returns false when the queue could never be notified (modern virtio-pci: its notify address lies
   * outside the notify structure); the queue is then left disabled.
   */
  setupQueue(i: number, size: number, desc: number, avail: number, used: number): boolean;
  notify(i: number): void;
  /** Reads and acknowledges the interrupt cause: bit 0 used buffers, bit 1 configuration change. */
  ackInterrupt(): number;
  /** Reads a device-configuration field (1/2/4 bytes, little-endian). */
  config(off: number, width: 1 | 2 | 4): number;
}

/** ISR / InterruptStatus bits, the same on both transports. */
export const VIRTIO_ISR_VQ = 0x1;
export const VIRTIO_ISR_CONFIG = 0x2;
