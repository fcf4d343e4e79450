// A minimal RkPlat double for rkboot's unit tests: console to a string, power-off by throwing.
import type { RkPlat } from '@runikraft/rkplat';

export class PoweredOff extends Error {
  constructor(readonly status: number) {
    super(`powered off (${status})`);
  }
}

export function fakePlat(cmdline = '') {
  let out = '';
  let ns = 0;
  const off = (status: number): never => {
    throw new PoweredOff(status);
  };
  const plat = {
    name: 'fake',
    console: {
      out(s: string | Uint8Array) {
        out += String(s);
        return s.length;
      },
      in: () => 0,
      onInput() {},
    },
    time: {
      monotonicNs: () => (ns += 100),
      coarseMonotonicNs: () => ns,
      wallClockNs: () => 0n,
      resolutionNs: 100,
      setTimer() {},
      cancelTimer() {},
    },
    power: { shutdown: off, restart: () => off(-1), crash: (s = 1) => off(s) },
    bootinfo: { cmdline, dtbAddr: 0, dtb: new Uint8Array(), initrd: null, bootMode: 'sbi' },
  } as unknown as RkPlat;
  return { plat, output: () => out };
}
