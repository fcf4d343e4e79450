// A virtio rig for benchmarks: kernel-side drivers bound to the machine's virtio-mmio transport and
// device models through the driver test harness (no hart in the loop: this measures the driver, the
// rings, the device models and the backends, not instruction-level emulation).
import { RkNetbufPool } from '../../../../packages/rknetdev/src/index';
import { probeVirtioMmio } from '../../../../packages/virtio/src/bus';
import { harness } from '../../../../packages/virtio/test/harness';
import type { VirtioDeviceModel } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/model';

export function rig(devices: VirtioDeviceModel[], legacy = false) {
  const h = harness(devices, legacy, 64 << 20);
  const t0 = performance.now();
  const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
  const probeMs = performance.now() - t0;
  return { h, devs, probeMs };
}

/** A started NIC in polling mode with a pool of `n` 2 KiB netbufs. */
export function startNic(r: ReturnType<typeof rig>, n = 2048) {
  const dev = r.devs.find((d) => d.netdev)!.netdev!;
  const pool = new RkNetbufPool(
    r.h.plat.memory.phys,
    r.h.dma.memalign(4096, n * 2048),
    n,
    2048,
    64,
  );
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, 256, {
    allocRx: (k) => {
      const out = [];
      for (let i = 0; i < k; i++) {
        const b = pool.alloc();
        if (!b) break;
        out.push(b);
      }
      return out;
    },
  });
  dev.txqConfigure(0, 256);
  dev.start();
  return { dev, pool };
}
