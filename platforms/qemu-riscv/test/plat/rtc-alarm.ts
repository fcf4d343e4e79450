// The rkplat kit's interrupt source on this machine: the goldfish RTC alarm, set in the past so that the
// device raises its line at once (QEMU 7.2 goldfish_rtc_set_alarm). Kernel-side code over plat.devices.
import type { RkPlat } from '@runikraft/rkplat';
import type { RkPlatIrqSource } from '@runikraft/rkplat/conformance';

const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_INTERRUPT = 0x1c;

/** The RTC found in the device tree, as an interrupt the kit can raise and acknowledge. */
export function goldfishAlarm(plat: RkPlat): RkPlatIrqSource {
  const rtc = plat.devices.find('google,goldfish-rtc')[0];
  const base = rtc?.reg[0]?.addr;
  const line = rtc?.interrupts[0];
  if (base === undefined || line === undefined)
    throw new Error('goldfishAlarm: no google,goldfish-rtc node with reg and interrupts');
  const w = (reg: number, v: number) => plat.devices.write(base + reg, 4, v);
  return {
    line,
    raise() {
      w(IRQ_ENABLED, 1);
      w(ALARM_HIGH, 0);
      w(ALARM_LOW, 0); // writing the low word arms the alarm; time 0 is past, so it fires now
    },
    ack() {
      w(CLEAR_INTERRUPT, 1);
    },
  };
}
