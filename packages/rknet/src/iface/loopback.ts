// Local delivery: datagrams to this host's own address or to 127.0.0.0/8 never reach the device;
// they are queued (one copy) and handed to the input path at the next poll, as Linux's lo does.
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr, RkIpSendOptions } from '../ip';

/** Payload bytes of one looped datagram (IPv4's limit less the header). */
export const RK_LOOPBACK_MTU = 65535 - 20;
const MAX_QUEUED = 256;
const MAX_BYTES = 1 << 20;

export interface RkLoopedDatagram {
  readonly proto: number;
  readonly src: Ipv4Addr;
  readonly dst: Ipv4Addr;
  readonly ttl: number;
  readonly tos: number;
  readonly payload: Uint8Array;
}

/** True for 127.0.0.0/8. */
export function isLoopbackAddr(a: Ipv4Addr): boolean {
  return a >>> 24 === 127;
}

export class RkLoopbackQueue {
  private queue: RkLoopedDatagram[] = [];
  private bytes = 0;

  /**
   * Queues one datagram built by `fill`. @returns 0, -EMSGSIZE (over 65515 bytes), or -ENOBUFS
   * (256 datagrams or 1 MiB already waiting).
   */
  push(
    proto: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    len: number,
    fill: (payload: Uint8Array, src: Ipv4Addr) => void,
    options: RkIpSendOptions = {},
  ): number {
    if (len > RK_LOOPBACK_MTU) return -Errno.EMSGSIZE;
    if (this.queue.length >= MAX_QUEUED || this.bytes + len > MAX_BYTES) return -Errno.ENOBUFS;
    const payload = new Uint8Array(len);
    fill(payload, src);
    this.queue.push({ proto, src, dst, ttl: options.ttl ?? 64, tos: options.tos ?? 0, payload });
    this.bytes += len;
    return 0;
  }

  /** Takes everything queued so far (datagrams queued while delivering wait for the next call). */
  take(): RkLoopedDatagram[] {
    const q = this.queue;
    this.queue = [];
    this.bytes = 0;
    return q;
  }

  get length(): number {
    return this.queue.length;
  }
}
