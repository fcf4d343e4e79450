// A loopback network driver for tests (the counterpart of a NIC with its wire looped back): frames
// transmitted are copied into posted RX buffers. `wire` mode instead hands TX frames to the host
// side and lets it inject RX frames, which the conformance kit uses as the peer.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkNetbuf, RkNetdevConf, RkNetdevInfo, RkNetdevRxQueueConf, RkRxResult } from './api';
import { RK_NETDEV_STATUS_MORE, RK_NETDEV_STATUS_SUCCESS } from './api';
import type { RkNetdevDriverHandle, RkNetdevOps } from './driver';
import { netbufRead, netbufWrite } from './netbuf';

export interface LoopbackOptions {
  readonly mac?: Uint8Array;
  readonly mtu?: number;
  /** Frames the RX ring holds (default 64); further frames are dropped. */
  readonly ringSize?: number;
  /** 'loop' (default): TX comes back as RX. 'wire': TX goes to `onTransmit`, RX comes from `inject`. */
  readonly mode?: 'loop' | 'wire';
}

/** The loopback driver; register it with `RkNetdevRegistryImpl.register(name, phys, drv)` then `attach`. */
export class LoopbackNetdev implements RkNetdevOps {
  private handle: RkNetdevDriverHandle | null = null;
  private rxConf: RkNetdevRxQueueConf | null = null;
  private posted: RkNetbuf[] = [];
  private readonly filled: RkNetbuf[] = [];
  private running = false;
  private intr = false;
  private ringSize = 64;
  readonly transmitted: Uint8Array[] = [];
  rxDropped = 0;

  constructor(
    private readonly phys: RkPhysMem,
    private readonly opts: LoopbackOptions = {},
  ) {}

  attach(handle: RkNetdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkNetdevInfo {
    return {
      maxRxQueues: 1,
      maxTxQueues: 1,
      maxMtu: this.opts.mtu ?? 1500,
      txHeadroom: 0,
      rxHeadroom: 0,
    };
  }
  configure(_conf: RkNetdevConf): number {
    return 0;
  }
  rxqSetup(_q: number, nbDesc: number, conf: RkNetdevRxQueueConf): number {
    this.ringSize = nbDesc > 0 ? nbDesc : (this.opts.ringSize ?? 64);
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
    return this.opts.mac ?? Uint8Array.of(0x02, 0, 0, 0, 0, 1);
  }
  mtu(): number {
    return this.opts.mtu ?? 1500;
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

  xmit(_q: number, pkt: RkNetbuf): number {
    if (!this.running) return -Errno.ENETDOWN;
    const frame = netbufRead(this.phys, pkt);
    pkt.free();
    if (this.opts.mode === 'wire') this.transmitted.push(frame);
    else this.inject(frame);
    return RK_NETDEV_STATUS_SUCCESS;
  }

  recv(): RkRxResult {
    const pkt = this.filled.shift() ?? null;
    this.refill();
    if (!pkt) return { status: 0, pkt: null };
    return {
      status: RK_NETDEV_STATUS_SUCCESS | (this.filled.length ? RK_NETDEV_STATUS_MORE : 0),
      pkt,
    };
  }

  /** Host side: a frame arrives from the wire. @returns false when it was dropped (no buffer, too big). */
  inject(frame: Uint8Array): boolean {
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

  private refill(): void {
    if (!this.rxConf) return;
    const want = this.ringSize - this.posted.length - this.filled.length;
    if (want > 0) this.posted.push(...this.rxConf.allocRx(want));
  }
}
