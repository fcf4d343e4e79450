// Issue 10 ramfs/vfscore benchmarks: sequential read/write MB/s and small-file create/stat/unlink
// ops/s on vfscore+ramfs (in-process, file data in rkalloc-tlsf pages of a 256 MiB guest-RAM
// buffer) next to node:fs on a host tmpfs directory (/dev/shm) in the same run, and the cost of
// open()+close() on vfscore (Unikraft: 455 ns). Medians of RK_BENCH_REPS. Prints JSON.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/vfs/main.ts
import * as nfs from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createRamfsType } from '@runikraft/ramfs';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { median } from '../boot/stats';
import { nodeSmallFiles, rkSmallFiles } from '../fs/small-files';

const REPS = Number(process.env.RK_BENCH_REPS ?? 5);
const SIZE = Number(process.env.RK_BENCH_VFS_MB ?? 64) << 20;
const CHUNK = 1 << 20;
const FILES = 2000;
const OPENS = 200_000;

async function makeVfs(): Promise<RkVfsCore> {
  const ram = 256 << 20;
  const buffer = new SharedArrayBuffer(ram);
  const phys = {
    buffer,
    base: 0x80000000,
    size: ram,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const v = new RkVfsCore({ now: () => ({ sec: Math.floor(Date.now() / 1000), nsec: 0 }) });
  v.registerFsType(createRamfsType(createTlsfAlloc(phys, phys.base, ram)));
  if ((await v.mount('none', '/', 'ramfs')) < 0) throw new Error('mount');
  return v;
}

const now = () => performance.now();
const chunk = new Uint8Array(CHUNK).map((_, i) => i & 0xff);

async function rkSeq(v: RkVfsCore): Promise<{ write: number; read: number }> {
  const t0 = now();
  const fd = await v.open('/big', O_CREAT | O_WRONLY | O_TRUNC, 0o644);
  for (let at = 0; at < SIZE; at += CHUNK) await v.write(fd, chunk);
  await v.close(fd);
  const t1 = now();
  const r = await v.open('/big', O_RDONLY);
  const buf = new Uint8Array(CHUNK);
  while ((await v.read(r, buf)) > 0);
  await v.close(r);
  const t2 = now();
  await v.unlink('/big');
  return { write: SIZE / 1e6 / ((t1 - t0) / 1e3), read: SIZE / 1e6 / ((t2 - t1) / 1e3) };
}

function nodeSeq(dir: string): { write: number; read: number } {
  const f = join(dir, 'big');
  const t0 = now();
  const fd = nfs.openSync(f, 'w');
  for (let at = 0; at < SIZE; at += CHUNK) nfs.writeSync(fd, chunk);
  nfs.closeSync(fd);
  const t1 = now();
  const r = nfs.openSync(f, 'r');
  const buf = new Uint8Array(CHUNK);
  while (nfs.readSync(r, buf, 0, CHUNK, null) > 0);
  nfs.closeSync(r);
  const t2 = now();
  nfs.unlinkSync(f);
  return { write: SIZE / 1e6 / ((t1 - t0) / 1e3), read: SIZE / 1e6 / ((t2 - t1) / 1e3) };
}

/** ns per open()+close() of an existing file three directories down (name cache warm). */
async function rkOpen(v: RkVfsCore): Promise<{ open: number; openClose: number }> {
  await v.mkdir('/a', 0o755);
  await v.mkdir('/a/b', 0o755);
  await v.close(await v.open('/a/b/file', O_CREAT | O_WRONLY, 0o644));
  const fds: number[] = new Array(1000);
  let t = 0;
  for (let i = 0; i < OPENS; i += 1000) {
    const t0 = now();
    for (let j = 0; j < 1000; j++) fds[j] = await v.open('/a/b/file', O_RDONLY);
    t += now() - t0;
    for (let j = 0; j < 1000; j++) await v.close(fds[j]!);
  }
  const t0 = now();
  for (let i = 0; i < OPENS; i++) await v.close(await v.open('/a/b/file', O_RDONLY));
  return { open: (t * 1e6) / OPENS, openClose: ((now() - t0) * 1e6) / OPENS };
}

function nodeOpen(dir: string): { open: number; openClose: number } {
  nfs.mkdirSync(join(dir, 'a/b'), { recursive: true });
  const f = join(dir, 'a/b/file');
  nfs.writeFileSync(f, '');
  const n = OPENS / 4;
  const t0 = now();
  for (let i = 0; i < n; i++) nfs.closeSync(nfs.openSync(f, 'r'));
  const oc = ((now() - t0) * 1e6) / n;
  nfs.rmSync(join(dir, 'a'), { recursive: true });
  return { open: Number.NaN, openClose: oc };
}

const rows: Record<string, { rk: number[]; node: number[] }> = {};
const add = (k: string, rk: number, node: number) => {
  rows[k] ??= { rk: [], node: [] };
  rows[k].rk.push(rk);
  rows[k].node.push(node);
};
const shm = nfs.existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
for (let rep = 0; rep < REPS; rep++) {
  const dir = nfs.mkdtempSync(join(shm, 'rk-bench-vfs-'));
  try {
    const v = await makeVfs();
    const a = await rkSeq(v);
    const b = nodeSeq(dir);
    add('seq write MB/s', a.write, b.write);
    add('seq read MB/s', a.read, b.read);
    const s = await rkSmallFiles(v, FILES);
    const t = nodeSmallFiles(dir, FILES);
    add('create ops/s', s.create, t.create);
    add('stat ops/s', s.stat, t.stat);
    add('unlink ops/s', s.unlink, t.unlink);
    const o = await rkOpen(v);
    const p = nodeOpen(dir);
    add('open() ns', o.open, p.open);
    add('open()+close() ns', o.openClose, p.openClose);
  } finally {
    nfs.rmSync(dir, { recursive: true, force: true });
  }
}
const out = Object.entries(rows).map(([what, r]) => {
  const rk = median(r.rk);
  const node = median(r.node);
  return {
    what,
    ramfs: Math.round(rk),
    node: Math.round(node),
    ratio: Number((rk / node).toFixed(2)),
  };
});
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model,
      node: process.version,
      sizeMiB: SIZE >> 20,
      reps: REPS,
      rows: out,
    },
    null,
    2,
  ),
);
