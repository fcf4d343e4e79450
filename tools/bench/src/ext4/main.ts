// Issue 11 ext4 benchmarks, in-process: vfscore+ext4 over a host image file (the test block driver:
// sectors copied between the file and a guest-RAM buffer per request — no virtio, no machine) next
// to vfscore+ramfs and node:fs on tmpfs in the same run. Sequential write (incl. sync) and read MB/s
// of a 64 MiB file in 1 MiB calls, 4 KiB random read/write IOPS in it, small-file create/stat/unlink
// ops/s (2,000 files in one directory), and mount time of a 1 GiB mkfs.ext4 image. Medians of
// RK_BENCH_REPS. ext4 runs twice: on the default (journaled) image and on one made without a journal.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/ext4/main.ts
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createExt4Type } from '@runikraft/ext4';
import { createRamfsType } from '@runikraft/ramfs';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { disk, mkfs } from '../../../../packages/ext4/test/helpers/image';
import { median } from '../boot/stats';
import { nodeSmallFiles, rkSmallFiles, type SmallFileRates } from '../fs/small-files';

const REPS = Number(process.env.RK_BENCH_REPS ?? 3);
const SIZE = 64 << 20;
const CHUNK = 1 << 20;
const FILES = 2000;
const RANDOM = 4096;
const now = () => performance.now();
const env = { now: () => ({ sec: Math.floor(Date.now() / 1000), nsec: 0 }) };
const chunk = new Uint8Array(CHUNK).map((_, i) => (i * 7) & 0xff);

async function ramVfs(): Promise<RkVfsCore> {
  const ram = 256 << 20;
  const buffer = new SharedArrayBuffer(ram);
  const phys = {
    buffer,
    base: 0x80000000,
    size: ram,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const v = new RkVfsCore(env);
  v.registerFsType(createRamfsType(createTlsfAlloc(phys, phys.base, ram)));
  if ((await v.mount('none', '/', 'ramfs')) < 0) throw new Error('ramfs mount');
  return v;
}

async function ext4Vfs(img: string): Promise<{ v: RkVfsCore; mountMs: number }> {
  const { alloc, disks } = disk(img, false, 64 << 20);
  const v = new RkVfsCore(env);
  v.registerFsType(createExt4Type({ alloc, disks }));
  const t0 = now();
  const r = await v.mount('/dev/vda', '/', 'ext4', 0, 'cache=16384');
  const mountMs = now() - t0;
  if (r < 0) throw new Error(`ext4 mount: ${r}`);
  return { v, mountMs };
}

/** The file API figures on a vfscore instance. */
async function rkRun(v: RkVfsCore) {
  const t0 = now();
  const fd = await v.open('/big', O_CREAT | O_WRONLY | O_TRUNC, 0o644);
  for (let at = 0; at < SIZE; at += CHUNK) await v.write(fd, chunk);
  await v.fsync(fd);
  await v.close(fd);
  const t1 = now();
  const r = await v.open('/big', O_RDONLY);
  const buf = new Uint8Array(CHUNK);
  while ((await v.read(r, buf)) > 0);
  await v.close(r);
  const t2 = now();
  const f = await v.open('/big', O_RDWR);
  const b4 = new Uint8Array(4096);
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) % (SIZE / 4096)) * 4096;
  for (let i = 0; i < RANDOM; i++) await v.pread(f, b4, rnd());
  const t3 = now();
  for (let i = 0; i < RANDOM; i++) await v.pwrite(f, b4, rnd());
  await v.fsync(f);
  const t4 = now();
  await v.close(f);
  await v.unlink('/big');
  return row([t0, t1, t2, t3, t4], await rkSmallFiles(v, FILES));
}

function nodeRun(dir: string) {
  const big = join(dir, 'big');
  const t0 = now();
  const fd = nfs.openSync(big, 'w');
  for (let at = 0; at < SIZE; at += CHUNK) nfs.writeSync(fd, chunk);
  nfs.fsyncSync(fd);
  nfs.closeSync(fd);
  const t1 = now();
  const r = nfs.openSync(big, 'r');
  const buf = new Uint8Array(CHUNK);
  while (nfs.readSync(r, buf, 0, CHUNK, null) > 0);
  nfs.closeSync(r);
  const t2 = now();
  const f = nfs.openSync(big, 'r+');
  const b4 = new Uint8Array(4096);
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) % (SIZE / 4096)) * 4096;
  for (let i = 0; i < RANDOM; i++) nfs.readSync(f, b4, 0, 4096, rnd());
  const t3 = now();
  for (let i = 0; i < RANDOM; i++) nfs.writeSync(f, b4, 0, 4096, rnd());
  nfs.fsyncSync(f);
  const t4 = now();
  nfs.closeSync(f);
  nfs.unlinkSync(big);
  return row([t0, t1, t2, t3, t4], nodeSmallFiles(dir, FILES));
}

function row(t: readonly number[], small: SmallFileRates) {
  const mbs = (ms: number) => SIZE / 1e6 / (ms / 1e3);
  const rate = (n: number, ms: number) => n / (ms / 1e3);
  return {
    'seq write MB/s': mbs(t[1]! - t[0]!),
    'seq read MB/s': mbs(t[2]! - t[1]!),
    '4 KiB random read IOPS': rate(RANDOM, t[3]! - t[2]!),
    '4 KiB random write IOPS': rate(RANDOM, t[4]! - t[3]!),
    'create ops/s': small.create,
    'stat ops/s': small.stat,
    'unlink ops/s': small.unlink,
  };
}

const shm = nfs.existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const top = nfs.mkdtempSync(join(shm, 'rk-bench-ext4-'));
const all: Record<string, { ext4: number[]; plain: number[]; ramfs: number[]; node: number[] }> =
  {};
const mounts: number[] = [];
try {
  // a 1 GiB image holding a tree (mount reads the super block, 8 or 128 descriptors, the root inode)
  const content = join(top, 'content');
  nfs.mkdirSync(join(content, 'd'), { recursive: true });
  for (let i = 0; i < 500; i++)
    nfs.writeFileSync(join(content, 'd', `f${i}`), chunk.subarray(0, 4096));
  const gib = mkfs(top, '1G', { dir: content });
  for (let rep = 0; rep < REPS; rep++) {
    mounts.push((await ext4Vfs(gib)).mountMs);
    const img = mkfs(top, '256M');
    const e = await rkRun((await ext4Vfs(img)).v);
    // the journal's cost: the same on an image made without one
    const bare = mkfs(top, '256M', { args: ['-O', '^has_journal'] });
    const p = await rkRun((await ext4Vfs(bare)).v);
    nfs.rmSync(bare);
    const r = await rkRun(await ramVfs());
    const dir = nfs.mkdtempSync(join(top, 'node-'));
    const n = nodeRun(dir);
    for (const k of Object.keys(e) as (keyof typeof e)[]) {
      all[k] ??= { ext4: [], plain: [], ramfs: [], node: [] };
      all[k].ext4.push(e[k]);
      all[k].plain.push(p[k]);
      all[k].ramfs.push(r[k]);
      all[k].node.push(n[k]);
    }
    nfs.rmSync(img);
    nfs.rmSync(dir, { recursive: true });
  }
  const fsckOk = (() => {
    try {
      execFileSync('/usr/sbin/e2fsck', ['-fn', gib], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  })();
  const out = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model,
    node: process.version,
    reps: REPS,
    'mount 1 GiB image ms': median(mounts),
    'e2fsck -fn after mounts': fsckOk,
    rows: Object.fromEntries(
      Object.entries(all).map(([k, v]) => {
        const e = median(v.ext4);
        const p = median(v.plain);
        const r = median(v.ramfs);
        const n = median(v.node);
        const ratios = { 'ext4/node': e / n, 'ext4/ramfs': e / r, 'journaled/not': e / p };
        return [k, { ext4: e, 'ext4 no journal': p, ramfs: r, node: n, ...ratios }];
      }),
    ),
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  nfs.rmSync(top, { recursive: true, force: true });
}
