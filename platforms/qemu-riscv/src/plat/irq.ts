// IRQ registration with chained handlers over the PLIC (ukplat_irq_register).
import { Errno } from '@runikraft/errno';
import type { RkIrqHandler, RkPlatIrq } from '@runikraft/rkplat';
import type { PlicDriver } from './plic';

export class PlatIrq implements RkPlatIrq {
  private readonly chains = new Map<number, RkIrqHandler[]>();
  private readonly counts: number[];
  /** Interrupts claimed that no handler accepted. */
  spurious = 0;

  constructor(private readonly plic: PlicDriver) {
    this.counts = new Array(plic.ndev + 1).fill(0);
  }

  register(irq: number, handler: RkIrqHandler): number {
    if (!Number.isInteger(irq) || irq < 1 || irq > this.plic.ndev) return -Errno.EINVAL;
    const chain = this.chains.get(irq) ?? [];
    chain.push(handler);
    this.chains.set(irq, chain);
    if (chain.length === 1) this.plic.enable(irq);
    return 0;
  }

  unregister(irq: number, handler: RkIrqHandler): number {
    const chain = this.chains.get(irq);
    const i = chain?.indexOf(handler) ?? -1;
    if (!chain || i < 0) return -Errno.ENOENT;
    chain.splice(i, 1);
    if (chain.length === 0) {
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
      let handled = false;
      for (const h of this.chains.get(irq) ?? []) if ((handled = h(irq))) break;
      if (!handled) this.spurious++;
      this.plic.complete(irq);
    }
  }
}
