// Issue 10, machine side: the 9P server's own throughput by block size — P9Server.handle() with
// no transport and no guest (what every 9P transport pays on the host) — next to node:fs preads
// and pwrites of the same file in the same run; plus Tgetattr and walk+clunk next to lstat.
// Prints JSON and rewrites the "9P server" section of BENCHMARKS.md.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/p9server/main.ts
import {
  closeSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { P9Server } from '../../../../platforms/qemu-riscv/src/machine/backends/fs/server';
import { median } from '../boot/stats';
import {
  setOffset,
  Tattach,
  Tclunk,
  Tgetattr,
  Tlcreate,
  Tlopen,
  Tread,
  Tversion,
  Twalk,
  Twrite,
} from './msgs';
import { writeSection } from './report';

const SIZE = Number(process.env.RK_BENCH_P9S_MB ?? 64) << 20;
const REPS = Number(process.env.RK_BENCH_REPS ?? 5);
const BLOCKS = [4096, 16384, 65536, 262144, 1 << 20];
const MSIZE = 2 << 20;

const dir = mkdtempSync(join(tmpdir(), 'rk-bench-p9s-'));
const file = join(dir, 'big.bin');
writeFileSync(
  file,
  new Uint8Array(SIZE).map((_, i) => i & 0xff),
);
const server = new P9Server({ root: dir });
const ok = (r: Uint8Array, what: string) => {
  if (r[4] === 7)
    throw new Error(`${what}: Rlerror ${new DataView(r.buffer, r.byteOffset).getUint32(7, true)}`);
};
ok(server.handle(Tversion(MSIZE)), 'version');
ok(server.handle(Tattach(0)), 'attach');
ok(server.handle(Twalk(0, 1, ['big.bin'])), 'walk');
ok(server.handle(Tlopen(1, 0)), 'lopen');

const mbs = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1e3);

function serverRead(bs: number): number {
  const m = Tread(1, bs);
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += bs) {
    setOffset(m, off);
    const r = server.handle(m);
    if (r[4] !== 117) throw new Error('Tread failed');
  }
  return mbs(SIZE, performance.now() - t0);
}
function nodeRead(bs: number): number {
  const fd = openSync(file, 'r');
  const buf = new Uint8Array(bs);
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += bs) readSync(fd, buf, 0, bs, off);
  const v = mbs(SIZE, performance.now() - t0);
  closeSync(fd);
  return v;
}
function serverWrite(bs: number, rep: number): number {
  ok(server.handle(Twalk(0, 2, [])), 'walk');
  ok(server.handle(Tlcreate(2, `w${bs}-${rep}`, 2 | 0o1000, 0o644)), 'lcreate');
  const m = Twrite(2, bs, 0x5a);
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += bs) {
    setOffset(m, off);
    if (server.handle(m)[4] !== 119) throw new Error('Twrite failed');
  }
  const v = mbs(SIZE, performance.now() - t0);
  ok(server.handle(Tclunk(2)), 'clunk');
  return v;
}
function nodeWrite(bs: number, rep: number): number {
  const fd = openSync(join(dir, `n${bs}-${rep}`), 'w');
  const buf = new Uint8Array(bs).fill(0x5a);
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += bs) writeSync(fd, buf, 0, bs, off);
  const v = mbs(SIZE, performance.now() - t0);
  closeSync(fd);
  return v;
}

const rows = BLOCKS.map((bs) => {
  const sr: number[] = [];
  const nr: number[] = [];
  const sw: number[] = [];
  const nw: number[] = [];
  for (let i = 0; i < REPS; i++) {
    sr.push(serverRead(bs));
    nr.push(nodeRead(bs));
    sw.push(serverWrite(bs, i));
    nw.push(nodeWrite(bs, i));
  }
  return {
    bs,
    read: { p9: median(sr), node: median(nr) },
    write: { p9: median(sw), node: median(nw) },
  };
});

/** µs per call, median of REPS batches of `n`. */
function perCall(n: number, fn: () => void): number {
  const xs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    xs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(xs);
}
const getattr = Tgetattr(1);
const walk = Twalk(0, 3, ['big.bin']);
const clunk = Tclunk(3);
const ops = {
  getattr: {
    p9: perCall(20000, () => server.handle(getattr)),
    node: perCall(20000, () => lstatSync(file, { bigint: true })),
  },
  walkClunk: {
    p9: perCall(20000, () => {
      server.handle(walk);
      server.handle(clunk);
    }),
    node: perCall(20000, () => lstatSync(file, { bigint: true })),
  },
};
server.close();
rmSync(dir, { recursive: true, force: true });

const fig = {
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  cpu: cpus()[0]?.model ?? '?',
  node: process.version,
  sizeMiB: SIZE >> 20,
  reps: REPS,
  msize: MSIZE,
  rows,
  ops,
};
console.log(JSON.stringify(fig, null, 2));
writeSection(fig);
