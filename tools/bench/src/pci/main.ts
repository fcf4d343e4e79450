// Issue 14 benchmarks: virtio-blk IOPS and virtio-net pps over virtio-pci (modern, legacy) next to
// virtio-mmio in the same run, and the boot cost per device. Booted machines (hart, MMIO, PLIC,
// interrupts): apps/virtio-blkperf and apps/virtio-netperf. The machine here is shared (load averages
// of 40-60 on 2 cores were seen), so the primary figure is work per host CPU second of this process
// (process.cpuUsage around each run), which contention barely moves; the guest-time rates are listed
// too. Medians of RK_BENCH_REPEATS runs, transports interleaved within each repeat.
// Rewrites the "PCI (issue 14)" section of BENCHMARKS.md.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/pci/main.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockBackend } from '../../../../platforms/qemu-riscv/src/machine/backends/blk/file';
import { NetHub } from '../../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioBlk } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import type { VirtioDevice } from '../../../../platforms/qemu-riscv/src/machine/virtio-mmio/device';
import { buildImage } from '../../../rk/src/index';
import { repoRoot } from '../virtio/machine-net';
import { type PciFigures, writePciSection } from './report';
import { machineWith, TRANSPORTS, type Transport } from './rigs';

const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 7);
const IOS = Number(process.env.RK_BENCH_IOS ?? 20000);
const FRAMES = Number(process.env.RK_BENCH_FRAMES ?? 50000);

const blkImage = loadImage((await buildImage(join(repoRoot(), 'apps/virtio-blkperf'))).imagePath);
const netImage = loadImage((await buildImage(join(repoRoot(), 'apps/virtio-netperf'))).imagePath);
const dir = mkdtempSync(join(tmpdir(), 'rk-pcibench-'));
const disk = join(dir, 'disk.img');
writeFileSync(disk, new Uint8Array(64 << 20));

/** Runs `body`; @returns its result and the host CPU seconds this process spent meanwhile. */
async function cpuTimed<T>(body: () => Promise<T>): Promise<{ r: T; cpuS: number }> {
  const c0 = process.cpuUsage();
  const r = await body();
  const c = process.cpuUsage(c0);
  return { r, cpuS: (c.user + c.system) / 1e6 };
}

async function blkRun(t: Transport, args: string, extraRng = 0) {
  let out = '';
  const devs: VirtioDevice[] = [new VirtioBlk(new FileBlockBackend('d0', disk, false))];
  for (let i = 0; i < extraRng; i++) devs.push(new VirtioRng(counterRng()));
  const m = machineWith(t, devs, `-- ${args}`, (s) => (out += s));
  const { r: exit, cpuS } = await cpuTimed(() => m.boot(blkImage));
  if (exit.status !== 0)
    throw new Error(`blkperf on ${t} (${args}) exited ${exit.status}:\n${out}`);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  return {
    cpuS,
    iops: num(/= (\d+) IOPS/),
    done: num(/blkperf: (\d+) /),
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
  const { cpuS } = await cpuTimed(() => Promise.all(ms.map((m) => m.boot(netImage))));
  const rx = /netperf rx: (\d+) frames .* = (\d+) pps/.exec(outs[0]);
  return { cpuS, received: Number(rx?.[1] ?? 0), pps: Number(rx?.[2] ?? 0) };
}

// warm-up (JIT, page cache): one untimed run of each image on each transport
for (const t of TRANSPORTS) {
  await blkRun(t, 'read rand 2000 8');
  await netRun(t, 64);
}

const blk: PciFigures['blk'] = [];
const net: PciFigures['net'] = [];
for (const qd of [1, 32])
  for (const t of TRANSPORTS) blk.push({ transport: t, qd, perCpuS: [], guestRate: [] });
for (const size of [64, 1500])
  for (const t of TRANSPORTS)
    net.push({ transport: t, size, perCpuS: [], guestRate: [], received: [] });
const KS = [1, 2, 4, 8];
const boot: PciFigures['boot'] = [];
for (const t of TRANSPORTS)
  for (const k of KS) boot.push({ transport: t, k, cpuMs: [], functions: 0, cfgReads: 0 });
const load0 = loadavg()[0]!;
for (let r = 0; r < REPEATS; r++) {
  for (const row of blk) {
    const x = await blkRun(row.transport, `read rand ${IOS} ${row.qd}`);
    row.perCpuS.push(x.done / x.cpuS);
    row.guestRate.push(x.iops);
  }
  for (const row of net) {
    const x = await netRun(row.transport, row.size);
    row.perCpuS.push(x.received / x.cpuS);
    row.guestRate.push(x.pps);
    row.received.push(x.received);
  }
  await blkRun('mmio-modern', 'read seq 1 1'); // absorbs what the net runs left behind (GC)
  for (const row of boot) {
    const x = await blkRun(row.transport, 'read seq 1 1', row.k - 1);
    row.cpuMs.push(x.cpuS * 1000);
    row.functions = x.functions;
    row.cfgReads = x.cfgReads;
  }
}
rmSync(dir, { recursive: true, force: true });

const fig: PciFigures = {
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  cpu: cpus()[0]?.model ?? '?',
  node: process.version,
  load: [load0, loadavg()[0]!],
  repeats: REPEATS,
  ios: IOS,
  frames: FRAMES,
  blk,
  net,
  boot,
};
console.log(JSON.stringify(fig, null, 2));
writePciSection(fig);
