// A test-only virtio-9p device model that forwards each chain's T-message to a real 9P server (diod)
// over TCP and completes the chain when the reply arrives — asynchronously, as a slow host server
// would. It drives the kernel driver through the machine's real virtio-mmio transport and queues.
import { connect, type Socket } from 'node:net';
import { P9Framer } from '@runikraft/rk9p';
import {
  bit,
  VirtioDeviceModel,
} from '../../../platforms/qemu-riscv/src/machine/virtio/devices/model';
import type {
  DeviceVirtqueue,
  VirtqChain,
} from '../../../platforms/qemu-riscv/src/machine/virtio/queue';
import { readSegs, writeSegs } from '../../../platforms/qemu-riscv/src/machine/virtio/queue';

export class ForwardingVirtio9p extends VirtioDeviceModel {
  readonly deviceId = 9;
  readonly numQueues = 1;
  readonly configLen: number;
  private readonly sock: Socket;
  private readonly pending = new Map<
    number,
    { q: DeviceVirtqueue; c: VirtqChain; release: () => void }
  >();
  /** Chains completed. */
  completed = 0;

  /** `aname`: substituted for an empty Tattach aname (QEMU ignores aname; diod needs its export path). */
  constructor(
    port: number,
    tag: string,
    tagLenOverride?: number,
    private readonly aname?: string,
  ) {
    super();
    const t = new TextEncoder().encode(tag);
    this.configLen = 2 + t.length;
    this.cfg.setUint16(0, tagLenOverride ?? t.length, true);
    this.config.set(t, 2);
    this.sock = connect(port, '127.0.0.1');
    const framer = new P9Framer(1 << 20);
    this.sock.on('data', (d: Buffer) => {
      for (const m of framer.push(d)) this.answer(m);
    });
    this.sock.on('error', () => {});
  }

  protected deviceFeatures(): bigint {
    return bit(0);
  }

  protected onNotify(_index: number, q: DeviceVirtqueue): void {
    for (let c = this.pop(q); c; c = this.pop(q)) {
      const msg = new Uint8Array(c.readLen);
      readSegs(this.hostRam(), c.readable, 0, msg);
      // diod answers later: hold the virtual clock until it does (VirtioHost.hostWork)
      const release = this.host?.hostWork() ?? (() => {});
      this.pending.set(msg[5] | (msg[6] << 8), { q, c, release });
      this.sock.write(this.aname ? withAname(msg, this.aname) : msg);
    }
  }

  private answer(m: Uint8Array): void {
    const tag = m[5] | (m[6] << 8);
    const p = this.pending.get(tag);
    if (!p) return;
    this.pending.delete(tag);
    p.release();
    if (m.length > p.c.writeLen) {
      this.fail(`reply of ${m.length} bytes for ${p.c.writeLen}`);
      return;
    }
    writeSegs(this.hostRam(), p.c.writable, 0, m);
    this.completed++;
    this.complete(p.q, p.c.head, m.length);
  }

  protected override onReset(): void {
    for (const p of this.pending.values()) p.release();
    this.pending.clear();
  }

  override close(): void {
    this.sock.destroy();
  }
}

/** Tattach (104) with an empty aname gets `aname` instead; other messages pass unchanged. */
function withAname(m: Uint8Array, aname: string): Uint8Array {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  if (m[4] !== 104) return m;
  const unameLen = v.getUint16(15, true);
  const at = 17 + unameLen;
  if (v.getUint16(at, true) !== 0) return m;
  const a = new TextEncoder().encode(aname);
  const out = new Uint8Array(m.length + a.length);
  out.set(m.subarray(0, at));
  new DataView(out.buffer).setUint16(at, a.length, true);
  out.set(a, at + 2);
  out.set(m.subarray(at + 2), at + 2 + a.length);
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}
