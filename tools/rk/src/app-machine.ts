// Checks package.json `runikraft.machine` (the app's machine defaults) at build time, naming the field,
// so that a bad value is reported where the user wrote it, not as a command-line flag they never typed.
import { parseSmp, VIRT_CPUS_MAX } from './run-smp';
import { parseQemuSize } from './size';
import { didYouMean } from './suggest';

export const MACHINE_KEYS = [
  'memory',
  'bios',
  'clock',
  'append',
  'smp',
  'aclint',
  'device',
  'netdev',
  'drive',
  'fsdev',
  'virtfs',
] as const;

const LISTS = ['device', 'netdev', 'drive', 'fsdev', 'virtfs'] as const;

/** One problem in package.json: the field (`runikraft.machine.smp`) and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** The smallest and largest RAM an app may ask for (the machine's own limits for `-m`). */
const MIN_RAM = 8192;
const MAX_RAM = 2 ** 32;

function memoryProblem(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number')
    return `${show(v)} is not a size (accepted: QEMU sizes such as "128M", "1G", or a number of MiB)`;
  const bytes = typeof v === 'number' ? v * 2 ** 20 : parseQemuSize(v, 'm');
  if (bytes === undefined || !Number.isFinite(bytes))
    return `${show(v)} is not a size (accepted: QEMU sizes such as "128M", "1G", or a number of MiB)`;
  if (bytes < MIN_RAM) return `${show(v)} is below 8K`;
  if (bytes > MAX_RAM) return `${show(v)} is above 4G (guest RAM is one typed array)`;
  return undefined;
}

function smpProblem(v: unknown): string | undefined {
  if (typeof v === 'string') {
    try {
      parseSmp(v);
      return undefined;
    } catch (e) {
      return (e as Error).message.replace(/^rk run: -smp: /, '');
    }
  }
  if (typeof v !== 'number') return `${show(v)} is not a number of harts`;
  if (!Number.isInteger(v)) return `${v} is not an integer`;
  if (v < 1) return `${v} is below 1`;
  if (v > VIRT_CPUS_MAX) return `${v} is above ${VIRT_CPUS_MAX} (the virt machine's maximum)`;
  return undefined;
}

const oneOf = (v: unknown, values: readonly string[]) =>
  values.includes(v as string)
    ? undefined
    : `${show(v)} is not one of ${values.map((x) => `'${x}'`).join(', ')}`;

/** Every problem of a `runikraft.machine` object (already known to be an object). */
export function machineProblems(machine: Record<string, unknown>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const at = (k: string, message: string | undefined) => {
    if (message) out.push({ field: `runikraft.machine.${k}`, message });
  };
  for (const [k, v] of Object.entries(machine)) {
    if (!(MACHINE_KEYS as readonly string[]).includes(k)) {
      at(k, `unknown key${didYouMean(k, MACHINE_KEYS)} (known: ${MACHINE_KEYS.join(', ')})`);
      continue;
    }
    if (k === 'memory') at(k, memoryProblem(v));
    else if (k === 'smp') at(k, smpProblem(v));
    else if (k === 'bios') at(k, oneOf(v, ['default', 'none']));
    else if (k === 'clock') at(k, oneOf(v, ['host', 'virtual']));
    else if (k === 'aclint')
      at(k, typeof v === 'boolean' ? undefined : `${show(v)} is not true or false`);
    else if (k === 'append')
      at(k, typeof v === 'string' ? undefined : `${show(v)} is not a string`);
    else if ((LISTS as readonly string[]).includes(k)) {
      if (!Array.isArray(v)) at(k, `${show(v)} is not an array of QEMU -${k} strings`);
      else
        v.forEach((x, i) => {
          if (typeof x !== 'string') at(`${k}[${i}]`, `${show(x)} is not a QEMU -${k} string`);
        });
    }
  }
  return out;
}
