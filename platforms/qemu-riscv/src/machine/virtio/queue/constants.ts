// Split-virtqueue constants (virtio 1.2 §2.7.5–§2.7.10, §6 reserved feature bits).

export const VIRTQ_DESC_F_NEXT = 0x1;
export const VIRTQ_DESC_F_WRITE = 0x2;
export const VIRTQ_DESC_F_INDIRECT = 0x4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 0x1;
export const VIRTQ_USED_F_NO_NOTIFY = 0x1;

/** Bytes of one descriptor (`struct virtq_desc`). */
export const VIRTQ_DESC_SIZE = 16;
/** QEMU's VIRTQUEUE_MAX_SIZE, which QueueNumMax reports. */
export const VIRTQUEUE_MAX_SIZE = 1024;

export const VIRTIO_F_NOTIFY_ON_EMPTY = 24;
export const VIRTIO_F_ANY_LAYOUT = 27;
export const VIRTIO_F_RING_INDIRECT_DESC = 28;
export const VIRTIO_F_RING_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_F_RING_RESET = 40;

/** `vring_need_event` (virtio 1.2 §2.7.10): should a party that set `newIdx` (was `oldIdx`) notify? */
export function vringNeedEvent(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}
