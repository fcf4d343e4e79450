// The virtio-mmio bus's refusals: a slot without a usable interrupt specifier, and a plat that will not
// take the IRQ handler, fail the bind with an error instead of binding a device that never interrupts.
import { Errno } from '@runikraft/errno';
import type { RkDevNode, RkPlat } from '@runikraft/rkplat';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { probeVirtioMmio } from '../src/bus';
import { harness } from './harness';

const STATUS_FAILED = 0x80;

describe('virtio bus: binding refusals', () => {
  for (const interrupts of [[], [0], [-3]]) {
    it(`a slot with interrupts = [${interrupts}] is not bound (no IRQ 0 fallback)`, () => {
      const h = harness([new VirtioBlk(new MemoryBlockBackend('d', 65536))], false);
      const nodes = h.plat.devices.find('virtio,mmio') as RkDevNode[];
      (nodes[0] as { interrupts: readonly number[] }).interrupts = interrupts;
      const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
      expect(devs).toHaveLength(1);
      expect(devs[0].error).toBe(
        `/soc/virtio_mmio@10008000: no usable interrupt specifier (interrupts = [${interrupts.join(', ')}])`,
      );
      expect(devs[0].blkdev).toBeUndefined();
      expect(h.transports[7].status).toBe(0); // untouched, as Linux leaves a device whose probe failed
    });
  }

  it("irq.register's error fails the bind: FAILED status, no blkdev registered", () => {
    const h = harness([new VirtioBlk(new MemoryBlockBackend('d', 65536))], false);
    (h.plat.irq as { register: RkPlat['irq']['register'] }).register = () => -Errno.EINVAL;
    const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
    expect(devs[0].error).toBe(`cannot register a handler for IRQ 8 (${-Errno.EINVAL})`);
    expect(devs[0].blkdev).toBeUndefined();
    expect(h.registry.size).toBe(0);
    expect(h.transports[7].status & STATUS_FAILED).toBe(STATUS_FAILED);
  });
});
