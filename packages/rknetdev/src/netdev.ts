// The rknetdev front end shared by every driver: state machine, argument checks, statistics,
// burst loops and the RX-callback dispatch (uknetdev's netdev.c).
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type {
  RkNetbuf,
  RkNetdev,
  RkNetdevConf,
  RkNetdevInfo,
  RkNetdevRxCallback,
  RkNetdevRxQueueConf,
  RkNetdevState,
  RkNetdevStats,
  RkRxResult,
} from './api';
import { RK_NETDEV_STATUS_SUCCESS } from './api';
import type { RkNetdevDriverHandle, RkNetdevOps } from './driver';
import { netbufChainLen } from './netbuf';

const NOT_RUNNING: RkRxResult = { status: -Errno.ENETDOWN, pkt: null };

/**
 * The shared front end of one registered netdev: argument checks, state and statistics, written
 * once here around the driver's ops; what the registry hands out.
 */
export class RkNetdevFront implements RkNetdev, RkNetdevDriverHandle {
  state: RkNetdevState = 'unconfigured';
  readonly stats: RkNetdevStats = {
    rxPackets: 0,
    rxBytes: 0,
    txPackets: 0,
    txBytes: 0,
    txErrors: 0,
    rxDropped: 0,
  };
  private conf: RkNetdevConf | null = null;
  private rxq: (RkNetdevRxQueueConf | null)[] = [];
  private txq: boolean[] = [];
  private readonly intrOn = new Set<number>();

  constructor(
    readonly id: number,
    readonly name: string,
    readonly phys: RkPhysMem,
    private readonly ops: RkNetdevOps,
  ) {}

  info(): RkNetdevInfo {
    return this.ops.info();
  }

  configure(conf: RkNetdevConf): number {
    if (this.state === 'running') return -Errno.EBUSY;
    const info = this.ops.info();
    if (
      !validCount(conf.nbRxQueues, info.maxRxQueues) ||
      !validCount(conf.nbTxQueues, info.maxTxQueues)
    )
      return -Errno.EINVAL;
    const r = this.ops.configure(conf);
    if (r < 0) return r;
    this.conf = conf;
    this.rxq = new Array(conf.nbRxQueues).fill(null);
    this.txq = new Array(conf.nbTxQueues).fill(false);
    this.state = 'configured';
    return 0;
  }

  rxqConfigure(queue: number, nbDesc: number, conf: RkNetdevRxQueueConf): number {
    if (this.state !== 'configured') return -Errno.EBUSY;
    if (
      !this.conf ||
      !inRange(queue, this.conf.nbRxQueues) ||
      !(nbDesc >= 0) ||
      typeof conf?.allocRx !== 'function'
    )
      return -Errno.EINVAL;
    const r = this.ops.rxqSetup(queue, nbDesc, conf);
    if (r < 0) return r;
    this.rxq[queue] = conf;
    return 0;
  }

  txqConfigure(queue: number, nbDesc: number): number {
    if (this.state !== 'configured') return -Errno.EBUSY;
    if (!this.conf || !inRange(queue, this.conf.nbTxQueues) || !(nbDesc >= 0)) return -Errno.EINVAL;
    const r = this.ops.txqSetup(queue, nbDesc);
    if (r < 0) return r;
    this.txq[queue] = true;
    return 0;
  }

  start(): number {
    if (this.state === 'running') return -Errno.EALREADY;
    if (this.state !== 'configured' || this.rxq.some((q) => !q) || this.txq.some((q) => !q))
      return -Errno.EBUSY;
    const r = this.ops.start();
    if (r < 0) return r;
    this.state = 'running';
    return 0;
  }

  stop(): number {
    if (this.state !== 'running') return -Errno.EINVAL;
    const r = this.ops.stop();
    if (r < 0) return r;
    this.state = 'configured';
    return 0;
  }

  hwaddr(): Uint8Array {
    return this.ops.hwaddr();
  }
  mtu(): number {
    return this.ops.mtu();
  }
  linkUp(): boolean {
    return this.state === 'running' && this.ops.linkUp();
  }

  rxIntrEnable(queue: number): number {
    const q = this.rxq[queue];
    if (!q) return -Errno.EINVAL;
    if (!q.callback) return -Errno.EOPNOTSUPP;
    const r = this.ops.rxIntrEnable(queue);
    if (r >= 0) this.intrOn.add(queue);
    return r;
  }

  rxIntrDisable(queue: number): number {
    if (!this.rxq[queue]) return -Errno.EINVAL;
    this.intrOn.delete(queue);
    return this.ops.rxIntrDisable(queue);
  }

  txOne(queue: number, pkt: RkNetbuf, more = false): number {
    if (this.state !== 'running') return -Errno.ENETDOWN;
    if (!this.txq[queue]) return -Errno.EINVAL;
    const bytes = netbufChainLen(pkt);
    const r = this.ops.xmit(queue, pkt, more);
    if (r < 0) this.stats.txErrors++;
    else if (r & RK_NETDEV_STATUS_SUCCESS) {
      this.stats.txPackets++;
      this.stats.txBytes += bytes;
    }
    return r;
  }

  rxOne(queue: number): RkRxResult {
    if (this.state !== 'running') return NOT_RUNNING;
    if (!this.rxq[queue]) return { status: -Errno.EINVAL, pkt: null };
    const r = this.ops.recv(queue);
    if (r.pkt) {
      this.stats.rxPackets++;
      this.stats.rxBytes += netbufChainLen(r.pkt);
    }
    return r;
  }

  txBurst(queue: number, pkts: RkNetbuf[]): number {
    let n = 0;
    for (const p of pkts) {
      const r = this.txOne(queue, p, n < pkts.length - 1);
      if (r < 0) return n > 0 ? n : r;
      if (!(r & RK_NETDEV_STATUS_SUCCESS)) break;
      n++;
    }
    return n;
  }

  rxBurst(queue: number, out: RkNetbuf[], max: number): number {
    let n = 0;
    while (n < max) {
      const r = this.rxOne(queue);
      if (r.status < 0) return n > 0 ? n : r.status;
      if (!r.pkt) break;
      out[n++] = r.pkt;
    }
    return n;
  }

  /** Driver → front end, IRQ context. */
  rxReady(queue: number): void {
    const cb: RkNetdevRxCallback | undefined = this.rxq[queue]?.callback;
    if (cb && this.intrOn.has(queue) && this.state === 'running') cb(this, queue);
  }
}

function validCount(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= max;
}
function inRange(q: number, n: number): boolean {
  return Number.isInteger(q) && q >= 0 && q < n;
}
