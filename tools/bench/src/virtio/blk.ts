// virtio-blk 4 KiB throughput/IOPS on a host image file (sequential and random, read and write, queue
// depth 1 and 32), next to fio (psync engine, same file, same run) or Node's own pread loop.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RkBlkdev, RkBlkreq } from '../../../../packages/rkblkdev/src/index';
import { FileBlockBackend } from '../../../../platforms/qemu-riscv/src/machine/backends/blk/file';
import { VirtioBlk } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { rig } from './rig';

export interface BlkRow {
  readonly pattern: 'seq' | 'rand';
  readonly op: 'read' | 'write';
  readonly qd: number;
  readonly iops: number;
  readonly fio: number | null;
  readonly node: number;
}

const FILE_BYTES = 64 << 20;
const BS = 4096;
const BLOCKS = FILE_BYTES / BS;

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % BLOCKS;
}

async function runRk(
  dev: RkBlkdev,
  pa: number,
  pattern: 'seq' | 'rand',
  op: 'read' | 'write',
  qd: number,
  ms: number,
): Promise<number> {
  const next =
    pattern === 'seq'
      ? (
          (i) => () =>
            i++ % BLOCKS
        )(0)
      : lcg(7);
  const spb = BS / dev.info().sectorSize;
  let done = 0;
  let inflight = 0;
  const t0 = performance.now();
  const cb = () => {
    inflight--;
    done++;
  };
  while (performance.now() - t0 < ms) {
    while (inflight < qd) {
      const req: RkBlkreq = {
        op,
        sector: next() * spb,
        nbSectors: spb,
        pa: pa + (inflight % 32) * BS,
        callback: cb,
      };
      if (dev.submit(req) !== 0) break;
      inflight++;
    }
    dev.poll();
  }
  while (inflight > 0) dev.poll();
  return done / ((performance.now() - t0) / 1000);
}

function runNode(path: string, pattern: 'seq' | 'rand', op: 'read' | 'write', ms: number): number {
  const fd = openSync(path, 'r+');
  const buf = new Uint8Array(BS);
  const next =
    pattern === 'seq'
      ? (
          (i) => () =>
            i++ % BLOCKS
        )(0)
      : lcg(7);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 64; k++) {
      if (op === 'read') readSync(fd, buf, 0, BS, next() * BS);
      else writeSync(fd, buf, 0, BS, next() * BS);
      n++;
    }
  }
  closeSync(fd);
  return n / ((performance.now() - t0) / 1000);
}

function runFio(
  path: string,
  pattern: 'seq' | 'rand',
  op: 'read' | 'write',
  qd: number,
): number | null {
  try {
    const rw = `${pattern === 'rand' ? 'rand' : ''}${op}`;
    const out = execFileSync(
      'fio',
      [
        '--name=rk',
        `--filename=${path}`,
        `--rw=${rw}`,
        '--bs=4k',
        `--size=${FILE_BYTES}`,
        '--runtime=2',
        '--time_based',
        `--ioengine=${qd > 1 ? 'io_uring' : 'psync'}`,
        `--iodepth=${qd}`,
        '--output-format=json',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
    const j = JSON.parse(out);
    return j.jobs[0][op].iops as number;
  } catch {
    return null;
  }
}

export async function blkBench(ms = 1500): Promise<{ rows: BlkRow[]; fioVersion: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'rk-blkbench-'));
  const path = join(dir, 'disk.img');
  writeFileSync(path, new Uint8Array(FILE_BYTES));
  const backend = new FileBlockBackend('d0', path, false);
  const r = rig([new VirtioBlk(backend)]);
  const dev = r.devs[0].blkdev!;
  const pa = r.h.dma.memalign(4096, 32 * BS);
  let fioVersion: string | null = null;
  try {
    fioVersion = execFileSync('fio', ['--version']).toString().trim();
  } catch {}
  const rows: BlkRow[] = [];
  for (const pattern of ['seq', 'rand'] as const)
    for (const op of ['read', 'write'] as const)
      for (const qd of [1, 32]) {
        const iops = await runRk(dev, pa, pattern, op, qd, ms);
        rows.push({
          pattern,
          op,
          qd,
          iops,
          fio: fioVersion ? runFio(path, pattern, op, qd) : null,
          node: runNode(path, pattern, op, ms),
        });
      }
  backend.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, fioVersion };
}
