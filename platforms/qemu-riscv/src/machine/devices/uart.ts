// ns16550a UART0 at 0x10000000 (REFERENCE.md §12; QEMU hw/char/serial.c as in 7.2): byte registers,
// instantaneous transmit, 16-byte FIFOs with trigger levels and character-timeout, IIR priorities,
// THRE interrupt semantics, loopback. Host input waits in a queue until the receiver can take it.
import { type MachineClock, Timer } from '../clock';
import type { MmioDevice } from '../mmio';
import type { IrqLine } from './irq';

const LCR_DLAB = 0x80;
const IER_MSI = 0x08;
const IER_RLSI = 0x04;
const IER_THRI = 0x02;
const IER_RDI = 0x01;
const IIR_NO_INT = 0x01;
const IIR_ID = 0x06;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FE = 0xc0;
const MCR_LOOP = 0x10;
const MCR_OUT2 = 0x08;
const MSR_ANY_DELTA = 0x0f;
const LSR_TEMT = 0x40;
const LSR_THRE = 0x20;
const LSR_BI = 0x10;
const LSR_OE = 0x02;
const LSR_DR = 0x01;
const LSR_INT_ANY = 0x1e;
const FCR_FE = 0x01;
const FCR_RFR = 0x02;
const FCR_XFR = 0x04;
const FIFO_LEN = 16;
/** serial_mm_init baudbase on virt (REFERENCE.md §12). */
const BAUDBASE = 399193;
/** Host bytes held while the guest does not read (flow control, as a chardev would). */
const MAX_QUEUED_INPUT = 1 << 20;

/** Where transmitted bytes go. */
export type UartTx = (byte: number) => void;

export class Uart16550 implements MmioDevice {
  readonly name = 'serial';
  readonly size = 8;
  readonly validMin = 1;
  readonly validMax = 8;
  readonly implMax = 8;
  private rbr = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = 0xb0;
  private scr = 0;
  private thr = 0;
  private fcr = 0;
  private divider = 12;
  private thrIpending = false;
  private timeoutIpending = false;
  private recvItl = 1;
  private charTransmitNs = Math.floor(1e9 / 9600) * 10;
  private readonly rx: number[] = [];
  private readonly tx: number[] = [];
  private readonly input: number[] = [];
  private inputHead = 0;
  private readonly fifoTimeout: Timer;

  constructor(
    private readonly clock: MachineClock,
    private readonly irq: IrqLine,
    private readonly transmit: UartTx,
  ) {
    this.fifoTimeout = new Timer(() => {
      if (this.rx.length) {
        this.timeoutIpending = true;
        this.updateIrq();
      }
    });
  }

  reset(): void {
    this.rbr = 0;
    this.ier = 0;
    this.iir = IIR_NO_INT;
    this.lcr = 0;
    this.lsr = LSR_TEMT | LSR_THRE;
    this.msr = 0xb0;
    this.divider = 12;
    this.mcr = MCR_OUT2;
    this.scr = 0;
    this.fcr = 0;
    this.charTransmitNs = Math.floor(1e9 / 9600) * 10;
    this.timeoutIpending = false;
    this.thrIpending = false;
    this.clock.cancel(this.fifoTimeout);
    this.rx.length = 0;
    this.tx.length = 0;
    this.irq(false);
  }

  /** Host input (console backend): queued, then moved into the receiver as it has room. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes)
      if (this.input.length - this.inputHead < MAX_QUEUED_INPUT) this.input.push(b);
    this.pump();
  }

  /** Bytes of host input not yet taken by the receiver. */
  get queuedInput(): number {
    return this.input.length - this.inputHead;
  }

  private pump(): void {
    if (this.mcr & MCR_LOOP) return;
    for (;;) {
      const room = this.canReceive();
      const avail = this.input.length - this.inputHead;
      if (room <= 0 || avail <= 0) break;
      const n = Math.min(room, avail);
      this.receive1(this.input.slice(this.inputHead, this.inputHead + n));
      this.inputHead += n;
    }
    if (this.inputHead > 4096 && this.inputHead * 2 > this.input.length) {
      this.input.splice(0, this.inputHead);
      this.inputHead = 0;
    }
  }

  private canReceive(): number {
    if (this.fcr & FCR_FE) {
      if (this.rx.length >= FIFO_LEN) return 0;
      return this.rx.length <= this.recvItl ? this.recvItl - this.rx.length : 1;
    }
    return this.lsr & LSR_DR ? 0 : 1;
  }

  private receive1(buf: readonly number[]): void {
    if (this.fcr & FCR_FE) {
      for (const b of buf) {
        if (this.rx.length < FIFO_LEN) this.rx.push(b);
        else this.lsr |= LSR_OE;
      }
      this.lsr |= LSR_DR;
      this.clock.arm(this.fifoTimeout, this.clock.nowNs() + this.charTransmitNs * 4);
    } else {
      if (this.lsr & LSR_DR) this.lsr |= LSR_OE;
      this.rbr = buf[0];
      this.lsr |= LSR_DR;
    }
    this.updateIrq();
  }

  private updateIrq(): void {
    let id = IIR_NO_INT;
    if (this.ier & IER_RLSI && this.lsr & LSR_INT_ANY) id = IIR_RLSI;
    else if (this.ier & IER_RDI && this.timeoutIpending) id = IIR_CTI;
    else if (
      this.ier & IER_RDI &&
      this.lsr & LSR_DR &&
      (!(this.fcr & FCR_FE) || this.rx.length >= this.recvItl)
    )
      id = IIR_RDI;
    else if (this.ier & IER_THRI && this.thrIpending) id = IIR_THRI;
    else if (this.ier & IER_MSI && this.msr & MSR_ANY_DELTA) id = IIR_MSI;
    this.iir = id | (this.iir & 0xf0);
    this.irq(id !== IIR_NO_INT);
  }

  private updateParameters(): void {
    if (this.divider === 0 || this.divider > BAUDBASE) return;
    let frame = 1;
    if (this.lcr & 0x08) frame++;
    const stop = this.lcr & 0x04 ? 2 : 1;
    frame += (this.lcr & 0x03) + 5 + stop;
    const speed = Math.floor(BAUDBASE / this.divider);
    this.charTransmitNs = Math.floor(1e9 / speed) * frame;
  }

  /** serial_xmit: the byte leaves at once (no baud pacing, REFERENCE.md §12). */
  private xmit(): void {
    do {
      let tsr: number;
      if (this.fcr & FCR_FE) {
        tsr = this.tx.shift() ?? 0;
        if (this.tx.length === 0) this.lsr |= LSR_THRE;
      } else {
        tsr = this.thr;
        this.lsr |= LSR_THRE;
      }
      if (this.lsr & LSR_THRE && !this.thrIpending) {
        this.thrIpending = true;
        this.updateIrq();
      }
      if (this.mcr & MCR_LOOP) this.receive1([tsr]);
      else this.transmit(tsr);
    } while (!(this.lsr & LSR_THRE));
    this.lsr |= LSR_TEMT;
  }

  write(offset: number, _size: number, value: number): void {
    const val = value & 0xff;
    switch (offset & 7) {
      case 0:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0xff00) | val;
          this.updateParameters();
        } else {
          this.thr = val;
          if (this.fcr & FCR_FE) {
            if (this.tx.length >= FIFO_LEN) this.tx.shift();
            this.tx.push(val);
          }
          this.thrIpending = false;
          this.lsr &= ~(LSR_THRE | LSR_TEMT);
          this.updateIrq();
          this.xmit();
        }
        break;
      case 1:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0x00ff) | (val << 8);
          this.updateParameters();
        } else {
          const changed = (this.ier ^ val) & 0x0f;
          this.ier = val & 0x0f;
          if (changed & IER_THRI) this.thrIpending = !!(this.ier & IER_THRI && this.lsr & LSR_THRE);
          if (changed) this.updateIrq();
        }
        break;
      case 2:
        this.writeFcr(val);
        break;
      case 3:
        this.lcr = val;
        this.updateParameters();
        break;
      case 4: {
        const wasLoop = this.mcr & MCR_LOOP;
        this.mcr = val & 0x1f;
        if (wasLoop && !(this.mcr & MCR_LOOP)) this.pump();
        break;
      }
      case 7:
        this.scr = val;
        break;
    }
  }

  private writeFcr(v: number): void {
    let val = v;
    if ((val ^ this.fcr) & FCR_FE) val |= FCR_XFR | FCR_RFR;
    if (val & FCR_RFR) {
      this.lsr &= ~(LSR_DR | LSR_BI);
      this.clock.cancel(this.fifoTimeout);
      this.timeoutIpending = false;
      this.rx.length = 0;
    }
    if (val & FCR_XFR) {
      this.lsr |= LSR_THRE;
      this.thrIpending = true;
      this.tx.length = 0;
    }
    this.fcr = val & 0xc9;
    if (this.fcr & FCR_FE) {
      this.iir |= IIR_FE;
      this.recvItl = [1, 4, 8, 14][this.fcr >>> 6];
    } else this.iir &= ~IIR_FE;
    this.updateIrq();
    this.pump();
  }

  read(offset: number): number {
    switch (offset & 7) {
      case 0:
        if (this.lcr & LCR_DLAB) return this.divider & 0xff;
        return this.readRbr();
      case 1:
        return this.lcr & LCR_DLAB ? (this.divider >>> 8) & 0xff : this.ier;
      case 2: {
        const ret = this.iir;
        if ((ret & IIR_ID) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return ret;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5: {
        const ret = this.lsr;
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE);
          this.updateIrq();
        }
        return ret;
      }
      case 6:
        if (this.mcr & MCR_LOOP)
          return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
        if (this.msr & MSR_ANY_DELTA) {
          const ret = this.msr;
          this.msr &= 0xf0;
          this.updateIrq();
          return ret;
        }
        return this.msr;
      default:
        return this.scr;
    }
  }

  private readRbr(): number {
    let ret: number;
    if (this.fcr & FCR_FE) {
      ret = this.rx.length ? (this.rx.shift() as number) : 0;
      if (this.rx.length === 0) this.lsr &= ~(LSR_DR | LSR_BI);
      else this.clock.arm(this.fifoTimeout, this.clock.nowNs() + this.charTransmitNs * 4);
      this.timeoutIpending = false;
    } else {
      ret = this.rbr;
      this.lsr &= ~(LSR_DR | LSR_BI);
    }
    this.updateIrq();
    this.pump();
    return ret;
  }
}
