// QEMU's size syntax (util/cutils.c qemu_strtosz): a decimal number, optional fraction, optional
// suffix B/K/M/G/T/P/E (case-insensitive, powers of 1024); `-m` defaults to MiB when unsuffixed.

const UNITS: Record<string, number> = {
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
  e: 2 ** 60,
};

/**
 * Parses a QEMU size such as `128M`, `1G`, `1.5G` or `512` (then `defaultUnit`).
 * @returns the size in bytes, or undefined when the text is not a size.
 */
export function parseQemuSize(
  text: string,
  defaultUnit: keyof typeof UNITS = 'b',
): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?([bkmgtpe])?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = UNITS[(m[3] ?? defaultUnit).toLowerCase()];
  if (m[2] !== undefined && unit === 1) return undefined; // QEMU rejects fractional bytes
  const value = Number(`${m[1]}.${m[2] ?? '0'}`) * unit;
  return Number.isSafeInteger(Math.round(value)) ? Math.round(value) : undefined;
}

/** 134217728 → "128M" (the largest unit that divides exactly), as QEMU prints sizes. */
export function formatQemuSize(bytes: number): string {
  for (const [u, n] of [
    ['G', 2 ** 30],
    ['M', 2 ** 20],
    ['K', 2 ** 10],
  ] as const) {
    if (bytes % n === 0 && bytes >= n) return `${bytes / n}${u}`;
  }
  return `${bytes}B`;
}
