// virtio-net driver (virtio 1.2 §5.1, Unikraft plat/drivers/virtio/virtio_net.c): netbufs posted
// zero-copy to RX/TX rings, header in the netbuf headroom, interrupt-mode RX callbacks.
import { Errno } from '@runikraft/errno';
import type {
  RkNetbuf,
  RkNetdevConf,
  RkNetdevInfo,
  RkNetdevRxQueueConf,
  RkRxResult,
} from '@runikraft/rknetdev';
import {
  RK_NETDEV_STATUS_MORE,
  RK_NETDEV_STATUS_SUCCESS,
  type RkNetdevDriverHandle,
  type RkNetdevOps,
} from '@runikraft/rknetdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';
import { VIRTIO_CONFIG_S_DRIVER_OK } from './regs';
import type { VirtioTransport } from './virtio-dev';
import type { Vring, VringSeg } from './vring';

export const VIRTIO_NET_F_MTU = 3;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_STATUS = 16;

/** Allocates and registers a ring for queue `i`; provided by the bus. @returns the ring or -errno. */
export type RingFactory = (queue: number, want: number) => Vring<RkNetbuf> | number;

export class VirtioNetDriver implements RkNetdevOps {
  private handle: RkNetdevDriverHandle | null = null;
  private rx: Vring<RkNetbuf> | null = null;
  private tx: Vring<RkNetbuf> | null = null;
  private rxConf: RkNetdevRxQueueConf | null = null;
  private readonly hdrLen: number;
  private readonly mac: Uint8Array;
  private readonly mtuValue: number;
  private intr = false;
  /** Packets added to the TX ring since the device was last told (xmit with `more`). */
  private txUnkicked = false;

  constructor(
    private readonly t: VirtioTransport,
    private readonly phys: RkPhysMem,
    private readonly features: bigint,
    private readonly makeRing: RingFactory,
  ) {
    const has = (b: number) => (features & (1n << BigInt(b))) !== 0n;
    this.hdrLen = t.legacy ? 10 : 12;
    this.mac = has(VIRTIO_NET_F_MAC)
      ? Uint8Array.from({ length: 6 }, (_, i) => t.config(i, 1))
      : Uint8Array.of(0x02, 0, 0, 0, 0, t.irq);
    this.mtuValue = has(VIRTIO_NET_F_MTU) ? t.config(10, 2) : 1500;
  }

  attach(handle: RkNetdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkNetdevInfo {
    return {
      maxRxQueues: 1,
      maxTxQueues: 1,
      maxMtu: this.mtuValue,
      txHeadroom: this.hdrLen,
      rxHeadroom: this.hdrLen,
    };
  }
  configure(_c: RkNetdevConf): number {
    return 0;
  }
  rxqSetup(_q: number, nbDesc: number, conf: RkNetdevRxQueueConf): number {
    const r = this.rx ?? this.makeRing(0, nbDesc || 256);
    if (typeof r === 'number') return r;
    this.rx = r;
    this.rxConf = conf;
    return 0;
  }
  txqSetup(_q: number, nbDesc: number): number {
    const r = this.tx ?? this.makeRing(1, nbDesc || 256);
    if (typeof r === 'number') return r;
    this.tx = r;
    this.tx.disableInterrupts(); // TX completions are reaped lazily on the next transmit
    return 0;
  }

  start(): number {
    if (!(this.t.status() & VIRTIO_CONFIG_S_DRIVER_OK)) this.t.addStatus(VIRTIO_CONFIG_S_DRIVER_OK);
    if (!this.intr) this.rx?.disableInterrupts();
    this.refill();
    return 0;
  }
  stop(): number {
    return 0;
  }
  hwaddr(): Uint8Array {
    return this.mac;
  }
  mtu(): number {
    return this.mtuValue;
  }
  linkUp(): boolean {
    return (
      (this.features & (1n << BigInt(VIRTIO_NET_F_STATUS))) === 0n ||
      (this.t.config(6, 2) & 1) === 1
    );
  }
  rxIntrEnable(): number {
    this.intr = true;
    if (this.rx?.enableInterrupts()) this.handle?.rxReady(0);
    return 0;
  }
  rxIntrDisable(): number {
    this.intr = false;
    this.rx?.disableInterrupts();
    return 0;
  }

  xmit(_q: number, pkt: RkNetbuf, more = false): number {
    const tx = this.tx;
    if (!tx) return -Errno.ENETDOWN;
    for (let u = tx.getUsed(); u; u = tx.getUsed()) u.token.free();
    if (pkt.data < this.hdrLen) return this.kickTx(-Errno.EINVAL);
    let n = 0;
    for (let b: RkNetbuf | null = pkt; b; b = b.next) n++;
    // One descriptor per netbuf: a chain longer than the ring never fits (an error, not "full": a caller
    // retrying a full ring would spin forever); a chain longer than the free descriptors waits for
    // completions and is reported as a status without SUCCESS (uk_netdev_tx_one: the caller keeps pkt).
    if (n > tx.size) return this.kickTx(-Errno.EMSGSIZE);
    if (n > tx.numFree) return this.kickTx(0);
    const segs: VringSeg[] = [];
    pkt.data -= this.hdrLen;
    pkt.len += this.hdrLen;
    this.phys.u8.fill(
      0,
      pkt.pa + pkt.data - this.phys.base,
      pkt.pa + pkt.data + this.hdrLen - this.phys.base,
    );
    for (let b: RkNetbuf | null = pkt; b; b = b.next)
      segs.push({ pa: b.pa + b.data, len: b.len, write: false });
    const r = tx.add(segs, pkt);
    if (r < 0) {
      pkt.data += this.hdrLen;
      pkt.len -= this.hdrLen;
      return this.kickTx(r);
    }
    this.txUnkicked = true;
    const status = RK_NETDEV_STATUS_SUCCESS | (tx.numFree > 0 ? RK_NETDEV_STATUS_MORE : 0);
    // with `more` the doorbell waits for the burst's last packet (or a full ring): one device exit
    // per burst, and the device drains the burst in one pass
    return more && tx.numFree > 0 ? status : this.kickTx(status);
  }

  /** Tells the device about packets added since it was last told (if it wants to hear). @returns r. */
  private kickTx(r: number): number {
    if (this.txUnkicked && this.tx?.kickPrepare()) this.t.notify(1);
    this.txUnkicked = false;
    return r;
  }

  recv(): RkRxResult {
    const rx = this.rx;
    if (!rx) return { status: -Errno.ENETDOWN, pkt: null };
    const u = rx.getUsed();
    if (!u) {
      if (this.intr && rx.enableInterrupts()) return this.recv();
      return { status: 0, pkt: null };
    }
    const nb = u.token;
    nb.data += this.hdrLen;
    nb.len = Math.max(0, u.len - this.hdrLen);
    this.refill();
    return {
      status: RK_NETDEV_STATUS_SUCCESS | (rx.hasUsed() ? RK_NETDEV_STATUS_MORE : 0),
      pkt: nb,
    };
  }

  /** IRQ: used buffers on RX → the front end's callback. */
  onInterrupt(): void {
    if (this.rx?.hasUsed()) this.handle?.rxReady(0);
  }

  /** Posts fresh RX buffers until the ring is full or the allocator runs dry. */
  private refill(): void {
    const rx = this.rx;
    if (!rx || !this.rxConf) return;
    const want = rx.numFree;
    if (want === 0) return;
    const bufs = this.rxConf.allocRx(want);
    for (const nb of bufs) {
      nb.len = 0;
      if (rx.add([{ pa: nb.pa + nb.data, len: nb.size - nb.data, write: true }], nb) < 0) {
        nb.free();
      }
    }
    if (bufs.length && rx.kickPrepare()) this.t.notify(0);
  }
}
