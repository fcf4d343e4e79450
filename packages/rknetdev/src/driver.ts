// What a network driver implements (uk/netdev_driver.h: struct uk_netdev_ops) and calls back into.
import type { RkNetbuf, RkNetdevConf, RkNetdevInfo, RkNetdevRxQueueConf, RkRxResult } from './api';

/** Driver operations. Return conventions match the front end's (0 / status bits / -errno). */
export interface RkNetdevOps {
  info(): RkNetdevInfo;
  configure(conf: RkNetdevConf): number;
  rxqSetup(queue: number, nbDesc: number, conf: RkNetdevRxQueueConf): number;
  txqSetup(queue: number, nbDesc: number): number;
  start(): number;
  stop(): number;
  hwaddr(): Uint8Array;
  mtu(): number;
  linkUp(): boolean;
  rxIntrEnable(queue: number): number;
  rxIntrDisable(queue: number): number;
  /** Queues `pkt`; with `more`, the device may be told later (see RkNetdev.txOne). */
  xmit(queue: number, pkt: RkNetbuf, more?: boolean): number;
  recv(queue: number): RkRxResult;
}

/** Handed to a driver at registration: it calls `rxReady` from its IRQ handler. */
export interface RkNetdevDriverHandle {
  readonly id: number;
  /** Signals packets on `queue` (IRQ context); runs the user's callback if interrupts are enabled. */
  rxReady(queue: number): void;
}

export { RK_NETDEV_STATUS_MORE, RK_NETDEV_STATUS_SUCCESS, RK_NETDEV_STATUS_UNDERRUN } from './api';
export type { RkNetdevFront } from './netdev';
export { netdevRegistry, RkNetdevRegistryImpl } from './registry';
