// The rknetdev API (uknetdev: include/uk/netdev.h, uk/netdev_core.h, uk/netbuf.h), types only.
import type {} from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';

/** A packet buffer in guest RAM (uk_netbuf). Bookkeeping is a JS object; the bytes live at `pa`. */
export interface RkNetbuf {
  /** Guest-physical address of the buffer's first byte. */
  readonly pa: number;
  /** Buffer capacity in bytes. */
  readonly size: number;
  /** Offset of the first data byte from `pa` (the headroom in front of it). */
  data: number;
  /** Data length in this segment. */
  len: number;
  /** Next segment of a chained packet, or null. */
  next: RkNetbuf | null;
  /** Returns the buffer to its pool (whole chain). */
  free(): void;
}

/** Device capabilities (uk_netdev_info). */
export interface RkNetdevInfo {
  readonly maxRxQueues: number;
  readonly maxTxQueues: number;
  readonly maxMtu: number;
  /** Bytes the driver needs in front of TX data (e.g. the virtio-net header); netbufs must leave at least this. */
  readonly txHeadroom: number;
  /** Bytes the driver places in front of RX data; the frame starts at netbuf.data after RX. */
  readonly rxHeadroom: number;
}

export interface RkNetdevConf {
  readonly nbRxQueues: number;
  readonly nbTxQueues: number;
}

/** Allocates up to `count` empty RX buffers for the driver to post; returns fewer when out of memory. */
export type RkNetdevAllocRx = (count: number) => RkNetbuf[];

/** RX callback, IRQ context: packets are waiting on `queue`. Bounded work only (wake a thread). */
export type RkNetdevRxCallback = (dev: RkNetdev, queue: number) => void;

export interface RkNetdevRxQueueConf {
  readonly allocRx: RkNetdevAllocRx;
  /** Interrupt mode when given; polling mode otherwise. */
  readonly callback?: RkNetdevRxCallback;
}

/** Status bits of txOne/rxOne (UK_NETDEV_STATUS_*). */
export const RK_NETDEV_STATUS_SUCCESS = 0x1;
export const RK_NETDEV_STATUS_MORE = 0x2;
export const RK_NETDEV_STATUS_UNDERRUN = 0x4;

export type RkNetdevState = 'unconfigured' | 'configured' | 'running';

export interface RkNetdevStats {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
  rxDropped: number;
}

export interface RkRxResult {
  /** RK_NETDEV_STATUS_* bits, or a negative errno. */
  readonly status: number;
  readonly pkt: RkNetbuf | null;
}

/** A network device (uk_netdev) as users see it. */
export interface RkNetdev {
  readonly id: number;
  readonly name: string;
  readonly state: RkNetdevState;
  readonly stats: Readonly<RkNetdevStats>;
  readonly phys: RkPhysMem;
  info(): RkNetdevInfo;
  /** @returns 0, -EINVAL (bad queue counts), -EBUSY (running). */
  configure(conf: RkNetdevConf): number;
  /** @returns 0, -EINVAL, -EBUSY (not configured or running), -ENOMEM. */
  rxqConfigure(queue: number, nbDesc: number, conf: RkNetdevRxQueueConf): number;
  txqConfigure(queue: number, nbDesc: number): number;
  /** @returns 0, -EBUSY (queues not configured), or the driver's -errno. */
  start(): number;
  stop(): number;
  hwaddr(): Uint8Array;
  mtu(): number;
  linkUp(): boolean;
  rxIntrEnable(queue: number): number;
  rxIntrDisable(queue: number): number;
  /**
   * Transmits one packet; the device owns `pkt` on success and frees it when sent. `more` says the
   * caller hands another packet right after this one, so the driver may put off telling the device
   * (Linux's xmit_more: one doorbell per burst); the last packet of a burst goes without it. A
   * driver that refuses a packet rings for those it took before.
   * @returns status bits (SUCCESS [| MORE]), 0 when the ring is full (caller keeps pkt), or -errno.
   */
  txOne(queue: number, pkt: RkNetbuf, more?: boolean): number;
  /** Receives one packet; the caller owns `pkt` (free it when done). MORE says others wait. */
  rxOne(queue: number): RkRxResult;
  /** Transmits up to `pkts.length` with one doorbell; @returns how many the device took, or -errno. */
  txBurst(queue: number, pkts: RkNetbuf[]): number;
  /** Receives up to `max` packets into `out`; @returns the count or -errno. */
  rxBurst(queue: number, out: RkNetbuf[], max: number): number;
}

/** The `rknetdev` registry API (uk_netdev_count/get). */
export interface RkNetdevRegistry {
  count(): number;
  get(id: number): RkNetdev | undefined;
  all(): readonly RkNetdev[];
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rknetdev: RkNetdevRegistry;
  }
}
