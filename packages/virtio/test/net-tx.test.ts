// virtio-net TX status (rknetdev contract, as uk_netdev_tx_one): SUCCESS | MORE while descriptors remain,
// SUCCESS alone when the packet took the last ones, -EMSGSIZE for a chain longer than the ring.
import { Errno } from '@runikraft/errno';
import {
  netbufWrite,
  RK_NETDEV_STATUS_MORE,
  RK_NETDEV_STATUS_SUCCESS,
  RkNetbufPool,
} from '@runikraft/rknetdev';
import { describe, expect, it } from 'vitest';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { probeVirtioMmio } from '../src/bus';
import { harness } from './harness';

function txDevice(queueSize: number) {
  const hub = new NetHub();
  const frames: Uint8Array[] = [];
  hub.port('peer').attach({ receive: (f) => frames.push(f) > 0 });
  const h = harness([new VirtioNet(hub.port('dev'))], false);
  const [d] = probeVirtioMmio({
    plat: h.plat,
    dma: h.dma,
    registry: h.registry as never,
    queueSize,
  });
  const dev = d.netdev!;
  const pool = new RkNetbufPool(h.plat.memory.phys, h.dma.memalign(4096, 64 * 2048), 64, 2048, 64);
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, queueSize, { allocRx: (n) => pool.allocBurst(n) });
  dev.txqConfigure(0, queueSize);
  dev.start();
  /** A chain of `n` netbufs holding one 60-byte frame (14 bytes in the head, the rest spread over the tail). */
  const chain = (n: number) => {
    const f = new Uint8Array(60).fill(n);
    const bufs = Array.from({ length: n }, () => pool.alloc()!);
    const cut = (i: number) => (i === 0 ? 0 : 14 + Math.floor(((i - 1) * 46) / (n - 1 || 1)));
    bufs.forEach((b, i) => {
      netbufWrite(dev.phys, b, f.subarray(cut(i), i === n - 1 ? 60 : cut(i + 1)));
      if (i > 0) bufs[i - 1].next = b;
    });
    return bufs[0];
  };
  return { dev, chain, frames, pump: h.pump };
}

describe('virtio-net TX status', () => {
  it('SUCCESS | MORE while descriptors remain, SUCCESS alone when the ring is now full', async () => {
    const { dev, chain, frames, pump } = txDevice(8);
    expect(dev.txOne(0, chain(1))).toBe(RK_NETDEV_STATUS_SUCCESS | RK_NETDEV_STATUS_MORE);
    await pump();
    expect(dev.txOne(0, chain(8))).toBe(RK_NETDEV_STATUS_SUCCESS);
    await pump();
    expect(frames.length).toBe(2);
    expect(frames[1]).toEqual(new Uint8Array(60).fill(8));
  });
  it('a chain longer than the ring is -EMSGSIZE (never "full, retry"), and the caller keeps it intact', () => {
    const { dev, chain } = txDevice(8);
    const pkt = chain(9);
    const { data, len } = pkt;
    expect(dev.txOne(0, pkt)).toBe(-Errno.EMSGSIZE);
    expect([pkt.data, pkt.len]).toEqual([data, len]);
    expect(dev.stats.txErrors).toBe(1);
    expect(dev.txOne(0, chain(2)) & RK_NETDEV_STATUS_SUCCESS).toBe(RK_NETDEV_STATUS_SUCCESS);
  });
  it("with `more` the device is told once, at the burst's last packet; a refused packet rings for those before it", async () => {
    const { dev, chain, frames, pump } = txDevice(8);
    for (let i = 1; i <= 3; i++)
      expect(dev.txOne(0, chain(i), true) & RK_NETDEV_STATUS_SUCCESS).toBeTruthy();
    await pump();
    expect(frames.length).toBe(0); // queued in the ring, the device not told
    expect(dev.txOne(0, chain(1)) & RK_NETDEV_STATUS_SUCCESS).toBeTruthy();
    await pump();
    expect(frames.map((f) => f[20])).toEqual([1, 2, 3, 1]);
    expect(dev.txOne(0, chain(2), true) & RK_NETDEV_STATUS_SUCCESS).toBeTruthy();
    expect(dev.txOne(0, chain(9), true)).toBe(-Errno.EMSGSIZE);
    await pump();
    expect(frames.length).toBe(5);
    expect(dev.txBurst(0, [chain(3), chain(2), chain(2)])).toBe(3);
    await pump();
    expect(frames.slice(5).map((f) => f[20])).toEqual([3, 2, 2]);
  });
});
