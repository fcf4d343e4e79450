// goldfish RTC at 0x00101000 (REFERENCE.md §13; QEMU hw/rtc/goldfish_rtc.c, 7.2): ns since the Unix epoch,
// TIME_HIGH latched by the TIME_LOW read, one alarm raising PLIC IRQ 11 when enabled. 32-bit only.
// It follows QEMU's rtc_clock: the machine clock (`-rtc clock=vm`) or host time (`clock=host`, QEMU's
// default, which keeps running while the machine is held under qtest).
import { type MachineClock, Timer } from '../clock';
import type { MmioDevice } from '../mmio';
import type { IrqLine } from './irq';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;
const U64 = 0xffffffffffffffffn;
const LO = 0xffffffffn;

export class GoldfishRtc implements MmioDevice {
  readonly name = 'goldfish_rtc';
  readonly size = 0x24;
  readonly validMin = 4;
  readonly validMax = 4;
  /** RTC ns = machine clock ns + tickOffset (QEMU's tick_offset). */
  private tickOffset: bigint;
  private alarmNext = 0n;
  private alarmRunning = 0;
  private irqPending = 0;
  private irqEnabled = 0;
  private timeHigh = 0;
  private readonly timer: Timer;
  /** Host time source when following the host (`-rtc clock=host`), else null (the machine clock). */
  private readonly hostNs: (() => number) | null;

  /**
   * `epochNs`: the wall-clock time at machine power-on; `follow`: 'vm' = the machine clock,
   * 'host' = host time (ns, `hostNs`), whatever the machine clock does.
   */
  constructor(
    private readonly clock: MachineClock,
    private readonly irq: IrqLine,
    epochNs: bigint,
    follow: 'vm' | 'host' = 'vm',
    hostNs: () => number = () => clock.nowNs(),
  ) {
    this.hostNs = follow === 'host' ? hostNs : null;
    this.tickOffset = epochNs - (this.hostNs ? BigInt(Math.floor(this.hostNs())) : 0n);
    this.timer = new Timer(() => {
      this.alarmRunning = 0;
      this.raiseAlarm();
    });
  }

  reset(): void {
    this.clock.cancel(this.timer);
    this.alarmNext = 0n;
    this.alarmRunning = 0;
    this.irqPending = 0;
    this.irqEnabled = 0;
  }

  /** The current RTC value in ns since the epoch. */
  count(): bigint {
    return (this.tickOffset + BigInt(Math.floor(this.source()))) & U64;
  }

  private source(): number {
    return this.hostNs ? this.hostNs() : this.clock.nowNs();
  }

  private update(): void {
    this.irq((this.irqPending & this.irqEnabled) !== 0);
  }

  private raiseAlarm(): void {
    this.irqPending = 1;
    this.update();
  }

  private setAlarm(): void {
    if (this.alarmNext <= this.count()) {
      this.clock.cancel(this.timer);
      this.alarmRunning = 0;
      this.raiseAlarm();
      return;
    }
    // The alarm timer sits on the machine clock: a host-time alarm is armed the same distance ahead.
    const at = this.hostNs
      ? BigInt(this.clock.nowNs()) + (this.alarmNext - this.count())
      : this.alarmNext - this.tickOffset;
    this.clock.arm(this.timer, at >= 1n << 53n ? Number.POSITIVE_INFINITY : Number(at));
    this.alarmRunning = 1;
  }

  /** `-d guest_errors`: accesses to offsets that are no register (QEMU's message). */
  guestError: (line: string) => void = () => {};

  read(offset: number): number {
    switch (offset) {
      case TIME_LOW: {
        const r = this.count();
        this.timeHigh = Number(r >> 32n);
        return Number(r & LO);
      }
      case TIME_HIGH:
        return this.timeHigh;
      case ALARM_LOW:
        return Number(this.alarmNext & LO);
      case ALARM_HIGH:
        return Number(this.alarmNext >> 32n);
      case IRQ_ENABLED:
        return this.irqEnabled;
      case ALARM_STATUS:
        return this.alarmRunning;
      default:
        this.guestError(`goldfish_rtc_read: offset 0x${offset.toString(16)} is UNIMP.`);
        return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    const v = BigInt(value >>> 0);
    switch (offset) {
      case TIME_LOW: {
        const cur = this.count();
        this.tickOffset = (this.tickOffset + ((cur & ~LO) | v) - cur) & U64;
        break;
      }
      case TIME_HIGH: {
        const cur = this.count();
        this.tickOffset = (this.tickOffset + ((v << 32n) | (cur & LO)) - cur) & U64;
        break;
      }
      case ALARM_LOW:
        this.alarmNext = (this.alarmNext & ~LO) | v;
        this.setAlarm();
        break;
      case ALARM_HIGH:
        this.alarmNext = (v << 32n) | (this.alarmNext & LO);
        break;
      case IRQ_ENABLED:
        this.irqEnabled = value & 1;
        this.update();
        break;
      case CLEAR_ALARM:
        this.clock.cancel(this.timer);
        this.alarmRunning = 0;
        break;
      case CLEAR_INTERRUPT:
        this.irqPending = 0;
        this.update();
        break;
      default:
        this.guestError(`goldfish_rtc_write: offset 0x${offset.toString(16)} is UNIMP.`);
    }
  }
}
