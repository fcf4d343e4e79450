// Writes the "PCI (issue 14)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../virtio/machine-net';
import type { Transport } from './rigs';

const BEGIN =
  '<!-- bench:pci begin (written by node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts) -->';
const END = '<!-- bench:pci end -->';

export interface PciFigures {
  date: string;
  cpu: string;
  node: string;
  repeats: number;
  ios: number;
  frames: number;
  blk: { transport: Transport; qd: number; iops: number[]; median: number }[];
  net: { transport: Transport; size: number; pps: number[]; received: number[]; median: number }[];
  enumRows: {
    transport: Transport;
    k: number;
    mainUs: number;
    enumUs: number;
    functions: number;
    cfgReads: number;
  }[];
}

const k = (n: number) => `${(n / 1000).toFixed(1)} k`;
const runs = (xs: number[]) => xs.map((x) => k(x)).join(' / ');

export function pciSection(f: PciFigures): string {
  const ratio = (
    rows: { transport: Transport; median: number }[],
    r: { transport: Transport; median: number },
    base: Transport,
  ) => {
    const b = rows.find((x) => x.transport === base)!;
    return `${(r.median / b.median).toFixed(2)}×`;
  };
  const blkRows = f.blk.map((r) => {
    const same = f.blk.filter((x) => x.qd === r.qd);
    return `| rand read 4 KiB, QD${r.qd} | ${r.transport} | ${k(r.median)} IOPS | ${runs(r.iops)} | ${ratio(same, r, 'mmio-modern')} |`;
  });
  const netRows = f.net.map((r) => {
    const same = f.net.filter((x) => x.size === r.size);
    return `| ${r.size} B | ${r.transport} | ${k(r.median)} pps | ${runs(r.pps)} (received ${r.received.join(' / ')} of ${f.frames}) | ${ratio(same, r, 'mmio-modern')} |`;
  });
  const ks = [...new Set(f.enumRows.map((r) => r.k))];
  const slope = (t: Transport) => {
    const rows = f.enumRows.filter((r) => r.transport === t);
    const a = rows[0]!;
    const b = rows.at(-1)!;
    return (b.mainUs - a.mainUs) / (b.k - a.k);
  };
  const enumRows = f.enumRows.map(
    (r) =>
      `| ${r.transport} | ${r.k} | ${(r.mainUs / 1000).toFixed(2)} ms | ${r.transport.startsWith('pci') ? `${r.enumUs} µs for ${r.functions} functions (${(r.enumUs / r.functions).toFixed(0)} µs each, ${r.cfgReads} config reads)` : '–'} |`,
  );
  const slopes = (['mmio-modern', 'mmio-legacy', 'pci-modern', 'pci-legacy'] as const).map(
    (t) =>
      `| ${t} | ${(slope(t) / 1000).toFixed(3)} ms | ${(slope(t) / slope('mmio-modern')).toFixed(2)}× |`,
  );
  return [
    BEGIN,
    '## PCI (issue 14)',
    '',
    '```sh',
    `node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts   # RK_BENCH_REPEATS=${f.repeats} RK_BENCH_IOS=${f.ios} RK_BENCH_FRAMES=${f.frames}`,
    '```',
    '',
    `Measured ${f.date} on ${f.cpu} (2 cores shared with other work; noisy), Node ${f.node}. Booted`,
    'machines (hart, MMIO, PLIC, interrupts; host clock), the same device models behind each transport:',
    'virtio-mmio modern / legacy, virtio-pci modern (`disable-legacy=on`) / legacy (`disable-modern=on`,',
    'BAR0 I/O through the PIO window). Medians of the runs listed (transports interleaved); ratios to',
    'virtio-mmio modern measured in the same run.',
    '',
    '### virtio-blk IOPS (apps/virtio-blkperf on a 64 MiB raw host image, interrupt-driven)',
    '',
    '| workload | transport | median | runs | vs mmio-modern |',
    '|---|---|---|---|---|',
    ...blkRows,
    '',
    '### virtio-net pps (apps/virtio-netperf: two booted machines on a hub, RX rate at the sink)',
    '',
    '| frame | transport | median | runs | vs mmio-modern |',
    '|---|---|---|---|---|',
    ...netRows,
    '',
    `### Boot cost per device (time to main with 1 virtio-blk + k−1 virtio-rng, k = ${ks.join(', ')}; rkpci's own enumeration figure)`,
    '',
    '| transport | devices | time to main (median) | rkpci enumeration (scan, BAR sizing and assignment) |',
    '|---|---|---|---|',
    ...enumRows,
    '',
    '| transport | boot time per added device (slope) | vs mmio-modern |',
    '|---|---|---|',
    ...slopes,
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
