// @runikraft/rkcpio: cpio newc archives (Unikraft lib/ukcpio) — read in the guest, written by rk build.
export * from './format';
export { readCpio } from './read';
export { type RkCpioInput, writeCpio } from './write';
