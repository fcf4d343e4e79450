// Writes the "PCI (issue 14)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../virtio/machine-net';
import { median, type Transport } from './rigs';

const BEGIN =
  '<!-- bench:pci begin (written by node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts) -->';
const END = '<!-- bench:pci end -->';

interface Rates {
  transport: Transport;
  /** Operations (IOs, frames received) per host CPU second of the process, one per repeat. */
  perCpuS: number[];
  /** The guest-time rate the app printed, one per repeat. */
  guestRate: number[];
}

export interface PciFigures {
  date: string;
  cpu: string;
  node: string;
  /** 1-minute load average at the start and the end. */
  load: [number, number];
  repeats: number;
  ios: number;
  frames: number;
  blk: (Rates & { qd: number })[];
  net: (Rates & { size: number; received: number[] })[];
  boot: { transport: Transport; k: number; cpuMs: number[]; functions: number; cfgReads: number }[];
}

const k = (n: number) => `${(n / 1000).toFixed(1)} k`;
const spread = (xs: number[]) => `${k(Math.min(...xs))}–${k(Math.max(...xs))}`;

function rateRows(rows: Rates[], label: (r: Rates) => string, unit: string): string[] {
  const base = median(rows.find((r) => r.transport === 'mmio-modern')!.perCpuS);
  return rows.map(
    (r) =>
      `| ${label(r)} | ${r.transport} | ${k(median(r.perCpuS))} ${unit}/CPU-s (${spread(r.perCpuS)}) | ${(median(r.perCpuS) / base).toFixed(2)}× | ${k(median(r.guestRate))} ${unit}/s (${spread(r.guestRate)}) |`,
  );
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  return num / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

export function pciSection(f: PciFigures): string {
  const blkRows = f.blk.flatMap((r, i, all) =>
    i % 4 === 0 ? rateRows(all.slice(i, i + 4), () => `rand read 4 KiB, QD${r.qd}`, 'IOPS') : [],
  );
  const netRows = f.net.flatMap((r, i, all) =>
    i % 4 === 0 ? rateRows(all.slice(i, i + 4), () => `${r.size} B`, 'pps') : [],
  );
  const transports = [...new Set(f.boot.map((b) => b.transport))];
  const perDev = (t: Transport) => {
    const rows = f.boot.filter((b) => b.transport === t);
    return slope(
      rows.map((b) => b.k),
      rows.map((b) => median(b.cpuMs)),
    );
  };
  const bootRows = transports.map((t) => {
    const rows = f.boot.filter((b) => b.transport === t);
    const cfg = t.startsWith('pci')
      ? `${slope(
          rows.map((b) => b.functions),
          rows.map((b) => b.cfgReads),
        ).toFixed(0)} (${rows.map((b) => b.cfgReads).join(' / ')})`
      : '–';
    const d = perDev(t) - perDev('mmio-modern');
    return `| ${t} | ${rows.map((b) => median(b.cpuMs).toFixed(1)).join(' / ')} ms | ${perDev(t).toFixed(2)} ms | ${d >= 0 ? '+' : ''}${d.toFixed(2)} ms | ${cfg} |`;
  });
  return [
    BEGIN,
    '## PCI (issue 14)',
    '',
    '```sh',
    `node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts   # RK_BENCH_REPEATS=${f.repeats} RK_BENCH_IOS=${f.ios} RK_BENCH_FRAMES=${f.frames}`,
    '```',
    '',
    `Measured ${f.date} on ${f.cpu}, Node ${f.node}; 2 cores shared with other work (1-minute load`,
    `average ${f.load[0].toFixed(0)} at the start, ${f.load[1].toFixed(0)} at the end). Booted machines (hart, MMIO, PLIC, interrupts;`,
    'host clock), the same device models behind each transport: virtio-mmio modern / legacy, virtio-pci',
    'modern (`disable-legacy=on`) / legacy (`disable-modern=on`, BAR0 I/O through the PIO window).',
    'Primary figure: work per host CPU second of the benchmark process (process.cpuUsage around each',
    'boot, machines and backends included), which contention on this shared machine barely moves;',
    `the guest-time rates the apps print are listed beside it. Medians of ${f.repeats} runs (min–max in`,
    'brackets), transports interleaved within each repeat; ratios to virtio-mmio modern, same run.',
    '',
    '### virtio-blk (apps/virtio-blkperf, 64 MiB raw host image, interrupt-driven)',
    '',
    '| workload | transport | per host CPU second | vs mmio-modern | guest-time rate |',
    '|---|---|---|---|---|',
    ...blkRows,
    '',
    '### virtio-net (apps/virtio-netperf: two booted machines on a hub; frames received per CPU second of both)',
    '',
    '| frame | transport | per host CPU second | vs mmio-modern | guest-time RX rate |',
    '|---|---|---|---|---|',
    ...netRows,
    '',
    `### Boot cost per device (a whole boot of virtio-blkperf with 1 virtio-blk + k−1 virtio-rng, k = ${[...new Set(f.boot.map((b) => b.k))].join(', ')})`,
    '',
    'Host CPU per boot (firmware, platform, discovery, driver binding, one 4 KiB read, power-off), its',
    'least-squares slope over k (the cost of one more device; a difference of slopes, not a ratio, as',
    "the slopes are small next to the noise), and rkpci's config reads (exact; per added function, then",
    'the totals per k).',
    '',
    '| transport | CPU per boot, k = 1 / 2 / 4 / 8 (medians) | per added device | minus mmio-modern | rkpci config reads per function (totals) |',
    '|---|---|---|---|---|',
    ...bootRows,
    '',
    END,
  ].join('\n');
}

export function writePciSection(f: PciFigures): void {
  const path = join(repoRoot(), 'BENCHMARKS.md');
  const section = pciSection(f);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  const next =
    a >= 0 && b > a
      ? old.slice(0, a) + section + old.slice(b + END.length)
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
