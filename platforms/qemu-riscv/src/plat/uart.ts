// ns16550a console driver (UART0): polled transmit, interrupt-driven receive into a ring.
// Register semantics: REFERENCE.md §12 (QEMU hw/char/serial.c); byte registers, stride 1.
import type { Hart } from '../isa/hart';

const RBR_THR = 0;
const IER = 1;
const FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const IER_RDI = 0x01;
const RX_RING = 4096;

/** The UART as the console: transmit polls THRE, receive drains RBR from the IRQ handler. */
export class Ns16550Console {
  private readonly rx = new Uint8Array(RX_RING);
  private rxHead = 0;
  private rxCount = 0;
  private listener: (() => void) | null = null;

  constructor(
    private readonly hart: Hart,
    private readonly base: number,
  ) {}

  /** 8N1, FIFO on, OUT2 (interrupt line gate on PCs; harmless here), receive interrupts on. */
  init(): void {
    this.hart.store8(this.base + LCR, 0x03);
    this.hart.store8(this.base + FCR, 0x01);
    this.hart.store8(this.base + MCR, 0x08);
    this.hart.store8(this.base + IER, IER_RDI);
  }

  putBytes(bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; i++) {
      while ((this.hart.load8(this.base + LSR) & LSR_THRE) === 0) {}
      this.hart.store8(this.base + RBR_THR, bytes[i]!);
    }
    return bytes.length;
  }

  /** IRQ handler: drains every received byte into the ring. @returns true if a byte was read. */
  handleIrq(): boolean {
    let got = false;
    while (this.hart.load8(this.base + LSR) & LSR_DR) {
      const b = this.hart.load8(this.base + RBR_THR);
      got = true;
      if (this.rxCount === RX_RING) continue; // ring full: the byte is dropped, older input kept
      this.rx[(this.rxHead + this.rxCount) % RX_RING] = b;
      this.rxCount++;
    }
    if (got) this.listener?.();
    return got;
  }

  read(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.rxCount);
    for (let i = 0; i < n; i++) buf[i] = this.rx[(this.rxHead + i) % RX_RING]!;
    this.rxHead = (this.rxHead + n) % RX_RING;
    this.rxCount -= n;
    return n;
  }

  onInput(listener: (() => void) | null): void {
    this.listener = listener;
  }
}
