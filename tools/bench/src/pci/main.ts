// Issue 14 benchmarks: virtio-blk IOPS and virtio-net pps over virtio-pci (modern, legacy) next to
// virtio-mmio in the same run, and PCI enumeration cost at boot per device. Booted machines (hart,
// MMIO, PLIC, interrupts): apps/virtio-blkperf and apps/virtio-netperf. Medians of RK_BENCH_REPEATS
// runs, transports interleaved. Rewrites the "PCI (issue 14)" section of BENCHMARKS.md.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockBackend } from '../../../../platforms/qemu-riscv/src/machine/backends/blk/file';
import { NetHub } from '../../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioBlk } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import { buildImage } from '../../../rk/src/index';
import { repoRoot } from '../virtio/machine-net';
import { writePciSection } from './report';
import { machineWith, median, TRANSPORTS, type Transport } from './rigs';

const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 3);
const IOS = Number(process.env.RK_BENCH_IOS ?? 20000);
const FRAMES = Number(process.env.RK_BENCH_FRAMES ?? 50000);

const blkImage = loadImage((await buildImage(join(repoRoot(), 'apps/virtio-blkperf'))).imagePath);
const netImage = loadImage((await buildImage(join(repoRoot(), 'apps/virtio-netperf'))).imagePath);
const dir = mkdtempSync(join(tmpdir(), 'rk-pcibench-'));
const disk = join(dir, 'disk.img');
writeFileSync(disk, new Uint8Array(64 << 20));

async function blkRun(t: Transport, args: string, extraRng = 0) {
  let out = '';
  const devs = [new VirtioBlk(new FileBlockBackend('d0', disk, false))];
  for (let i = 0; i < extraRng; i++) devs.push(new VirtioRng(counterRng()) as never);
  const m = machineWith(t, devs, `-- ${args}`, (s) => (out += s));
  const exit = await m.boot(blkImage);
  if (exit.status !== 0)
    throw new Error(`blkperf on ${t} (${args}) exited ${exit.status}:\n${out}`);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  return {
    iops: num(/= (\d+) IOPS/),
    mainUs: num(/blkperf: main at (\d+) us/),
    enumUs: num(/functions enumerated in (\d+) us/),
    functions: num(/: (\d+) functions enumerated/),
    cfgReads: num(/\((\d+) config reads/),
  };
}

async function netRun(t: Transport, size: number) {
  const hub = new NetHub();
  const outs = ['', ''];
  const ms = [`rx ${FRAMES} ${size}`, `tx ${FRAMES} ${size}`].map((args, i) =>
    machineWith(t, [new VirtioNet(hub.port(`p${i}`))], `-- ${args}`, (s) => (outs[i] += s)),
  );
  await Promise.all(ms.map((m) => m.boot(netImage)));
  const rx = /netperf rx: (\d+) frames .* = (\d+) pps/.exec(outs[0]);
  return { received: Number(rx?.[1] ?? 0), pps: Number(rx?.[2] ?? 0) };
}

const blk: { transport: Transport; qd: number; iops: number[] }[] = [];
const net: { transport: Transport; size: number; pps: number[]; received: number[] }[] = [];
for (const qd of [1, 32]) for (const t of TRANSPORTS) blk.push({ transport: t, qd, iops: [] });
for (const size of [64, 1500])
  for (const t of TRANSPORTS) net.push({ transport: t, size, pps: [], received: [] });
for (let r = 0; r < REPEATS; r++) {
  for (const row of blk)
    row.iops.push((await blkRun(row.transport, `read rand ${IOS} ${row.qd}`)).iops);
  for (const row of net) {
    const x = await netRun(row.transport, row.size);
    row.pps.push(x.pps);
    row.received.push(x.received);
  }
}

// Boot cost per device: time to main with 1 disk + k virtio-rng, over each transport
const KS = [0, 3, 7];
const enumRows: {
  transport: Transport;
  k: number;
  mainUs: number;
  enumUs: number;
  functions: number;
  cfgReads: number;
}[] = [];
for (const t of TRANSPORTS)
  for (const k of KS) {
    const runs = [];
    for (let r = 0; r < REPEATS; r++) runs.push(await blkRun(t, 'read seq 10 1', k));
    enumRows.push({
      transport: t,
      k: k + 1,
      mainUs: median(runs.map((x) => x.mainUs)),
      enumUs: median(runs.map((x) => x.enumUs)),
      functions: runs[0]!.functions,
      cfgReads: runs[0]!.cfgReads,
    });
  }
rmSync(dir, { recursive: true, force: true });

const fig = {
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  cpu: cpus()[0]?.model ?? '?',
  node: process.version,
  repeats: REPEATS,
  ios: IOS,
  frames: FRAMES,
  blk: blk.map((r) => ({ ...r, median: median(r.iops) })),
  net: net.map((r) => ({ ...r, median: median(r.pps) })),
  enumRows,
};
console.log(JSON.stringify(fig, null, 2));
writePciSection(fig);
