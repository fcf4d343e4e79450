// virtio-rng (virtio 1.2 §5.4, QEMU hw/virtio/virtio-rng.c): one request queue of device-writable
// buffers, filled with host entropy; used.len = bytes filled. No config space, no feature bits.
import { hostRng, type RngBackend } from '../../backends/rng/backend';
import type { DeviceVirtqueue } from '../queue';
import { writeSegs } from '../queue';
import { VirtioDeviceModel } from './model';

export const VIRTIO_ID_RNG = 4;

/** Bytes served per request at most (QEMU serves what the chain asks, bounded by its rate limit). */
const MAX_REQUEST = 64 * 1024;

export class VirtioRng extends VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly numQueues = 1;
  readonly configLen = 0;
  private readonly scratch = new Uint8Array(MAX_REQUEST);
  /** Bytes of entropy handed to the guest. */
  served = 0;

  constructor(private readonly backend: RngBackend = hostRng) {
    super();
  }

  protected deviceFeatures(): bigint {
    return 0n;
  }

  protected onNotify(_index: number, q: DeviceVirtqueue): void {
    const ram = this.hostRam();
    for (let c = this.pop(q); c; c = this.pop(q)) {
      if (c.readable.length > 0) {
        this.fail(`virtio-rng: request ${c.head} has a device-readable descriptor`);
        return;
      }
      const want = Math.min(c.writeLen, MAX_REQUEST);
      const buf = this.scratch.subarray(0, want);
      const n = this.backend.fill(buf);
      const written = writeSegs(ram, c.writable, 0, buf.subarray(0, n));
      this.served += written;
      this.complete(q, c.head, written);
    }
  }
}
