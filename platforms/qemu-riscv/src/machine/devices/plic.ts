// SiFive PLIC at 0x0c000000 (REFERENCE.md §10; QEMU hw/intc/sifive_plic.c): 96 sources, priorities mod 8,
// pending latched on raise and not re-sampled on complete, claim/complete per context (2 per hart: M, S).
import { IRQ_M_EXT, IRQ_S_EXT } from '../../isa/csr';
import type { MmioDevice } from '../mmio';
import type { HartIrqSink } from './irq';

export const PLIC_NUM_SOURCES = 96;
const NUM_PRIORITIES = 7;
const WORDS = PLIC_NUM_SOURCES >>> 5;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;

export class Plic implements MmioDevice {
  readonly name = 'riscv.sifive.plic';
  readonly size = 0x600000;
  readonly validMin = 4;
  readonly validMax = 4;
  private readonly priority = new Uint32Array(PLIC_NUM_SOURCES);
  private readonly pending = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  private readonly numContexts: number;

  /** `harts[i]` receives context 2i (MEIP) and 2i+1 (SEIP). */
  constructor(private readonly harts: readonly HartIrqSink[]) {
    this.numContexts = 2 * harts.length;
    this.enable = new Uint32Array(WORDS * this.numContexts);
    this.threshold = new Uint32Array(this.numContexts);
  }

  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.claimed.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    this.update();
  }

  /** A device's line: raising sets pending (every time); lowering does nothing (QEMU 7.2). */
  setIrq(source: number, level: boolean): void {
    if (!level || source <= 0 || source >= PLIC_NUM_SOURCES) return;
    this.pending[source >>> 5] |= 1 << (source & 31);
    this.update();
  }

  /** Pending bit of `source` (tests, stats). */
  isPending(source: number): boolean {
    return (this.pending[source >>> 5] & (1 << (source & 31))) !== 0;
  }

  /** sifive_plic_claimed: best pending, enabled, unclaimed source above the threshold, or 0. */
  private best(ctx: number): number {
    let maxIrq = 0;
    let maxPrio = this.threshold[ctx];
    for (let w = 0; w < WORDS; w++) {
      const cand = this.pending[w] & ~this.claimed[w] & this.enable[ctx * WORDS + w];
      if (cand === 0) continue;
      for (let b = 0; b < 32; b++) {
        if (!(cand & (1 << b))) continue;
        const irq = w * 32 + b;
        if (this.priority[irq] > maxPrio) {
          maxIrq = irq;
          maxPrio = this.priority[irq];
        }
      }
    }
    return maxIrq;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.numContexts; ctx++) {
      const hart = this.harts[ctx >>> 1];
      hart.setIrqLine(ctx & 1 ? IRQ_S_EXT : IRQ_M_EXT, this.best(ctx) !== 0);
    }
  }

  /** `-d guest_errors`: accesses outside the registers (QEMU's sifive_plic messages). */
  guestError: (line: string) => void = () => {};

  read(offset: number): number {
    if (offset < PLIC_NUM_SOURCES * 4) return this.priority[offset >>> 2];
    if (offset >= PENDING_BASE && offset < PENDING_BASE + WORDS * 4)
      return this.pending[(offset - PENDING_BASE) >>> 2];
    if (offset >= ENABLE_BASE && offset < ENABLE_BASE + this.numContexts * ENABLE_STRIDE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = (offset & (ENABLE_STRIDE - 1)) >>> 2;
      return word < WORDS ? this.enable[ctx * WORDS + word] : 0;
    }
    if (offset >= CONTEXT_BASE && offset < CONTEXT_BASE + this.numContexts * CONTEXT_STRIDE) {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = offset & (CONTEXT_STRIDE - 1);
      if (reg === 0) return this.threshold[ctx];
      if (reg === 4) return this.claim(ctx);
    }
    this.guestError(`sifive_plic_read: Invalid register read 0x${offset.toString(16)}`);
    return 0;
  }

  private claim(ctx: number): number {
    const irq = this.best(ctx);
    if (irq) {
      this.pending[irq >>> 5] &= ~(1 << (irq & 31));
      this.claimed[irq >>> 5] |= 1 << (irq & 31);
    }
    this.update();
    return irq;
  }

  write(offset: number, _size: number, value: number): void {
    const invalid = () =>
      this.guestError(`sifive_plic_write: Invalid register write 0x${offset.toString(16)}`);
    if (offset >= PENDING_BASE && offset < PENDING_BASE + WORDS * 4)
      this.guestError(`sifive_plic_write: invalid pending write: 0x${offset.toString(16)}`);
    else if (offset < PLIC_NUM_SOURCES * 4) {
      // Source 0 does not exist: its priority reads 0 whatever is written (measured on 7.2).
      if (offset >= 4) this.priority[offset >>> 2] = value % (NUM_PRIORITIES + 1);
      this.update();
    } else if (offset >= ENABLE_BASE && offset < ENABLE_BASE + this.numContexts * ENABLE_STRIDE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = (offset & (ENABLE_STRIDE - 1)) >>> 2;
      if (word < WORDS) this.enable[ctx * WORDS + word] = value;
      else invalid();
      // QEMU 7.2 does not re-evaluate the outputs on an enable write; the next event does.
    } else if (
      offset >= CONTEXT_BASE &&
      offset < CONTEXT_BASE + this.numContexts * CONTEXT_STRIDE
    ) {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = offset & (CONTEXT_STRIDE - 1);
      if (reg === 0) {
        this.threshold[ctx] = value % (NUM_PRIORITIES + 1);
        this.update();
      } else if (reg === 4) {
        // Complete: not checked against what was claimed or enabled (QEMU); a source number past
        // the last is ignored.
        if (value >= PLIC_NUM_SOURCES) {
          this.guestError(
            `sifive_plic_write: complete of source ${value >>> 0} (sources 1..${PLIC_NUM_SOURCES - 1})`,
          );
          return;
        }
        this.claimed[value >>> 5] &= ~(1 << (value & 31));
        this.update();
      } else this.guestError(`sifive_plic_write: Invalid context write 0x${offset.toString(16)}`);
    } else invalid();
  }
}
