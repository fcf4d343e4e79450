// goldfish RTC: wall-clock ns since the Unix epoch. REFERENCE.md §13: reading TIME_LOW latches TIME_HIGH.
import type { Hart } from '../isa/hart';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;

export function readGoldfishRtc(hart: Hart, base: number): bigint {
  const lo = hart.load32(base + TIME_LOW) >>> 0;
  const hi = hart.load32(base + TIME_HIGH) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}
