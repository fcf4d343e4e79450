// Draws EDF-vs-RR schedules as one SVG timeline: a lane per task per policy, run segments as bars,
// releases as ticks, missed deadlines as red marks.
import type { RunResult, TaskSpec } from './edf-experiment';

const MS = 1_000_000;
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2'];

export function timelineSvg(
  runs: readonly RunResult[],
  set: readonly TaskSpec[],
  windowMs: number,
): string {
  const left = 120;
  const width = 990;
  const lane = 22;
  const gap = 34;
  const scale = (width - left - 20) / windowMs;
  const x = (ns: number) => (left + (ns / MS) * scale).toFixed(1);
  const out: string[] = [];
  let y = 30;
  for (const run of runs) {
    out.push(
      `<text x="8" y="${y - 8}" font-weight="bold">${run.policy.toUpperCase()} — ${run.tasks.reduce((m, t) => m + t.misses, 0)} deadline misses in the run</text>`,
    );
    set.forEach((spec, i) => {
      const top = y + i * lane;
      out.push(`<text x="8" y="${top + 15}">${spec.name} (C=${spec.c}, T=${spec.p})</text>`);
      out.push(
        `<line x1="${left}" y1="${top + lane - 2}" x2="${width - 20}" y2="${top + lane - 2}" stroke="#ddd"/>`,
      );
      for (const s of run.segments) {
        if (s.task !== spec.name || s.start >= windowMs * MS) continue;
        const end = Math.min(s.end, windowMs * MS);
        out.push(
          `<rect x="${x(s.start)}" y="${top + 3}" width="${Math.max(0.5, ((end - s.start) / MS) * scale).toFixed(1)}" height="${lane - 6}" fill="${COLORS[i % COLORS.length]}"/>`,
        );
      }
      for (let r = 0; r <= windowMs; r += spec.p)
        out.push(
          `<line x1="${x(r * MS)}" y1="${top}" x2="${x(r * MS)}" y2="${top + lane - 2}" stroke="#333" stroke-width="1"/>`,
        );
      for (const m of run.misses) {
        if (m.task !== spec.name || m.deadline > windowMs * MS) continue;
        out.push(
          `<text x="${x(m.deadline)}" y="${top + 16}" fill="#d00" font-weight="bold" text-anchor="middle">✕</text>`,
        );
      }
    });
    y += set.length * lane + gap;
  }
  for (let t = 0; t <= windowMs; t += 4) {
    out.push(
      `<text x="${x(t * MS)}" y="${y - gap + 14}" text-anchor="middle" font-size="10">${t}</text>`,
    );
  }
  out.push(
    `<text x="${width - 20}" y="${y - gap + 28}" text-anchor="end" font-size="10">virtual time, ms (ticks: releases; ✕: missed deadline)</text>`,
  );
  const h = y - gap + 36;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>${out.join('')}</svg>\n`;
}
