// ARP (RFC 826) on the slirp side: answers for the gateway and DNS addresses with 52:55:<ip> (QEMU's
// special MACs, replies padded to 64 bytes as slirp sends them), learns guest MACs, and holds
// packets for a guest address until its MAC is known (bounded per address).
import { BROADCAST_MAC, readIp4, slirpMac, writeIp4 } from './addr';
import type { UserNetConfig } from './config';
import { ETHERTYPE_ARP } from './wire';

/** Packets held per unresolved address (slirp keeps one; more keeps a burst of SYNs alive). */
export const ARP_PENDING_LIMIT = 16;
/** Guest addresses remembered (slirp ARP_TABLE_SIZE). */
export const ARP_TABLE_SIZE = 16;
const ARP_REPLY_LEN = 64;

export class ArpTable {
  private readonly table = new Map<number, Uint8Array>();
  private readonly pending = new Map<number, Uint8Array[]>();
  /** Frames dropped because the address never resolved in time or the queue was full. */
  dropped = 0;

  constructor(
    private readonly cfg: UserNetConfig,
    private readonly deliver: (frame: Uint8Array) => void,
  ) {}

  private inNet(a: number): boolean {
    return (a & this.cfg.mask) >>> 0 === this.cfg.net && a !== this.cfg.net;
  }

  /** Records `mac` for guest address `ip` and sends what waited for it. */
  learn(ip: number, mac: Uint8Array): void {
    if (!this.inNet(ip) || ip === this.cfg.host || ip === this.cfg.dns || mac[0] & 1) return;
    const known = this.table.get(ip);
    if (known?.every((x, i) => x === mac[i])) return;
    if (!known && this.table.size >= ARP_TABLE_SIZE) {
      const oldest = this.table.keys().next().value as number;
      this.table.delete(oldest);
    }
    this.table.set(ip, Uint8Array.from(mac));
    const held = this.pending.get(ip);
    this.pending.delete(ip);
    for (const f of held ?? []) this.send(f, ip);
  }

  /** Fills the destination MAC of `frame` and delivers it, or asks who has `ip` and holds it. */
  send(frame: Uint8Array, ip: number): void {
    const mac = ip === 0xffffffff ? BROADCAST_MAC : this.table.get(ip);
    if (mac) {
      frame.set(mac, 0);
      this.deliver(frame);
      return;
    }
    const held = this.pending.get(ip);
    if (held) {
      if (held.length < ARP_PENDING_LIMIT) held.push(frame);
      else this.dropped++;
      return;
    }
    this.pending.set(ip, [frame]);
    this.request(ip);
  }

  private request(ip: number): void {
    const f = new Uint8Array(60);
    const me = slirpMac(this.cfg.host);
    f.set(BROADCAST_MAC, 0);
    f.set(me, 6);
    f.set([ETHERTYPE_ARP >> 8, ETHERTYPE_ARP & 255, 0, 1, 8, 0, 6, 4, 0, 1], 12);
    f.set(me, 22);
    writeIp4(f, 28, this.cfg.host);
    writeIp4(f, 38, ip);
    this.deliver(f);
  }

  /** Handles an ARP frame from the guest. */
  input(frame: Uint8Array): void {
    if (frame.length < 42) return;
    const htype = (frame[14] << 8) | frame[15];
    const ptype = (frame[16] << 8) | frame[17];
    if (htype !== 1 || ptype !== 0x0800 || frame[18] !== 6 || frame[19] !== 4) return;
    const op = (frame[20] << 8) | frame[21];
    const sha = frame.subarray(22, 28);
    const spa = readIp4(frame, 28);
    const tpa = readIp4(frame, 38);
    this.learn(spa, sha);
    if (op !== 1 || (tpa !== this.cfg.host && tpa !== this.cfg.dns)) return;
    const r = new Uint8Array(ARP_REPLY_LEN);
    const mac = slirpMac(tpa);
    r.set(sha, 0);
    r.set(mac, 6);
    r.set([ETHERTYPE_ARP >> 8, ETHERTYPE_ARP & 255, 0, 1, 8, 0, 6, 4, 0, 2], 12);
    r.set(mac, 22);
    writeIp4(r, 28, tpa);
    r.set(sha, 32);
    writeIp4(r, 38, spa);
    this.deliver(r);
  }
}
