// The machine's virtio-9p device and 9P server as a benchmark share: the path a booted image takes,
// through the driver rig (kernel driver, rings, device model, server) without the hart.
import { create9pfsType, type P9fs } from '../../../../packages/9pfs/src/index';
import type { RkP9TransportRegistry } from '../../../../packages/rk9p/src/index';
import { probeVirtioMmio } from '../../../../packages/virtio/src/bus';
import { harness } from '../../../../packages/virtio/test/harness';
import { P9Server } from '../../../../platforms/qemu-riscv/src/machine/backends/fs/server';
import { Virtio9p } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/p9';
import { env, type Share } from './shares';

/** The machine's -virtfs device through the virtio-9p driver (modern virtio-mmio, 128 MiB of RAM). */
export async function virtioShare(dir: string): Promise<Share> {
  const dev = new Virtio9p(new P9Server({ root: dir }), 'share');
  const h = harness([dev], false, 128 << 20);
  probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
  const type = create9pfsType(h.registry.get('rk9p') as RkP9TransportRegistry);
  return {
    what: "virtio-9p (machine's device and 9P server, driver rig, no hart)",
    async mount(options) {
      const t0 = performance.now();
      const fs = await type.mount({
        source: 'share',
        target: '/mnt',
        options,
        readonly: false,
        env,
      });
      const ms = performance.now() - t0;
      if (typeof fs === 'number') throw new Error(`mount: ${fs}`);
      return { fs: fs as P9fs, ms };
    },
    close: async () => dev.close(),
  };
}
