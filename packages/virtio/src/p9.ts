// virtio-9p driver (virtio 1.2 §5.?: Linux net/9p/trans_virtio.c, Unikraft plat/drivers/virtio/
// virtio_9p.c): one request queue of [T-message][room for the R-message] chains; the mount tag from
// config space names the device to rk9p's "virtio" transport.
import { Errno } from '@runikraft/errno';
import type {
  RkP9Channel,
  RkP9Transport,
  RkP9TransportHandler,
  RkP9TransportReq,
} from '@runikraft/rk9p';
import type { RkPhysMem } from '@runikraft/rkplat';
import { type DmaAllocator, dmaAlloc } from './dma';
import { VIRTIO_CONFIG_S_NEEDS_RESET } from './regs';
import type { VirtioTransport } from './virtio-dev';
import type { Vring, VringSeg } from './vring';
import type { DriverWaiter } from './waiter';

/** The device has a mount tag in config space (virtio_9p.h). */
export const VIRTIO_9P_MOUNT_TAG = 0;
/** Largest msize offered: Linux's virtio transport caps it at 512 KiB as well. */
export const VIRTIO_9P_MAX_MSIZE = 512 * 1024;

/** Reads the mount tag (tag_len[2] then bytes, no NUL). @returns the tag or null when unusable. */
export function readMountTag(t: VirtioTransport): string | null {
  const n = t.config(0, 2);
  if (n === 0 || n > 255) return null;
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = t.config(2 + i, 1);
  let s = '';
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) return null; // QEMU tags are printable ASCII
    s += String.fromCharCode(b);
  }
  return s;
}

export class VirtioP9Driver {
  private handler: RkP9TransportHandler | null = null;
  /** Requests the device holds (their chains are out): a count, each chain comes back once. */
  private out = 0;
  private readonly pair: [VringSeg, VringSeg] = [
    { pa: 0, len: 0, write: false },
    { pa: 0, len: 0, write: true },
  ];

  constructor(
    readonly tag: string,
    private readonly t: VirtioTransport,
    private readonly phys: RkPhysMem,
    private readonly vq: Vring<RkP9TransportReq>,
    private readonly dma: DmaAllocator,
    private readonly waiter: DriverWaiter,
  ) {}

  /** IRQ: hands each completed chain's reply to rk9p. */
  onInterrupt(): void {
    for (let u = this.vq.getUsed(); u; u = this.vq.getUsed()) {
      const req = u.token;
      this.out--;
      const h = this.handler;
      if (h) {
        h.reply(req.rx.subarray(0, u.len), req);
        h.release(req);
      }
    }
    this.waiter.wake();
  }

  private pa(buf: Uint8Array): number {
    return buf.buffer === this.phys.u8.buffer ? this.phys.base + buf.byteOffset : -1;
  }

  /** rk9p: one connection at a time (Linux: a channel is "inuse" until closed). */
  connect(handler: RkP9TransportHandler): RkP9Channel | number {
    if (this.handler) return -Errno.EBUSY;
    this.handler = handler;
    const ch: RkP9Channel = {
      maxMsize: VIRTIO_9P_MAX_MSIZE,
      allocBuffer: (n) => {
        const pa = dmaAlloc(this.dma, n, 64);
        return pa < 0 ? null : this.phys.u8.subarray(pa - this.phys.base, pa - this.phys.base + n);
      },
      freeBuffer: (b) => {
        const pa = this.pa(b);
        if (pa >= 0) this.dma.free(pa);
      },
      request: (req) => this.request(handler, req),
      wait: async () => {
        await this.waiter.once();
        if (this.vq.hasUsed()) this.onInterrupt();
        if (this.t.status() & VIRTIO_CONFIG_S_NEEDS_RESET && this.handler === handler)
          handler.down(`virtio-9p '${this.tag}': the device needs a reset`);
      },
      wake: () => this.waiter.wake(),
      close: () => {
        if (this.handler !== handler) return;
        this.handler = null;
        // chains still out come back later and are dropped; their buffers stay with the device
        handler.down('closed');
      },
    };
    return ch;
  }

  private request(handler: RkP9TransportHandler, req: RkP9TransportReq): number {
    if (this.handler !== handler) return -Errno.ENOTCONN;
    if (this.t.status() & VIRTIO_CONFIG_S_NEEDS_RESET) return -Errno.ENOTCONN;
    const tx = this.pa(req.tx);
    const rx = this.pa(req.rx);
    if (tx < 0 || rx < 0) return -Errno.EFAULT; // not from allocBuffer: not in guest RAM
    if (req.tx.length > VIRTIO_9P_MAX_MSIZE) return -Errno.EMSGSIZE;
    // one [T-message][reply room] pair, refilled per request (add copies it into descriptors)
    const [t, r] = this.pair;
    t.pa = tx;
    t.len = req.tx.length;
    r.pa = rx;
    r.len = req.rx.length;
    const rc = this.vq.add(this.pair, req);
    if (rc === -Errno.ENOSPC) return -Errno.EBUSY;
    if (rc < 0) return rc;
    this.out++;
    if (this.vq.kickPrepare()) this.t.notify(0);
    // A device that answered inside the notify (the machine's 9P server does) is reaped now, so
    // the caller finds its request settled instead of parking for the interrupt.
    if (this.vq.hasUsed()) this.onInterrupt();
    return 0;
  }

  /** Requests whose chains the device still holds. */
  get inflight(): number {
    return this.out;
  }
}

/** rk9p's "virtio" transport: every bound virtio-9p device, by mount tag. */
export class VirtioP9Transport implements RkP9Transport {
  readonly name = 'virtio';
  private readonly devs: VirtioP9Driver[] = [];

  add(d: VirtioP9Driver): void {
    this.devs.push(d);
  }
  devices(): readonly string[] {
    return this.devs.map((d) => d.tag);
  }
  /** @returns the channel; -ENODEV for an unknown tag; -EBUSY when that device is connected. */
  connect(device: string, handler: RkP9TransportHandler): RkP9Channel | number {
    const d = this.devs.find((x) => x.tag === device);
    return d ? d.connect(handler) : -Errno.ENODEV;
  }
}
