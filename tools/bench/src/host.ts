// What every benchmark's JSON says about the host it ran on, so runs can be compared.
import { cpus, loadavg } from 'node:os';

/** The host's cores and CPU model, e.g. "2 × Intel(R) Xeon(R) …". */
export const hostMachine = (): string => `${cpus().length} × ${cpus()[0]?.model}`;

/** The 1-minute load average at the start (`load0`) and now, to one decimal. */
export const loadRange = (load0: number): [number, number] => [
  Math.round(load0 * 10) / 10,
  Math.round(loadavg()[0]! * 10) / 10,
];
