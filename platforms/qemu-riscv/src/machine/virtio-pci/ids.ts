// What each virtio-*-pci device looks like on the bus in QEMU 7.2 (hw/virtio/virtio-*-pci.c,
// virtio_pci_device_plugged): transitional IDs 0x1000 + n, modern-only 0x1040 + ID, class codes and
// MSI-X vector counts.
export interface VirtioPciKind {
  /** The transitional (legacy) PCI device ID. */
  readonly legacyId: number;
  /** 24-bit class code. */
  readonly classCode: number;
  /** MSI-X vectors QEMU allocates by default. */
  readonly vectors: number;
  /** Device bits only legacy drivers see (QEMU's vdc->legacy_features beyond the common ones). */
  readonly legacyOnly?: bigint;
}

const KINDS: Record<number, VirtioPciKind> = {
  // net: 2 * queue pairs + 2 vectors; GSO (bit 6) is legacy-only
  1: { legacyId: 0x1000, classCode: 0x020000, vectors: 4, legacyOnly: 1n << 6n },
  2: { legacyId: 0x1001, classCode: 0x010000, vectors: 2 }, // blk: queues + 1
  4: { legacyId: 0x1005, classCode: 0x00ff00, vectors: 2 }, // rng
  9: { legacyId: 0x1009, classCode: 0x000200, vectors: 2 }, // 9p (class_id 0x2)
};

/** @returns the PCI identity of virtio device `deviceId`. @throws for a device with no PCI form. */
export function virtioPciKind(deviceId: number): VirtioPciKind {
  const k = KINDS[deviceId];
  if (!k) throw new Error(`virtio-pci: virtio device ID ${deviceId} has no PCI form in this model`);
  return k;
}

export const VIRTIO_PCI_MODERN_ID_BASE = 0x1040;
/** Feature 30: "the guest did not negotiate properly" (legacy drivers see it offered). */
export const VIRTIO_F_BAD_FEATURE = 30;
export const VIRTIO_NO_VECTOR = 0xffff;
/** Queues a transport addresses (VIRTIO_QUEUE_MAX). */
export const VIRTIO_QUEUE_MAX = 1024;

/** Modern capability types (virtio 1.2 §4.1.4). */
export const VIRTIO_PCI_CAP_COMMON_CFG = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG = 2;
export const VIRTIO_PCI_CAP_ISR_CFG = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG = 4;
export const VIRTIO_PCI_CAP_PCI_CFG = 5;
