// The sending half of an interface: frames built in place in TX netbufs (the transport fills its
// payload straight into guest RAM), fragmentation of datagrams larger than the MTU (RFC 791 §3.2,
// one copy through a scratch buffer: a slow path), and a bounded backlog for a full TX ring.
import { Errno } from '@runikraft/errno';
import type { RkNetbuf, RkNetbufPool, RkNetdev } from '@runikraft/rknetdev';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { Ipv4Addr, RkIpSendOptions } from '../ip';
import { set16, set48 } from '../wire/bytes';
import { ETH_HEADER_LEN, ETH_MIN_FRAME, ETHERTYPE_IPV4, type MacAddr } from '../wire/ethernet';
import { emitIpv4Header, IPV4_HEADER_LEN } from '../wire/ipv4';
import type { RkInterfaceStats } from './interface';

/** Frames kept while the TX ring is full; beyond this they are dropped (and counted). */
const TX_BACKLOG = 256;
const NO_OPTIONS = new Uint8Array(0);

export class IpOutput {
  private ident: number;
  private readonly pending: RkNetbuf[] = [];
  /** Frames of the current burst (between {@link begin} and {@link end}), sent with one doorbell. */
  private readonly burst: RkNetbuf[] = [];
  private bursting = false;
  private scratch = new Uint8Array(0);

  constructor(
    private readonly dev: RkNetdev,
    private readonly phys: RkPhysMem,
    private readonly pool: RkNetbufPool,
    private readonly mac: MacAddr,
    private readonly mtu: number,
    identSeed: number,
    private readonly stats: RkInterfaceStats,
  ) {
    this.ident = identSeed & 0xffff;
  }

  /** A fresh TX netbuf and a view of its writable bytes (from the data start to its end), or null. */
  frame(): { nb: RkNetbuf; bytes: Uint8Array } | null {
    const nb = this.pool.alloc();
    if (!nb) return null;
    const s = nb.pa - this.phys.base + nb.data;
    return { nb, bytes: this.phys.u8.subarray(s, nb.pa - this.phys.base + nb.size) };
  }

  /** Sets the frame length, zero-padding it to Ethernet's minimum. */
  finish(nb: RkNetbuf, bytes: Uint8Array, len: number, ethertype = ETHERTYPE_IPV4): void {
    set16(bytes, 12, ethertype);
    if (len < ETH_MIN_FRAME) {
      bytes.fill(0, len, ETH_MIN_FRAME);
      len = ETH_MIN_FRAME;
    }
    nb.len = len;
  }

  /**
   * Builds the frames of one datagram (Ethernet destination still open). @returns them, or
   * -ENOBUFS (not enough netbufs), -EMSGSIZE (DF over the MTU, or over 65535 bytes).
   */
  build(
    proto: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    len: number,
    fill: (payload: Uint8Array, src: Ipv4Addr) => void,
    options: RkIpSendOptions = {},
  ): RkNetbuf[] | number {
    const room = this.mtu - IPV4_HEADER_LEN;
    if (len > 65535 - IPV4_HEADER_LEN) return -Errno.EMSGSIZE;
    const ident = this.ident;
    this.ident = (this.ident + 1) & 0xffff;
    const base = {
      tos: options.tos ?? 0,
      ident,
      dontFragment: options.dontFragment ?? false,
      moreFragments: false,
      fragOffset: 0,
      ttl: options.ttl ?? 64,
      proto,
      src,
      dst,
      options: NO_OPTIONS,
    };
    if (len <= room) {
      const f = this.frame();
      if (!f) return -Errno.ENOBUFS;
      const ip = f.bytes.subarray(ETH_HEADER_LEN);
      fill(ip.subarray(IPV4_HEADER_LEN, IPV4_HEADER_LEN + len), src);
      emitIpv4Header(base, len, ip);
      this.finish(f.nb, f.bytes, ETH_HEADER_LEN + IPV4_HEADER_LEN + len);
      return [f.nb];
    }
    if (base.dontFragment) return -Errno.EMSGSIZE;
    const chunk = room & ~7;
    const count = Math.ceil(len / chunk);
    if (this.pool.available < count) return -Errno.ENOBUFS;
    if (this.scratch.length < len) this.scratch = new Uint8Array(65536);
    const data = this.scratch.subarray(0, len);
    fill(data, src);
    const out: RkNetbuf[] = [];
    for (let off = 0; off < len; off += chunk) {
      const n = Math.min(chunk, len - off);
      const f = this.frame()!;
      const ip = f.bytes.subarray(ETH_HEADER_LEN);
      ip.set(data.subarray(off, off + n), IPV4_HEADER_LEN);
      emitIpv4Header({ ...base, fragOffset: off, moreFragments: off + n < len }, n, ip);
      this.finish(f.nb, f.bytes, ETH_HEADER_LEN + IPV4_HEADER_LEN + n);
      out.push(f.nb);
    }
    return out;
  }

  /** Writes the Ethernet addresses (the type is already in place) and hands the frame to the device. */
  transmit(nb: RkNetbuf, dstMac: MacAddr): void {
    const s = nb.pa - this.phys.base + nb.data;
    const b = this.phys.u8.subarray(s, s + ETH_HEADER_LEN);
    set48(b, 0, dstMac);
    set48(b, 6, this.mac);
    if (this.pending.length > 0) {
      this.queue(nb);
      return;
    }
    if (this.bursting) this.burst.push(nb);
    else this.xmit(nb);
  }

  /** Starts a burst: frames are held until {@link end} hands them to the device together. */
  begin(): void {
    this.bursting = true;
  }

  /** Ends the burst: its frames go out in order, the device told once; what does not fit waits. */
  end(): void {
    this.bursting = false;
    const b = this.burst;
    for (let i = 0; i < b.length; i++) {
      if (this.pending.length > 0) this.queue(b[i]);
      else this.xmit(b[i], i < b.length - 1);
    }
    b.length = 0;
  }

  /** Retries frames that waited for ring space, in order. */
  flush(): void {
    while (this.pending.length > 0) {
      const r = this.dev.txOne(0, this.pending[0]);
      if (r === 0) return;
      const nb = this.pending.shift()!;
      if (r < 0) {
        nb.free();
        this.stats.txDropped++;
      } else this.stats.txFrames++;
    }
  }

  get backlog(): number {
    return this.pending.length;
  }

  clear(): void {
    for (const nb of this.pending) nb.free();
    for (const nb of this.burst) nb.free();
    this.pending.length = 0;
    this.burst.length = 0;
  }

  private xmit(nb: RkNetbuf, more = false): void {
    const r = this.dev.txOne(0, nb, more);
    if (r > 0) this.stats.txFrames++;
    else if (r === 0) this.queue(nb);
    else {
      nb.free();
      this.stats.txDropped++;
    }
  }

  private queue(nb: RkNetbuf): void {
    if (this.pending.length >= TX_BACKLOG) {
      nb.free();
      this.stats.txDropped++;
      return;
    }
    this.pending.push(nb);
  }
}
