// The guest `console`: console.log and friends print on the kernel console (plat.console), as a libc's
// stdio does; values are formatted without host APIs.
import type { RkPlat } from '@runikraft/rkplat';

const MAX_DEPTH = 2;

function show(v: unknown, depth: number, seen: Set<unknown>): string {
  if (typeof v === 'string') return depth === 0 ? v : JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[Function ${v.name || '(anonymous)'}]`;
  if (typeof v !== 'object' || v === null) return String(v);
  if (v instanceof Error) return v.stack ?? `${v.name}: ${v.message}`;
  if (seen.has(v)) return '[Circular]';
  if (depth > MAX_DEPTH) return Array.isArray(v) ? '[Array]' : '[Object]';
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[ ${v.map((x) => show(x, depth + 1, seen)).join(', ')} ]`;
    if (ArrayBuffer.isView(v))
      return `${v.constructor.name}(${(v as Uint8Array).length ?? v.byteLength})`;
    const body = Object.entries(v).map(([k, x]) => `${k}: ${show(x, depth + 1, seen)}`);
    return body.length === 0 ? '{}' : `{ ${body.join(', ')} }`;
  } finally {
    seen.delete(v);
  }
}

/** Formats console arguments: strings as they are, other values in a short readable form. */
export function formatArgs(args: readonly unknown[]): string {
  return args.map((a) => show(a, 0, new Set())).join(' ');
}

/** A `console` whose every method writes one line on `plat.console`. */
export function createGuestConsole(plat: Pick<RkPlat, 'console'>): Console {
  const line =
    (prefix: string) =>
    (...args: unknown[]) => {
      plat.console.out(`${prefix}${formatArgs(args)}\n`);
    };
  const counts = new Map<string, number>();
  const c = {
    log: line(''),
    info: line(''),
    debug: line(''),
    warn: line(''),
    error: line(''),
    trace: (...args: unknown[]) =>
      plat.console.out(
        `Trace: ${formatArgs(args)}\n${(new Error().stack ?? '').split('\n').slice(2).join('\n')}\n`,
      ),
    assert: (cond: unknown, ...args: unknown[]) => {
      if (!cond)
        plat.console.out(`Assertion failed${args.length ? `: ${formatArgs(args)}` : ''}\n`);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      plat.console.out(`${label}: ${n}\n`);
    },
    countReset: (label = 'default') => void counts.delete(label),
    dir: (v: unknown) => plat.console.out(`${show(v, 1, new Set())}\n`),
    table: line(''),
  };
  return c as unknown as Console;
}
