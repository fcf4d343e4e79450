// virtio-net (virtio 1.2 §5.1, QEMU hw/net/virtio-net.c): RX/TX/control queues, the header layout
// per negotiated features (REFERENCE §7), mergeable RX buffers, MAC/status/MTU config.
import type { NetBackend } from '../../backends/net/backend';
import type { DeviceVirtqueue, VirtqChain } from '../queue';
import { gatherSegs, readSegs, VIRTIO_F_VERSION_1, VirtqFault, writeSegs } from '../queue';
import { bit, VirtioDeviceModel } from './model';

export const VIRTIO_ID_NET = 1;
export const VIRTIO_NET_F_CTRL_GUEST_OFFLOADS = 2;
export const VIRTIO_NET_F_MTU = 3;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_GSO = 6;
export const VIRTIO_NET_F_MRG_RXBUF = 15;
export const VIRTIO_NET_F_STATUS = 16;
export const VIRTIO_NET_F_CTRL_VQ = 17;
export const VIRTIO_NET_F_CTRL_RX = 18;
export const VIRTIO_NET_F_CTRL_VLAN = 19;
export const VIRTIO_NET_F_CTRL_RX_EXTRA = 20;
export const VIRTIO_NET_F_GUEST_ANNOUNCE = 21;
export const VIRTIO_NET_F_CTRL_MAC_ADDR = 23;
export const VIRTIO_NET_S_LINK_UP = 1;

const RXQ = 0;
const TXQ = 1;
const CTRLQ = 2;
/** Largest frame accepted for TX (hdr excluded): 64 KiB as QEMU's NET_BUFSIZE-bounded paths. */
const MAX_FRAME = 65535;
/** struct virtio_net_hdr (10 bytes) as QEMU writes it for a backend without vnet headers. */
const NET_HDR_ZERO = new Uint8Array(10);

export interface VirtioNetOptions {
  /** `mac=`; default 52:54:00:12:34:56 (QEMU's first NIC). */
  readonly mac?: Uint8Array;
  /** `host_mtu=`: offers VIRTIO_NET_F_MTU and reports it in config. */
  readonly hostMtu?: number;
}

/** Parses `52:54:00:12:34:56`. @throws Error naming the bad value. */
export function parseMac(s: string): Uint8Array {
  const m =
    /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(
      s,
    );
  if (!m) throw new Error(`mac=${s} is not a MAC address (xx:xx:xx:xx:xx:xx)`);
  return Uint8Array.from(m.slice(1), (h) => parseInt(h, 16));
}

export class VirtioNet extends VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_NET;
  /** TX waits and RX is refused (virtio_net_can_receive) while !vm_running. */
  readonly pausesWhileStopped = true;
  readonly numQueues = 3;
  /** RX and TX 256 entries, control 64, as QEMU's virtio-net. */
  queueSizeDefault(index: number): number {
    return index === 2 ? 64 : 256;
  }
  readonly configLen: number;
  /** Frames sent; frames delivered; RX frames dropped as too big for a buffer; RX waits for buffers. */
  readonly stats = { txFrames: 0, rxFrames: 0, rxDropped: 0, rxNoBuffer: 0 };
  private ready = false;

  constructor(
    readonly backend: NetBackend,
    private readonly opts: VirtioNetOptions = {},
  ) {
    super();
    this.config.set(opts.mac ?? Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56), 0);
    this.cfg.setUint16(6, VIRTIO_NET_S_LINK_UP, true);
    this.cfg.setUint16(8, 1, true); // max_virtqueue_pairs (visible only when the config reaches it)
    if (opts.hostMtu !== undefined) this.cfg.setUint16(10, opts.hostMtu, true);
    this.configLen = opts.hostMtu !== undefined ? 12 : 8;
    backend.attach({
      receive: (f) => this.receive(f),
      linkChanged: (up) => this.setLinkStatus(up),
      hostWork: () => this.host?.hostWork() ?? (() => {}),
    });
    if (!backend.linkUp) this.cfg.setUint16(6, 0, true);
  }

  protected deviceFeatures(legacy: boolean): bigint {
    let f = [
      VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
      VIRTIO_NET_F_MAC,
      VIRTIO_NET_F_MRG_RXBUF,
      VIRTIO_NET_F_STATUS,
      VIRTIO_NET_F_CTRL_VQ,
      VIRTIO_NET_F_CTRL_RX,
      VIRTIO_NET_F_CTRL_VLAN,
      VIRTIO_NET_F_CTRL_RX_EXTRA,
      VIRTIO_NET_F_GUEST_ANNOUNCE,
      VIRTIO_NET_F_CTRL_MAC_ADDR,
    ]
      .map(bit)
      .reduce((a, b) => a | b, 0n);
    if (legacy) f |= bit(VIRTIO_NET_F_GSO);
    if (this.opts.hostMtu !== undefined) f |= bit(VIRTIO_NET_F_MTU);
    return f;
  }

  /** Backend link up/down → config `status` LINK_UP bit, and a config interrupt if STATUS was negotiated. */
  setLinkStatus(up: boolean): void {
    this.cfg.setUint16(6, up ? VIRTIO_NET_S_LINK_UP : 0, true);
    if (this.has(VIRTIO_NET_F_STATUS)) this.host?.configChanged();
  }

  /** virtio_net_hdr length for the negotiated features (REFERENCE §7). */
  headerLen(): number {
    return this.has(VIRTIO_F_VERSION_1) || this.has(VIRTIO_NET_F_MRG_RXBUF) ? 12 : 10;
  }

  get mac(): Uint8Array {
    return this.config.slice(0, 6);
  }

  /** Legacy drivers may write the MAC into config (QEMU accepts it without CTRL_MAC_ADDR in legacy). */
  protected override configWrite(offset: number, size: number, value: number): void {
    if (!this.legacy || offset < 0 || offset + size > 6) return;
    for (let i = 0; i < size; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  override driverOk(): void {
    this.ready = true;
    this.backend.flush();
  }

  protected override onReset(): void {
    this.ready = false;
  }

  protected onNotify(index: number, q: DeviceVirtqueue): void {
    if (index === RXQ) this.backend.flush();
    else if (index === TXQ) this.transmit(q);
    else if (index === CTRLQ) this.control(q);
  }

  /**
   * QEMU's TX bottom half: notifications off while flushing (used.flags NO_NOTIFY), back on once the
   * queue is drained; after a driver bug they stay off, as QEMU's virtio_net_flush_tx returns early.
   */
  private transmit(q: DeviceVirtqueue): void {
    q.setNotification(false);
    this.backend.beginSends();
    try {
      this.drainTx(q);
    } finally {
      this.backend.endSends();
    }
    if (!this.broken) q.setNotification(true);
  }

  private drainTx(q: DeviceVirtqueue): void {
    const hl = this.headerLen();
    for (let c = this.pop(q); c; c = this.pop(q)) {
      if (c.writable.length > 0) {
        this.fail(`virtio-net: TX chain ${c.head} has a device-writable descriptor`);
        return;
      }
      if (c.readLen < hl) {
        this.fail(
          `virtio-net: TX chain ${c.head} is ${c.readLen} bytes, shorter than the ${hl}-byte header`,
        );
        return;
      }
      if (c.readLen === hl) {
        // QEMU strips the header for a backend without vnet headers (all of ours) and finds no iovec
        this.fail(`virtio-net: TX chain ${c.head} holds only the header (nothing to send)`);
        return;
      }
      // the one copy out of guest RAM: the backend owns the frame (it may keep views of it)
      const len = Math.min(c.readLen - hl, MAX_FRAME);
      const frame = new Uint8Array(len);
      readSegs(this.hostRam(), c.readable, hl, frame);
      this.backend.send(frame);
      this.stats.txFrames++;
      this.complete(q, c.head, 0);
    }
  }

  /**
   * virtio_net_has_buffers: whether the RX queue can take a packet of `total` bytes (any chain will do
   * without MRG_RXBUF), asking the driver for a notification when not and for none when it can.
   */
  private hasBuffers(q: DeviceVirtqueue, total: number, mrg: boolean): boolean {
    const avail = q.availBytes(mrg ? total : 1);
    if (avail instanceof VirtqFault) {
      this.fail(avail.message);
      return false;
    }
    const ok = mrg ? avail.in >= total : q.pending() !== 0;
    q.setNotification(!ok);
    return ok;
  }

  /**
   * Backend → guest (QEMU virtio_net_receive_rcu). @returns false when the RX queue cannot take the
   * frame yet (the backend keeps it), true when it was delivered or dropped. Without MRG_RXBUF a
   * frame larger than the next buffer is dropped and the buffer stays available (what fits was
   * already written, as QEMU); the 10-byte virtio_net_hdr is written, `num_buffers` only with
   * MRG_RXBUF.
   */
  receive(frame: Uint8Array): boolean {
    const q = this.queues[RXQ];
    if (!this.ready || !q || this.broken || this.vmStopped()) return false;
    const hl = this.headerLen();
    const mrg = this.has(VIRTIO_NET_F_MRG_RXBUF);
    if (!this.hasBuffers(q, hl + frame.length, mrg)) {
      this.stats.rxNoBuffer++;
      return this.broken !== null;
    }
    const ram = this.hostRam();
    const used: { head: number; len: number; first: VirtqChain }[] = [];
    for (let off = 0; off < frame.length; ) {
      const c = this.pop(q);
      if (!c) {
        if (!this.broken) this.fail('virtio-net: RX queue ran empty inside a packet');
        return true;
      }
      if (c.writable.length === 0) {
        this.fail(`virtio-net: RX chain ${c.head} contains no device-writable buffer`);
        return true;
      }
      let n: number;
      if (used.length === 0) {
        writeSegs(ram, c.writable, 0, NET_HDR_ZERO);
        n = writeSegs(ram, c.writable, hl, frame);
      } else n = writeSegs(ram, c.writable, 0, frame.subarray(off));
      off += n;
      if (!mrg && off < frame.length) {
        q.unpop(1);
        this.stats.rxDropped++;
        return true;
      }
      used.push({ head: c.head, len: (used.length === 0 ? hl : 0) + n, first: c });
    }
    if (mrg && used.length > 0) {
      const nb = Uint8Array.of(used.length & 0xff, used.length >>> 8);
      writeSegs(ram, used[0].first.writable, 10, nb);
    }
    for (const u of used) q.push(u.head, u.len);
    this.stats.rxFrames++;
    if (q.shouldNotify()) this.host?.interrupt(RXQ);
    return true;
  }

  /** Control queue (§5.1.6.5): {class, command, data…} → ack byte. Accepts the classes we offer. */
  private control(q: DeviceVirtqueue): void {
    const ram = this.hostRam();
    for (let c = this.pop(q); c; c = this.pop(q)) {
      if (c.readLen < 2 || c.writeLen < 1) {
        this.fail(`virtio-net: control request ${c.head} lacks class/command or the ack byte`);
        return;
      }
      const head = gatherSegs(ram, c.readable, c.readLen);
      const [cls, cmd] = head;
      let ok =
        cls === 0 /* RX */ ||
        cls === 2 /* VLAN */ ||
        cls === 3 /* ANNOUNCE */ ||
        (cls === 5 /* GUEST_OFFLOADS */ && cmd === 0);
      if (cls === 1 /* MAC */) {
        ok = cmd === 0 /* TABLE_SET */ || (cmd === 1 /* ADDR_SET */ && c.readLen >= 8);
        if (ok && cmd === 1) this.config.set(head.subarray(2, 8), 0);
      }
      writeSegs(ram, c.writable, 0, Uint8Array.of(ok ? 0 : 1));
      this.complete(q, c.head, 1);
    }
  }

  override close(): void | Promise<void> {
    return this.backend.close();
  }
}
