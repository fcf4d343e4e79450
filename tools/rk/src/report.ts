// Plain-text tables for the terminal: the build size report and `rk ls`.
import type { ImageManifest } from './manifest';

/** Formats rows as columns; numeric columns (`right`) are right-aligned. */
export function table(head: string[], rows: string[][], right: number[] = []): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (right.includes(i) ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(w.map((n) => '-'.repeat(n))), ...rows.map(fmt)].join('\n');
}

/** 12,345 → "12,345"; grouping with commas regardless of locale. */
export const bytes = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

/** The size report `rk build` prints. */
export function sizeReport(m: ImageManifest, imagePath: string): string {
  const rows = m.packages.map((p) => [
    p.name,
    p.version,
    p.role,
    bytes(p.bytes),
    `${((100 * p.bytes) / Math.max(1, m.imageBytes)).toFixed(1)}%`,
  ]);
  const sum = m.packages.reduce((s, p) => s + p.bytes, 0);
  rows.push(['(esbuild runtime, module glue)', '', '', bytes(m.imageBytes - sum), '']);
  rows.push(['total', '', '', bytes(m.imageBytes), kib(m.imageBytes)]);
  return [
    `rk build: ${m.app.name}@${m.app.version} on ${m.platform.name} → ${imagePath} (${m.buildMs} ms)`,
    table(['package', 'version', 'role', 'bytes', 'share'], rows, [3, 4]),
  ].join('\n');
}
