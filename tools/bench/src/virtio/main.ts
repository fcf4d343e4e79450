// Issue 5 device benchmarks: rknetdev pps (hub, TAP), virtio-blk IOPS next to fio, driver init cost.
// Prints every figure with its same-run baseline and rewrites the "Devices (issue 5)" section of
// BENCHMARKS.md. Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/virtio/main.ts
import { cpus } from 'node:os';
import { blkBench } from './blk';
import { initBench } from './init';
import { machinePps } from './machine-net';
import { hubPps, udpBaseline } from './net';
import { writeSection } from './report';
import { tapPps } from './tap';

const ms = Number(process.env.RK_BENCH_MS ?? 1500);
const net = [...hubPps(64, ms), ...hubPps(1500, ms)];
const udp = { 64: await udpBaseline(64, ms), 1500: await udpBaseline(1500, ms) };
const tap = await tapPps(ms);
const machines = await machinePps([64, 1500], Number(process.env.RK_BENCH_FRAMES ?? 100000));
const blk = await blkBench(ms);
const init = initBench();
const fig = {
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  cpu: cpus()[0]?.model ?? '?',
  node: process.version,
  net,
  machines,
  udp,
  tap,
  blk,
  init,
};
console.log(JSON.stringify(fig, null, 2));
writeSection(fig);
