// IRQ registration with chained handlers over the PLIC (ukplat_irq_register).
import { Errno } from '@runikraft/errno';
import type { RkIrqHandler, RkPlatIrq } from '@runikraft/rkplat';
import type { PlicDriver } from './plic';

export class PlatIrq implements RkPlatIrq {
  /** Chains are replaced, never changed in place, so a dispatch walks the chain it started with. */
  private readonly chains = new Map<number, readonly RkIrqHandler[]>();
  private readonly counts: number[];

  constructor(private readonly plic: PlicDriver) {
    this.counts = new Array(plic.ndev + 1).fill(0);
  }

  register(irq: number, handler: RkIrqHandler): number {
    if (!Number.isInteger(irq) || irq < 1 || irq > this.plic.ndev) return -Errno.EINVAL;
    const chain = [...(this.chains.get(irq) ?? []), handler];
    this.chains.set(irq, chain);
    if (chain.length === 1) this.plic.enable(irq);
    return 0;
  }

  unregister(irq: number, handler: RkIrqHandler): number {
    const chain = this.chains.get(irq);
    const i = chain?.indexOf(handler) ?? -1;
    if (!chain || i < 0) return -Errno.ENOENT;
    if (chain.length > 1) {
      this.chains.set(irq, [...chain.slice(0, i), ...chain.slice(i + 1)]);
    } else {
      this.chains.delete(irq);
      this.plic.disable(irq);
    }
    return 0;
  }

  count(irq: number): number {
    return this.counts[irq] ?? 0;
  }

  /** External-interrupt trap: claims and dispatches until the PLIC has nothing pending for us. */
  dispatchExternal(): void {
    for (let irq = this.plic.claim(); irq !== 0; irq = this.plic.claim()) {
      this.counts[irq] = (this.counts[irq] ?? 0) + 1;
      // One that no handler accepts (spurious, or a device sharing the line) is completed all the same.
      for (const h of this.chains.get(irq) ?? []) if (h(irq)) break;
      this.plic.complete(irq);
    }
  }
}
