// Sequential throughput and per-call latency of 9pfs next to node:fs on the same files.
import { closeSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { P9fs, P9Handle, P9Node } from '../../../../packages/9pfs/src/index';
import { median } from '../boot/stats';

const O_RDONLY = 0;
const O_WRONLY = 1;

async function open9(fs: P9fs, name: string, flags: number): Promise<P9Handle> {
  let n = await fs.lookup(fs.root, name);
  if (typeof n === 'number') n = await fs.create(fs.root, name, 0o644);
  if (typeof n === 'number') throw new Error(`lookup/create ${name}: ${n}`);
  const h = await fs.open(n as P9Node, flags);
  if (typeof h === 'number') throw new Error(`open ${name}: ${h}`);
  return h;
}

/** MB/s of reading `name` (size bytes) to the end in `bs` chunks: 9pfs and node:fs, medians of `reps`. */
export async function seqRead(
  fs: P9fs,
  path: string,
  name: string,
  size: number,
  bs: number,
  reps: number,
) {
  const buf = new Uint8Array(bs);
  const p9: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < reps; r++) {
    const h = await open9(fs, name, O_RDONLY);
    let t0 = performance.now();
    for (let off = 0; ; ) {
      const n = (await fs.read(h, buf, off)) as number;
      if (n <= 0) break;
      off += n;
    }
    p9.push(size / 1e6 / ((performance.now() - t0) / 1000));
    await fs.close(h);
    const fd = openSync(path, 'r');
    t0 = performance.now();
    while (readSync(fd, buf, 0, bs, null) > 0);
    node.push(size / 1e6 / ((performance.now() - t0) / 1000));
    closeSync(fd);
  }
  return { p9: median(p9), node: median(node) };
}

/** MB/s of writing `size` bytes in `bs` chunks to a new file. */
export async function seqWrite(fs: P9fs, dir: string, size: number, bs: number, reps: number) {
  const buf = new Uint8Array(bs).fill(0x5a);
  const p9: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < reps; r++) {
    const h = await open9(fs, `w9-${r}`, O_WRONLY);
    let t0 = performance.now();
    for (let off = 0; off < size; off += bs) await fs.write(h, buf, off);
    p9.push(size / 1e6 / ((performance.now() - t0) / 1000));
    await fs.close(h);
    const fd = openSync(`${dir}/wn-${r}`, 'w');
    t0 = performance.now();
    for (let off = 0; off < size; off += bs) writeSync(fd, buf, 0, bs);
    node.push(size / 1e6 / ((performance.now() - t0) / 1000));
    closeSync(fd);
  }
  return { p9: median(p9), node: median(node) };
}

/** Median µs of one read of `bs` bytes at successive offsets (wrapping in the file). */
export async function readLatency(
  fs: P9fs,
  path: string,
  name: string,
  size: number,
  bs: number,
  n: number,
) {
  const buf = new Uint8Array(bs);
  const h = await open9(fs, name, O_RDONLY);
  const fd = openSync(path, 'r');
  const p9: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < n; i++) {
    const off = (i * bs) % (size - bs);
    let t0 = performance.now();
    await fs.read(h, buf, off);
    p9.push((performance.now() - t0) * 1000);
    t0 = performance.now();
    readSync(fd, buf, 0, bs, off);
    node.push((performance.now() - t0) * 1000);
  }
  closeSync(fd);
  await fs.close(h);
  return { p9: median(p9), node: median(node) };
}

/** Small-file operations per second: create+close, stat, unlink of `n` empty files, next to node:fs. */
export async function smallFiles(fs: P9fs, dir: string, n: number) {
  const nodes: P9Node[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const f = (await fs.create(fs.root, `s${i}`, 0o644)) as P9Node;
    await fs.close((await fs.open(f, O_WRONLY)) as P9Handle);
    nodes.push(f);
  }
  const create = n / ((performance.now() - t0) / 1000);
  const out = emptyAttr();
  t0 = performance.now();
  for (const f of nodes) await fs.getattr(f, out);
  const stat = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < n; i++) await fs.unlink(fs.root, `s${i}`, nodes[i]);
  const unlink = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < n; i++) closeSync(openSync(`${dir}/n${i}`, 'w'));
  const nCreate = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < n; i++) statSync(`${dir}/n${i}`);
  const nStat = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < n; i++) unlinkSync(`${dir}/n${i}`);
  const nUnlink = n / ((performance.now() - t0) / 1000);
  return {
    create: { p9: create, node: nCreate },
    stat: { p9: stat, node: nStat },
    unlink: { p9: unlink, node: nUnlink },
  };
}

function emptyAttr() {
  const t = () => ({ sec: 0, nsec: 0 });
  return {
    ino: 0,
    mode: 0,
    nlink: 0,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blocks: 0,
    blksize: 0,
    atime: t(),
    mtime: t(),
    ctime: t(),
  };
}
