// In-process boot time: machine creation → the app's main (its first console line), and → power-off.
import type { MachineFactory, MachineHandle, RkMachineOptions } from '@runikraft/rk';

export interface BootSample {
  /** ms from `new Machine` to main's "Hello, world!" reaching the UART. */
  toMain: number;
  /** ms from `new Machine` to the guest's power-off. */
  toExit: number;
  status: number;
  console: string;
}

type Entry = Parameters<MachineHandle['boot']>[0];

/** Boots `entry` once on a fresh machine, timing it. */
export async function bootOnce(
  factory: MachineFactory,
  entry: Entry,
  opts: RkMachineOptions,
  marker = 'Hello, world!',
): Promise<BootSample> {
  let text = '';
  let toMain = Number.NaN;
  const t0 = performance.now();
  const machine = factory.create(opts, (chunk) => {
    text += chunk;
    if (Number.isNaN(toMain) && text.includes(marker)) toMain = performance.now() - t0;
  });
  const status = await machine.boot(entry);
  return { toMain, toExit: performance.now() - t0, status, console: text };
}

/** `runs` boots after `warmup` unrecorded ones. @throws if a boot does not reach main or exits non-zero. */
export async function bootSamples(
  factory: MachineFactory,
  entry: Entry,
  opts: RkMachineOptions,
  runs: number,
  warmup = 5,
): Promise<BootSample[]> {
  const out: BootSample[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const s = await bootOnce(factory, entry, opts);
    if (s.status !== 0 || Number.isNaN(s.toMain)) {
      throw new Error(`boot ${i} failed (status ${s.status}); console:\n${s.console}`);
    }
    if (i >= warmup) out.push(s);
  }
  return out;
}

/** The smallest multiple of `unit` in [unit, hi] for which `ok` holds (assumed monotonic). */
export async function bisect(
  ok: (bytes: number) => Promise<boolean> | boolean,
  hi: number,
  unit = 8192,
): Promise<number | undefined> {
  let lo = 1; // in units
  let top = Math.floor(hi / unit);
  if (!(await ok(top * unit))) return undefined;
  while (lo < top) {
    const mid = (lo + top) >> 1;
    if (await ok(mid * unit)) top = mid;
    else lo = mid + 1;
  }
  return top * unit;
}

/**
 * The smallest `-m` (a multiple of 8 KiB, as QEMU aligns it) with which the image reaches main and
 * exits 0, by bisection up to `hi` bytes. `machineFloor` is true when the machine model refuses
 * the next smaller size itself (so the kernel might boot with less).
 */
export async function minimumMemory(
  factory: MachineFactory,
  entry: Entry,
  base: RkMachineOptions,
  hi = 128 * 2 ** 20,
): Promise<{ bytes: number; machineFloor: boolean }> {
  const ok = async (bytes: number) => {
    try {
      const s = await bootOnce(factory, entry, { ...base, memory: bytes });
      return s.status === 0 && !Number.isNaN(s.toMain);
    } catch {
      return false; // the machine rejects the size outright: "does not boot"
    }
  };
  const bytes = await bisect(ok, hi);
  if (bytes === undefined) throw new Error(`the image does not boot even with ${hi} bytes`);
  let machineFloor = false;
  try {
    factory.create({ ...base, memory: bytes - 8192 }, 'none');
  } catch {
    machineFloor = true;
  }
  return { bytes, machineFloor };
}
