// virtio-9p (Linux include/uapi/linux/virtio_9p.h, QEMU hw/9pfs/virtio-9p-device.c): one request
// queue of [T-message][room for the R-message] chains served by a host 9P2000.L server; the config
// space holds the mount tag (REFERENCE §9). used.len = length of the R-message.
import type { P9Server } from '../../backends/fs/server';
import type { DeviceVirtqueue, VirtqChain } from '../queue';
import { readSegs, writeSegs } from '../queue';
import { bit, VirtioDeviceModel } from './model';

export const VIRTIO_ID_9P = 9;
export const VIRTIO_9P_MOUNT_TAG = 0;
/** QEMU's MAX_TAG_LEN (32) less the NUL it keeps. */
export const VIRTIO_9P_MAX_TAG = 31;

export class Virtio9p extends VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_9P;
  readonly numQueues = 1;
  /** QEMU's virtio-9p queue: MAX_REQ = 128 entries. */
  queueSizeDefault(): number {
    return 128;
  }
  readonly configLen: number;
  private msg: Uint8Array;

  /** @throws Error when `tag` is empty or longer than 31 bytes (QEMU refuses it too). */
  constructor(
    readonly server: P9Server,
    readonly tag: string,
  ) {
    super();
    const t = new TextEncoder().encode(tag);
    if (t.length === 0) throw new Error('virtio-9p-device: mount_tag= is empty');
    if (t.length > VIRTIO_9P_MAX_TAG)
      throw new Error(
        `virtio-9p-device: mount tag '${tag}' (${t.length} bytes) is longer than maximum (${VIRTIO_9P_MAX_TAG} bytes)`,
      );
    this.configLen = 2 + t.length;
    this.cfg.setUint16(0, t.length, true);
    this.config.set(t, 2);
    this.msg = new Uint8Array(server.maxMsize);
  }

  protected deviceFeatures(): bigint {
    return bit(VIRTIO_9P_MOUNT_TAG);
  }

  protected onNotify(_index: number, q: DeviceVirtqueue): void {
    for (let c = this.pop(q); c; c = this.pop(q)) {
      const len = this.request(c);
      if (len === null) return;
      this.complete(q, c.head, len);
    }
  }

  /** Serves one chain. @returns the R-message length, or null after a driver bug (NEEDS_RESET). */
  private request(c: VirtqChain): number | null {
    const ram = this.hostRam();
    // QEMU handle_9p_output: a request needs its 7-byte header and 7 bytes of room for a reply.
    if (c.readLen < 7 || c.writeLen < 7) {
      this.fail(
        `virtio-9p: request ${c.head} has ${c.readLen} readable and ${c.writeLen} writable bytes (7 each needed)`,
      );
      return null;
    }
    // size[4] is read where it lies when the first buffer holds it (rk9p and Linux send the whole
    // T-message in one buffer); a split header is gathered first
    const first = c.readable[0]!;
    const at = first.addr - ram.base;
    let size: number;
    if (first.len >= 4) size = ram.view.getUint32(at, true);
    else {
      readSegs(ram, c.readable, 0, this.msg.subarray(0, 4));
      size = this.msg[0]! | (this.msg[1]! << 8) | (this.msg[2]! << 16) | (this.msg[3]! << 24);
      size >>>= 0;
    }
    // The message is its size[4] bytes, or everything readable when it claims more (the server
    // then answers Rlerror naming the size): never a read past the chain.
    const n = Math.min(size >= 7 ? size : c.readLen, c.readLen, this.msg.length);
    // A message in one buffer is served in place, as QEMU's pdu_unmarshal and Twrite's pwritev read
    // guest memory: no copy of a Twrite's data. The harts stand still while a device serves their
    // notify (one host thread runs them all), so the bytes cannot change under the server; and the
    // server reads each field once and checks it as it reads. Split messages are gathered.
    let msg: Uint8Array;
    if (first.len >= n) msg = ram.u8.subarray(at, at + n);
    else {
      msg = this.msg.subarray(0, n);
      readSegs(ram, c.readable, 0, msg);
    }
    const reply = this.server.handle(msg, c.writeLen);
    // QEMU 7.2 virtio_init_in_iov_from_pdu / pdu_marshal: a reply the buffer cannot hold is a
    // driver bug ("VirtFS reply type N needs M bytes"), never a truncated reply.
    const needed = this.server.overflow ?? reply.length;
    if (needed > c.writeLen) {
      this.fail(
        `virtio-9p: reply type ${msg[4] + 1} needs ${needed} bytes, buffer has ${c.writeLen}`,
      );
      return null;
    }
    writeSegs(ram, c.writable, 0, reply);
    return reply.length;
  }

  /** Device reset: the 9P session ends, every fid is clunked (QEMU v9fs_reset). */
  protected override onReset(): void {
    this.server.clunkAll();
  }

  override close(): void {
    this.server.close();
  }
}
