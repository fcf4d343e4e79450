// Issue 11 ext4 benchmarks through a booted image: apps/fsbench on ext4 over virtio-blk (a fresh
// mkfs.ext4 disk), the same app on ramfs (the image's root), and the same workloads through node:fs
// on the host's own file system (the directory the disk images are in), in one run. Phases:
// sequential write (+fsync) and read of a 64 MiB file in 1 MiB calls (the first read, then
// RK_BENCH_EXT4_PASSES=3 more into the same heap buffer, then as many into a guest-RAM buffer the
// device fills itself; node's warm passes are the baseline of both), 4,096 random 4 KiB preads and
// pwrites (+fsync), 2,000 empty files created/stat'ed/unlinked, untar of the lodash npm package
// from the pnpm store (1,051 files, GNU tar read raw from a second disk; node reads it from a
// file), and the mount of a 1 GiB image. Each booted phase is timed by the host's CPU time (user +
// system of this process: the machine runs in it) between the app's start/end console lines, and
// by guest time (clock=host, i.e. wall); node:fs phases by this process's CPU time and wall time.
// This machine's 2 cores are shared, so the CPU-time figures are the ones to compare. Medians of
// RK_BENCH_REPS. After each ext4 run e2fsck -fn must be clean. Prints JSON.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/ext4boot/main.ts

import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { tarEntries } from '../../../../apps/fsbench/src/tar';
import { mkfs } from '../../../../packages/ext4/test/helpers/image';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import {
  type GuestImage,
  loadImage,
} from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { median } from '../boot/stats';
import { hostMachine, loadRange } from '../host';
import { repoRoot } from '../net/tools';

const REPS = Number(process.env.RK_BENCH_REPS ?? 3);
const MB = Number(process.env.RK_BENCH_EXT4_MB ?? 64);
/** Sequential read passes after the first (the steady state), on the heap and on a guest-RAM buffer. */
const PASSES = Number(process.env.RK_BENCH_EXT4_PASSES ?? 3);
const SIZE = MB << 20;
const RANDOM = 4096;
const FILES = 2000;
const root = repoRoot();

/** One phase: host CPU ms and wall (or guest) ms, and its units (bytes, ops, entries). */
interface Phase {
  cpuMs: number;
  wallMs: number;
  units: number;
}
type Run = Record<string, Phase>;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Boots fsbench with `drives` (raw image files, vda first) and `argv`; its phases. */
async function boot(image: GuestImage, drives: string[], argv: string): Promise<Run> {
  const plan = await createVirtioDevicesFromArgs({
    drive: drives.map((f, i) => `file=${f},if=none,format=raw,id=d${i}`),
    device: drives.map((_, i) => `virtio-blk-device,drive=d${i}`),
  });
  const run: Run = {};
  let line = '';
  let all = '';
  const started = new Map<string, number>();
  const m = new Machine({
    console: (t) => {
      all += t;
      for (const ch of t) {
        if (ch !== '\n') {
          line += ch;
          continue;
        }
        const s = /^fsbench: start (\w+)$/.exec(line);
        if (s) started.set(s[1]!, cpuMs());
        const e = /^fsbench: end (\w+) (\d+) (\d+)$/.exec(line);
        if (e) {
          run[e[1]!] = {
            cpuMs: cpuMs() - started.get(e[1]!)!,
            wallMs: Number(e[2]) / 1e6,
            units: Number(e[3]),
          };
        }
        line = '';
      }
    },
    clock: 'host',
    memory: 256 << 20,
    append: `rkboot.banner=off -- ${argv}`,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const exit = await m.boot(image);
  await plan.close();
  if (exit.status !== 0 || !all.includes('fsbench: done'))
    throw new Error(`fsbench ${argv}: ${JSON.stringify(exit)}\n${all.slice(-1500)}`);
  return run;
}

/** The same workloads through node:fs in `dir`. */
function nodeRun(dir: string, tar: Uint8Array): Run {
  const run: Run = {};
  const phase = (name: string, f: () => number) => {
    const c0 = cpuMs();
    const w0 = performance.now();
    const units = f();
    run[name] = { cpuMs: cpuMs() - c0, wallMs: performance.now() - w0, units };
  };
  const big = join(dir, 'big');
  const chunk = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
  phase('seqwrite', () => {
    const fd = nfs.openSync(big, 'w');
    for (let at = 0; at < SIZE; at += chunk.length) nfs.writeSync(fd, chunk);
    nfs.fsyncSync(fd);
    nfs.closeSync(fd);
    return SIZE;
  });
  const buf = new Uint8Array(chunk.length);
  const readAll = () => {
    const fd = nfs.openSync(big, 'r');
    let got = 0;
    for (let n: number; (n = nfs.readSync(fd, buf, 0, buf.length, null)) > 0; ) got += n;
    nfs.closeSync(fd);
    return got;
  };
  phase('seqread', readAll);
  phase('seqreadwarm', () => {
    let got = 0;
    for (let p = 0; p < PASSES; p++) got += readAll();
    return got;
  });
  const fd = nfs.openSync(big, 'r+');
  const b4 = new Uint8Array(4096);
  let x = 12345;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % (SIZE / 4096)) * 4096;
  phase('randread', () => {
    for (let i = 0; i < RANDOM; i++) nfs.readSync(fd, b4, 0, 4096, next());
    return RANDOM;
  });
  phase('randwrite', () => {
    for (let i = 0; i < RANDOM; i++) nfs.writeSync(fd, b4, 0, 4096, next());
    nfs.fsyncSync(fd);
    return RANDOM;
  });
  nfs.closeSync(fd);
  nfs.unlinkSync(big);
  const s = join(dir, 's');
  nfs.mkdirSync(s);
  const names = Array.from({ length: FILES }, (_, i) => join(s, `f${i}`));
  phase('create', () => {
    for (const n of names) nfs.closeSync(nfs.openSync(n, 'w', 0o644));
    return FILES;
  });
  phase('stat', () => {
    for (const n of names) nfs.statSync(n);
    return FILES;
  });
  phase('unlink', () => {
    for (const n of names) nfs.unlinkSync(n);
    return FILES;
  });
  nfs.rmdirSync(s);
  phase('untar', () => {
    let n = 0;
    for (const e of tarEntries(tar)) {
      const p = join(dir, e.path);
      n++;
      if (e.kind === 'dir') nfs.mkdirSync(p, { mode: e.mode || 0o755 });
      else if (e.kind === 'symlink') nfs.symlinkSync(e.target, p);
      else if (e.kind === 'link') nfs.linkSync(join(dir, e.target), p);
      else nfs.writeFileSync(p, e.data, { mode: e.mode || 0o644 });
    }
    execFileSync('sync', ['-f', dir]);
    return n;
  });
  return run;
}

function lodashTar(out: string): string {
  const store = join(root, 'node_modules', '.pnpm');
  const pkg = nfs.readdirSync(store).find((d) => /^lodash@\d/.test(d));
  if (!pkg) throw new Error(`lodash is not in ${store}: run pnpm install`);
  const tar = join(out, 'lodash.tar');
  execFileSync('tar', [
    '--format=gnu',
    '-chf',
    tar,
    '-C',
    join(store, pkg, 'node_modules'),
    'lodash',
  ]);
  return tar;
}

function fsckClean(img: string): void {
  try {
    execFileSync('/usr/sbin/e2fsck', ['-fn', img], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`e2fsck -fn ${img}: ${(e as { stdout: Buffer }).stdout}`);
  }
}

async function main(): Promise<void> {
  const built = await buildImage(join(root, 'apps', 'fsbench'));
  const image = loadImage(built.imagePath);
  const top = nfs.mkdtempSync(join(tmpdir(), 'rk-bench-ext4boot-'));
  try {
    const tarPath = lodashTar(top);
    const tar = new Uint8Array(nfs.readFileSync(tarPath));
    // the raw tar disk: whole sectors
    const tarDisk = join(top, 'tar.img');
    nfs.writeFileSync(tarDisk, tar);
    nfs.truncateSync(tarDisk, Math.ceil(tar.length / 4096) * 4096 + 4096);
    const content = join(top, 'content');
    nfs.mkdirSync(join(content, 'd'), { recursive: true });
    for (let i = 0; i < 500; i++)
      nfs.writeFileSync(join(content, 'd', `f${i}`), tar.subarray(0, 4096));
    const gib = mkfs(top, '1G', { dir: content });
    const all: Record<string, Record<string, Phase[]>> = { ext4: {}, ramfs: {}, node: {} };
    const add = (k: string, r: Run) => {
      for (const [p, v] of Object.entries(r)) (all[k]![p] ??= []).push(v);
    };
    const load0 = loadavg()[0]!;
    const common = `mb=${MB} passes=${PASSES} random=${RANDOM} files=${FILES} tar=`;
    for (let rep = 0; rep < REPS; rep++) {
      const img = mkfs(top, '512M');
      add(
        'ext4',
        await boot(image, [img, tarDisk], `/data mount=/dev/vda:ext4 ${common}1:${tar.length}`),
      );
      fsckClean(img);
      nfs.rmSync(img);
      add('ramfs', await boot(image, [tarDisk], `/bench ${common}0:${tar.length}`));
      const dir = nfs.mkdtempSync(join(top, 'node-'));
      add('node', nodeRun(dir, tar));
      nfs.rmSync(dir, { recursive: true });
      add('ext4', await boot(image, [gib], '/m mount=/dev/vda:ext4 phases=mount'));
    }
    fsckClean(gib);
    const rate = (p: Phase[], by: 'cpuMs' | 'wallMs', scale: number) =>
      median(p.map((x) => x.units / scale / (x[by] / 1000)));
    const UNIT: Record<string, [string, number]> = {
      seqwrite: ['MB/s', 1e6],
      seqread: ['MB/s', 1e6],
      seqreadwarm: ['MB/s', 1e6],
      seqreadram: ['MB/s', 1e6],
      randread: ['IOPS', 1],
      randwrite: ['IOPS', 1],
      create: ['ops/s', 1],
      stat: ['ops/s', 1],
      unlink: ['ops/s', 1],
      untar: ['entries/s', 1],
    };
    const rows: Record<string, unknown> = {};
    for (const [p, [unit, scale]] of Object.entries(UNIT)) {
      const cpu = (k: string, q = p) =>
        all[k]![q] ? Math.round(rate(all[k]![q]!, 'cpuMs', scale)) : null;
      const wall = (k: string, q = p) =>
        all[k]![q] ? Math.round(rate(all[k]![q]!, 'wallMs', scale)) : null;
      const e = cpu('ext4');
      // node has one kind of buffer: the guest-RAM buffer's pass compares with its warm pass
      const n = p === 'seqreadram' ? cpu('node', 'seqreadwarm') : cpu('node');
      rows[`${p} ${unit}`] = {
        perCpuSecond: { ext4: e, ramfs: cpu('ramfs'), node: n },
        perWallSecond: {
          ext4: wall('ext4'),
          ramfs: wall('ramfs'),
          node: p === 'seqreadram' ? wall('node', 'seqreadwarm') : wall('node'),
        },
        'ext4/node (CPU)': e !== null && n ? Math.round((e / n) * 100) / 100 : null,
      };
    }
    const mounts = all.ext4!.mount ?? [];
    console.log(
      JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: hostMachine(),
          node: process.version,
          loadavg: loadRange(load0),
          reps: REPS,
          fileMiB: MB,
          untar: `lodash npm package: ${[...tarEntries(tar)].length} entries, ${tar.length} bytes of tar`,
          hostDir: top,
          'mount 1 GiB image': {
            cpuMs: Math.round(median(mounts.map((x) => x.cpuMs)) * 100) / 100,
            guestMs: Math.round(median(mounts.map((x) => x.wallMs)) * 100) / 100,
          },
          rows,
        },
        null,
        2,
      ),
    );
  } finally {
    nfs.rmSync(top, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
