// Issue 10 9P benchmarks: 9pfs sequential read/write MB/s next to node:fs on the same directory,
// read latency by block size, and the cost of mounting 9pfs. Prints JSON and rewrites the
// "9P (issue 10)" section of BENCHMARKS.md. Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/p9/main.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../boot/stats';
import { readLatency, seqRead, seqWrite, smallFiles } from './io';
import { writeSection } from './report';
import { diodShare, type Share } from './shares';
import { virtioShare } from './shares-virtio';

const SIZE = Number(process.env.RK_BENCH_P9_MB ?? 64) << 20;
const REPS = Number(process.env.RK_BENCH_REPS ?? 5);
const BLOCKS = [4096, 16384, 65536, 262144, 1 << 20];

async function measure(share: Share, dir: string) {
  const data = new Uint8Array(SIZE).map((_, i) => i & 0xff);
  writeFileSync(join(dir, 'big.bin'), data);
  const mounts: number[] = [];
  for (let i = 0; i < 21; i++) {
    const m = await share.mount('cache=loose,msize=524288');
    mounts.push(m.ms);
    await m.fs.unmount();
  }
  const { fs } = await share.mount('cache=loose,msize=524288');
  const read = await seqRead(fs, join(dir, 'big.bin'), 'big.bin', SIZE, 1 << 20, REPS);
  const write = await seqWrite(fs, dir, SIZE, 1 << 20, REPS);
  const latency = [];
  for (const bs of BLOCKS)
    latency.push({
      bs,
      ...(await readLatency(fs, join(dir, 'big.bin'), 'big.bin', SIZE, bs, 300)),
    });
  const small = await smallFiles(fs, dir, 500);
  await fs.unmount();
  return {
    what: share.what,
    msize: fs.client.dev.msize,
    mountMs: median(mounts),
    read,
    write,
    latency,
    small,
  };
}

const rows = [];
for (const make of [virtioShare, diodShare]) {
  const dir = mkdtempSync(join(tmpdir(), 'rk-bench-9p-'));
  const share = await make(dir);
  try {
    rows.push(await measure(share, dir));
  } finally {
    await share.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const fig = {
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  cpu: cpus()[0]?.model ?? '?',
  node: process.version,
  sizeMiB: SIZE >> 20,
  reps: REPS,
  rows,
};
console.log(JSON.stringify(fig, null, 2));
writeSection(fig);
