// virtio-rng (virtio 1.2 §5.4, QEMU hw/virtio/virtio-rng.c): one request queue of device-writable
// buffers, filled with host entropy; used.len = bytes filled. No config space, no feature bits.
// As QEMU, device-readable descriptors are ignored, not a driver bug.
import { hostRng, type RngBackend } from '../../backends/rng/backend';
import type { DeviceVirtqueue } from '../queue';
import { VirtqFault, writeSegs } from '../queue';
import { VirtioDeviceModel } from './model';

export const VIRTIO_ID_RNG = 4;

/** Bytes served per request at most (QEMU serves what the chain asks, bounded by its rate limit). */
const MAX_REQUEST = 64 * 1024;

export class VirtioRng extends VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly numQueues = 1;
  /** QEMU's virtio-rng queue holds 8 entries. */
  queueSizeDefault(): number {
    return 8;
  }
  readonly configLen = 0;
  /** virtio_rng_process returns while !vm_running. */
  readonly pausesWhileStopped = true;
  private readonly scratch = new Uint8Array(MAX_REQUEST);

  constructor(private readonly backend: RngBackend = hostRng) {
    super();
  }

  protected deviceFeatures(): bigint {
    return 0n;
  }

  /**
   * QEMU's virtio_rng_process + chr_read: ask for as many bytes as the available chains can take
   * (their writable bytes), then pop chains in order until that many were written. A chain with no
   * writable bytes is completed with used.len 0 when it comes before one that takes entropy, and is
   * left available otherwise.
   */
  protected onNotify(_index: number, q: DeviceVirtqueue): void {
    const ram = this.hostRam();
    for (;;) {
      const avail = q.availBytes(MAX_REQUEST);
      if (avail instanceof VirtqFault) {
        this.fail(avail.message);
        return;
      }
      const size = Math.min(avail.in, MAX_REQUEST);
      if (size === 0) return;
      const buf = this.scratch.subarray(0, size);
      const got = this.backend.fill(buf);
      for (let off = 0; off < got; ) {
        const c = this.pop(q);
        if (!c) return;
        const written = writeSegs(ram, c.writable, 0, buf.subarray(off, got));
        off += written;
        this.complete(q, c.head, written);
      }
      if (got < size) return;
    }
  }
}
