// virtio-rng driver (virtio 1.2 §5.4, Linux drivers/char/hw_random/virtio-rng.c): an `rkentropy` source.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkEntropySource } from '@runikraft/rkswrand';
import { VIRTIO_CONFIG_S_NEEDS_RESET } from './regs';
import type { VirtioTransport } from './virtio-dev';
import type { Vring } from './vring';
import type { DriverWaiter } from './waiter';

const CHUNK = 64;

export class VirtioRngDriver implements RkEntropySource {
  readonly name = 'virtio-rng';
  private done = 0;
  private busy = false;

  constructor(
    private readonly t: VirtioTransport,
    private readonly phys: RkPhysMem,
    private readonly vq: Vring<number>,
    private readonly bufPa: number,
    private readonly waiter: DriverWaiter,
  ) {}

  /** IRQ: used buffers arrived. */
  onInterrupt(): void {
    for (let u = this.vq.getUsed(); u; u = this.vq.getUsed()) this.done = u.len + 1;
    this.waiter.wake();
  }

  async read(buf: Uint8Array): Promise<number> {
    if (this.busy) return -Errno.EBUSY;
    this.busy = true;
    try {
      let filled = 0;
      while (filled < buf.length) {
        const want = Math.min(CHUNK, buf.length - filled);
        this.done = 0;
        const r = this.vq.add([{ pa: this.bufPa, len: want, write: true }], 1);
        if (r < 0) return filled || r;
        if (this.vq.kickPrepare()) this.t.notify(0);
        // interrupt-driven: the IRQ handler reaps and sets `done`; poll only after a wake-up without it
        while (this.done === 0 && !(this.t.status() & VIRTIO_CONFIG_S_NEEDS_RESET)) {
          await this.waiter.once();
          if (this.done === 0 && this.vq.hasUsed()) this.onInterrupt();
        }
        if (this.done === 0) return filled || -Errno.EIO;
        const got = Math.min(this.done - 1, want);
        const at = this.bufPa - this.phys.base;
        buf.set(this.phys.u8.subarray(at, at + got), filled);
        filled += got;
        if (got === 0) break;
      }
      return filled;
    } finally {
      this.busy = false;
    }
  }
}
