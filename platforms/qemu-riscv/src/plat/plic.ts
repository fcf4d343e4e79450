// SiFive PLIC driver: per-source priority, per-context enable/threshold, claim/complete.
// Layout: REFERENCE.md §10 (QEMU hw/intc/sifive_plic.c); 32-bit accesses only.
import type { Hart } from '../isa/hart';

const PRIORITY = 0x0;
const ENABLE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT = 0x200000;
const CONTEXT_STRIDE = 0x1000;

export class PlicDriver {
  constructor(
    private readonly hart: Hart,
    private readonly base: number,
    /** The context wired to this hart's external interrupt in our privilege mode. */
    private readonly context: number,
    readonly ndev: number,
  ) {}

  init(): void {
    for (let w = 0; w < Math.ceil(this.ndev / 32); w++) this.hart.store32(this.enableAddr(w), 0);
    this.hart.store32(this.base + CONTEXT + CONTEXT_STRIDE * this.context, 0);
  }

  private enableAddr(word: number): number {
    return this.base + ENABLE + ENABLE_STRIDE * this.context + 4 * word;
  }

  enable(irq: number): void {
    this.hart.store32(this.base + PRIORITY + 4 * irq, 1);
    const a = this.enableAddr(irq >>> 5);
    this.hart.store32(a, (this.hart.load32(a) | (1 << (irq & 31))) >>> 0);
  }

  disable(irq: number): void {
    const a = this.enableAddr(irq >>> 5);
    this.hart.store32(a, (this.hart.load32(a) & ~(1 << (irq & 31))) >>> 0);
  }

  /** @returns the highest-priority pending source (now claimed), or 0. */
  claim(): number {
    return this.hart.load32(this.base + CONTEXT + CONTEXT_STRIDE * this.context + 4);
  }

  complete(irq: number): void {
    this.hart.store32(this.base + CONTEXT + CONTEXT_STRIDE * this.context + 4, irq);
  }
}
