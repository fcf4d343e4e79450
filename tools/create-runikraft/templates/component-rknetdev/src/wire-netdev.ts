// __LIB__'s network driver: a NIC on a "wire" to start from. Frames the stack transmits go to
// `wire` (a function); frames arriving from it (`deliver`) fill the receive buffers the stack posted,
// and raise the receive interrupt when enabled. The library connects the wire back to the device
// itself (a loopback cable); a real driver would hand frames to its hardware here instead.
import { Errno } from '@runikraft/errno';
import {
  netbufRead,
  netbufWrite,
  type RkNetbuf,
  type RkNetdevConf,
  type RkNetdevInfo,
  type RkNetdevRxQueueConf,
  type RkRxResult,
} from '@runikraft/rknetdev';
import {
  RK_NETDEV_STATUS_MORE,
  RK_NETDEV_STATUS_SUCCESS,
  type RkNetdevDriverHandle,
  type RkNetdevOps,
} from '@runikraft/rknetdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';

const MTU = 1500;

/** One device with one RX and one TX queue. */
export class WireNetdev implements RkNetdevOps {
  private handle: RkNetdevDriverHandle | null = null;
  private rxConf: RkNetdevRxQueueConf | null = null;
  private ring = 64;
  /** Buffers the stack posted for reception, and those holding a received frame. */
  private readonly posted: RkNetbuf[] = [];
  private readonly filled: RkNetbuf[] = [];
  private running = false;
  private intr = false;
  /** Frames dropped on arrival: no posted buffer, or larger than one. */
  rxDropped = 0;

  constructor(
    private readonly phys: RkPhysMem,
    private readonly mac: Uint8Array,
    private readonly wire: (frame: Uint8Array) => void,
  ) {}

  /** Called once after registration with the handle that signals received frames. */
  attach(handle: RkNetdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkNetdevInfo {
    return { maxRxQueues: 1, maxTxQueues: 1, maxMtu: MTU, txHeadroom: 0, rxHeadroom: 0 };
  }
  configure(_conf: RkNetdevConf): number {
    return 0;
  }
  rxqSetup(_q: number, nbDesc: number, conf: RkNetdevRxQueueConf): number {
    this.ring = nbDesc > 0 ? nbDesc : 64;
    this.rxConf = conf;
    return 0;
  }
  txqSetup(): number {
    return 0;
  }
  start(): number {
    this.running = true;
    this.refill();
    return 0;
  }
  stop(): number {
    this.running = false;
    return 0;
  }
  hwaddr(): Uint8Array {
    return this.mac;
  }
  mtu(): number {
    return MTU;
  }
  linkUp(): boolean {
    return this.running;
  }
  rxIntrEnable(): number {
    this.intr = true;
    return 0;
  }
  rxIntrDisable(): number {
    this.intr = false;
    return 0;
  }

  /** Sends `pkt` on the wire; the buffer goes back to its pool (transmission is complete). */
  xmit(_q: number, pkt: RkNetbuf): number {
    if (!this.running) return -Errno.ENETDOWN;
    const frame = netbufRead(this.phys, pkt);
    pkt.free();
    this.wire(frame);
    return RK_NETDEV_STATUS_SUCCESS;
  }

  recv(): RkRxResult {
    const pkt = this.filled.shift() ?? null;
    this.refill();
    if (!pkt) return { status: 0, pkt: null };
    const more = this.filled.length > 0 ? RK_NETDEV_STATUS_MORE : 0;
    return { status: RK_NETDEV_STATUS_SUCCESS | more, pkt };
  }

  /** A frame arrives from the wire. @returns false when it was dropped (stopped, no buffer, too big). */
  deliver(frame: Uint8Array): boolean {
    if (!this.running) return false;
    this.refill();
    const nb = this.posted.shift();
    if (!nb || !netbufWrite(this.phys, nb, frame)) {
      if (nb) this.posted.unshift(nb);
      this.rxDropped++;
      return false;
    }
    this.filled.push(nb);
    if (this.intr) this.handle?.rxReady(0);
    return true;
  }

  /** Keeps the receive ring full with buffers from the stack's allocator. */
  private refill(): void {
    if (!this.rxConf) return;
    const want = this.ring - this.posted.length - this.filled.length;
    if (want > 0) this.posted.push(...this.rxConf.allocRx(want));
  }
}
