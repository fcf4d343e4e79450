// Writes the "Devices (issue 5)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BlkRow } from './blk';
import type { InitRow } from './init';
import type { MachinePpsRow } from './machine-net';
import type { PpsRow } from './net';
import type { TapRow } from './tap';

const BEGIN =
  '<!-- bench:virtio begin (written by node tools/bench/scripts/run-ts.mjs tools/bench/src/virtio/main.ts) -->';
const END = '<!-- bench:virtio end -->';
const kpps = (n: number) => `${(n / 1000).toFixed(1)} kpps`;
const ANCHOR = 14.19e6;

export interface VirtioFigures {
  date: string;
  cpu: string;
  node: string;
  net: PpsRow[];
  machines: MachinePpsRow[];
  udp: Record<64 | 1500, number>;
  tap: TapRow[] | string;
  blk: { rows: BlkRow[]; fioVersion: string | null };
  init: InitRow[];
}

export function virtioSection(f: VirtioFigures): string {
  const netRows = f.net.map(
    (r) =>
      `| ${r.what} | ${r.size} B | ${kpps(r.pps)} | Node UDP loopback ${kpps(f.udp[r.size as 64 | 1500])} | ${(r.pps / f.udp[r.size as 64 | 1500]).toFixed(2)}× | ${(r.pps / ANCHOR).toExponential(1)}× |`,
  );
  const machineRows = f.machines.map(
    (r) =>
      `| two booted machines on a hub, ${r.legacy ? 'legacy' : 'modern'} (apps/virtio-netperf) | ${r.size} B | TX ${kpps(r.txPps)}, RX ${kpps(r.rxPps)} (${r.received}/${r.sent} received) | Node UDP loopback ${kpps(f.udp[r.size as 64 | 1500])} | ${(r.rxPps / f.udp[r.size as 64 | 1500]).toFixed(2)}× (RX) | ${(r.rxPps / ANCHOR).toExponential(1)}× |`,
  );
  const tapRows =
    typeof f.tap === 'string'
      ? [`| TAP | – | skipped: ${f.tap} | | | |`]
      : f.tap.map(
          (r) =>
            `| ${r.what} | ${r.size} B | ${kpps(r.pps)} | Node UDP loopback ${kpps(f.udp[r.size as 64 | 1500])} | ${(r.pps / f.udp[r.size as 64 | 1500]).toFixed(2)}× | ${(r.pps / ANCHOR).toExponential(1)}× |`,
        );
  const blkRows = f.blk.rows.map(
    (r) =>
      `| ${r.pattern} ${r.op} 4 KiB, QD${r.qd} | ${Math.round(r.iops)} IOPS (${((r.iops * 4096) / 2 ** 20).toFixed(0)} MiB/s) | ${r.fio === null ? '–' : `${Math.round(r.fio)} IOPS`} | ${r.fio ? `${(r.iops / r.fio).toFixed(2)}×` : '–'} | ${Math.round(r.node)} IOPS | ${(r.iops / r.node).toFixed(2)}× |`,
  );
  const initRows = f.init.map(
    (r) =>
      `| ${r.device} (${r.legacy ? 'legacy' : 'modern'}) | ${r.medianUs.toFixed(0)} µs | +0.5 ms guest boot per virtio-net NIC (Unikraft/KVM) | ${(r.medianUs / 500).toFixed(2)}× |`,
  );
  return [
    BEGIN,
    '## Devices (issue 5)',
    '',
    '```sh',
    'node tools/bench/scripts/run-ts.mjs tools/bench/src/virtio/main.ts   # RK_BENCH_MS=1500 per figure',
    '```',
    '',
    `Measured ${f.date} on ${f.cpu} (2 cores shared with other work; noisy), Node ${f.node}. Rows marked`,
    '"two booted machines" run apps/virtio-netperf on two complete machines (hart, MMIO, PLIC, interrupts,',
    'virtual devices) in one Node process. The other rows use a rig that binds the kernel-side drivers',
    "(`@runikraft/virtio`) to the machine's virtio-mmio transport and device models without the hart in the",
    'loop (driver, rings, device model and backend only). fio random-read figures on this machine are',
    'consistently far below its sequential ones; the Node pread/pwrite loop is the steadier baseline.',
    '',
    '### rknetdev packets per second (virtio-net, modern, polling mode)',
    '',
    '| path | frame | Runikraft | same-run baseline | ratio | vs Unikraft 14.19 Mpps (KVM/vhost-user) |',
    '|---|---|---|---|---|---|',
    ...netRows,
    ...machineRows,
    ...tapRows,
    '',
    `### virtio-blk on a 64 MiB raw host image (page cache warm)${f.blk.fioVersion ? `, next to ${f.blk.fioVersion} (psync at QD1, io_uring at QD32)` : ''}`,
    '',
    '| pattern | Runikraft | fio | ratio | Node pread/pwrite loop | ratio |',
    '|---|---|---|---|---|---|',
    ...blkRows,
    '',
    '### Driver initialisation per device (median of 200 probes, host time)',
    '',
    '| device | Runikraft | anchor | ratio |',
    '|---|---|---|---|',
    ...initRows,
    '',
    END,
  ].join('\n');
}

export function writeSection(f: VirtioFigures, path = 'BENCHMARKS.md'): void {
  const section = virtioSection(f);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  const next =
    a >= 0 && b > a
      ? old.slice(0, a) + section + old.slice(b + END.length)
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
