// main's return value as the machine's exit status, as a process's would be: an integer 0..255 as it
// is; anything else is warned about and mapped the way QEMU's exit() hands it to the host (the low 8
// bits of an integer; 1 for what is not an integer), so `rk run`'s status equals what QEMU's would be.

/**
 * The exit status for main's return value `r`.
 * @returns `{ status }`, with `warning` when `r` is not undefined or an integer 0..255.
 */
export function exitStatusOf(r: unknown): { status: number; warning?: string } {
  if (r === undefined) return { status: 0 };
  if (typeof r === 'number' && Number.isInteger(r) && r >= 0 && r <= 255) return { status: r };
  if (typeof r === 'number' && Number.isInteger(r)) {
    const status = ((r % 256) + 256) % 256;
    return {
      status,
      warning: `main returned ${r}, not an integer 0..255: exit status ${status} (its low 8 bits, as a host process's exit status)`,
    };
  }
  const shown =
    typeof r === 'string' ? JSON.stringify(r) : typeof r === 'number' ? String(r) : typeof r;
  return {
    status: 1,
    warning: `main returned ${shown}, not an integer 0..255 (or nothing): exit status 1`,
  };
}
