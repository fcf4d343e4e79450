// The stack: one interface, its transports (UDP, ICMP echo, and TCP when present), the socket()
// entry point, and the driver thread that polls on RX interrupts and at the deadlines `pollAt`
// reports, parking on an rksched wait queue in between (DESIGN.md §4: handlers only wake threads).
import { Errno } from '@runikraft/errno';
import type { RkNetdev } from '@runikraft/rknetdev';
import { RkNetbufPool } from '@runikraft/rknetdev';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';
import { RkSocketMemory } from './buffers';
import { RkInterface, type RkIpConfig } from './iface/interface';
import type { RkNetEnv, RkSocket, RkTransport, RkTransportFactory } from './socket/api';
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK } from './socket/consts';
import { RkDhcpClient } from './socket/dhcp';
import { RkDnsResolver } from './socket/dns';
import { icmpTransport } from './socket/icmp';
import { udpTransport } from './socket/udp';

export interface RkNetStackOptions {
  readonly sched: RkSched;
  readonly dev: RkNetdev;
  readonly phys: RkPhysMem;
  /** Guest memory for netbufs: `memalign(align, bytes)` returning a physical address or 0. */
  readonly memalign: (align: number, bytes: number) => number;
  /**
   * Returns a block `memalign` gave. With it, socket buffers (TCP rings, queued datagrams) live in
   * guest RAM too (`socketMemory`); without it, in the JS heap.
   */
  readonly free?: (pa: number) => void;
  /** Most bytes socket buffers may hold together (default: no cap beyond the allocator). */
  readonly socketMemoryLimit?: number;
  /** A static address, or null to run DHCP. */
  readonly config: RkIpConfig | null;
  /** Transports besides UDP and ICMP echo (TCP). */
  readonly transports?: readonly RkTransportFactory[];
  /** Randomness for IP identification, ephemeral ports, DHCP transaction ids. */
  readonly random?: () => number;
  /** Netbufs for RX and TX (default 256 and 512, 2 KiB each). */
  readonly rxBufs?: number;
  readonly txBufs?: number;
}

const BUF_SIZE = 2048;
const HEADROOM = 64;

export class RkNetStack {
  readonly iface: RkInterface;
  readonly env: RkNetEnv;
  readonly rxPool: RkNetbufPool;
  readonly txPool: RkNetbufPool;
  readonly dhcp: RkDhcpClient | null = null;
  /** The DNS stub resolver, asking the servers of the current configuration. */
  readonly dns: RkDnsResolver;
  /** Socket buffers in guest RAM and their counts; null when they live in the JS heap. */
  readonly socketMemory: RkSocketMemory | null;
  private readonly transports: RkTransport[] = [];
  private readonly wq: RkWaitQueue;
  private readonly configured: RkWaitQueue;
  /** Callers of drain(), woken after every poll. */
  private readonly draining: RkWaitQueue;
  private kicked = false;
  private stopped = false;

  /** Sets up pools and the interface (nothing runs until `start`). Throws RkError ENOMEM. */
  constructor(private readonly o: RkNetStackOptions) {
    const { sched, phys } = o;
    const rxN = o.rxBufs ?? 256;
    const txN = o.txBufs ?? 512;
    const rxPa = o.memalign(4096, RkNetbufPool.bytes(rxN, BUF_SIZE));
    const txPa = o.memalign(4096, RkNetbufPool.bytes(txN, BUF_SIZE));
    if (!rxPa || !txPa) throw new RangeError('rknet: out of memory for netbufs');
    this.rxPool = new RkNetbufPool(phys, rxPa, rxN, BUF_SIZE, HEADROOM);
    this.txPool = new RkNetbufPool(phys, txPa, txN, BUF_SIZE, HEADROOM);
    this.wq = sched.waitQueue();
    this.configured = sched.waitQueue();
    this.draining = sched.waitQueue();
    const free = o.free;
    const mem = free
      ? new RkSocketMemory(phys, o.memalign, free, o.socketMemoryLimit || Number.POSITIVE_INFINITY)
      : null;
    this.socketMemory = mem;
    this.env = {
      waitQueue: () => sched.waitQueue(),
      now: () => sched.now() / 1e6,
      kick: () => this.kick(),
      ...(mem && {
        allocBuffer: (n: number) => mem.alloc(n),
        freeBuffer: (b: Uint8Array) => mem.free(b),
      }),
    };
    const random = o.random ?? (() => 0);
    this.iface = new RkInterface({
      dev: o.dev,
      phys,
      rxPool: this.rxPool,
      txPool: this.txPool,
      onRx: () => this.kick(),
      onWork: () => this.kick(),
      identSeed: Math.floor(random() * 0x10000),
    });
    for (const f of [udpTransport, icmpTransport, ...(o.transports ?? [])]) {
      const t = f(this.env, this.iface);
      this.transports.push(t);
      this.iface.addHandler(t.handler);
    }
    this.dns = new RkDnsResolver(
      () => this.socket(AF_INET, SOCK_DGRAM),
      () => this.iface.config?.dns ?? [],
      () => this.env.now(),
      random,
    );
    if (!o.config) {
      const udp = this.transports[0];
      this.dhcp = new RkDhcpClient(this.iface, udp, random, (cfg) => this.onLease(cfg));
    }
  }

  /**
   * Opens the device, applies the static address or starts DHCP, and spawns the driver thread.
   * @returns 0, or the device's -errno.
   */
  start(): number {
    const r = this.iface.open();
    if (r < 0) return r;
    if (this.o.config) this.iface.setConfig(this.o.config, this.env.now());
    this.o.sched.spawn('rknet', () => this.run(), { detached: true });
    return 0;
  }

  /**
   * A new socket (socket(2)): AF_INET with SOCK_STREAM/IPPROTO_TCP, SOCK_DGRAM/IPPROTO_UDP or
   * SOCK_DGRAM/IPPROTO_ICMP (protocol 0 picks the type's default); `type` may carry SOCK_NONBLOCK.
   * @returns the socket, -EAFNOSUPPORT, -EPROTONOSUPPORT, -ESOCKTNOSUPPORT as -EPROTOTYPE.
   */
  socket(domain: number, type: number, protocol = 0): RkSocket | number {
    if (domain !== AF_INET) return -Errno.EAFNOSUPPORT;
    const base = type & ~SOCK_NONBLOCK;
    const cands = this.transports.filter((t) => t.type === base);
    if (cands.length === 0) return -Errno.EPROTOTYPE;
    const t = protocol === 0 ? cands[0] : cands.find((c) => c.protocol === protocol);
    if (!t) return -Errno.EPROTONOSUPPORT;
    const s = t.socket(type & SOCK_NONBLOCK);
    this.kick();
    return s;
  }

  /**
   * Waits until the interface has an address (static, or a DHCP lease). @returns 0, -ETIMEDOUT,
   * -EINTR. Parks the caller.
   */
  waitConfigured(timeoutMs?: number): Promise<number> {
    return this.configured.waitEvent(
      () => this.iface.config !== null,
      timeoutMs === undefined ? undefined : timeoutMs * 1e6,
    );
  }

  /**
   * The IPv4 addresses of `name` through the DNS stub resolver (a dotted quad is itself). Parks the
   * caller. @returns the addresses or -errno (see {@link RkDnsResolver.resolve}).
   */
  resolve(name: string): Promise<number[] | number> {
    return this.dns.resolve(name);
  }

  /** Asks the driver thread to poll now. Any context (IRQ included); cheap and idempotent. */
  kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    this.wq.wakeOne();
  }

  /**
   * The application ended (rknet's term at shutdown): closes every socket still open, as a process
   * exit does, and waits until every connection delivered its data and FIN or `timeoutMs` passed,
   * so the machine does not power off over unsent bytes. Parks the caller.
   * @returns 0 when drained, -ETIMEDOUT, -EINTR.
   */
  drain(timeoutMs: number): Promise<number> {
    for (const t of this.transports) t.closeAll?.();
    this.kick();
    return this.draining.waitEvent(
      () => this.stopped || this.transports.every((t) => t.drained?.() ?? true),
      timeoutMs * 1e6,
    );
  }

  /** Stops the driver thread and the device; held frames go back to the pools. */
  stop(): void {
    this.stopped = true;
    this.dhcp?.release(this.env.now());
    this.iface.close();
    this.kick();
  }

  private onLease(cfg: RkIpConfig | null): void {
    this.iface.setConfig(cfg, this.env.now());
    this.configured.wakeAll();
  }

  private async run(): Promise<void> {
    const sched = this.o.sched;
    while (!this.stopped) {
      this.kicked = false;
      const now = this.env.now();
      this.iface.poll(now);
      this.dhcp?.poll(now);
      if (this.draining.length > 0) this.draining.wakeAll();
      const t = this.env.now();
      const at = Math.min(this.iface.pollAt(t), this.dhcp?.pollAt() ?? Number.POSITIVE_INFINITY);
      if (at <= t) {
        await sched.yield();
        continue;
      }
      const wait = Number.isFinite(at) ? Math.max(1, (at - t) * 1e6) : undefined;
      await this.wq.waitEvent(() => this.kicked || this.stopped, wait);
    }
  }
}
