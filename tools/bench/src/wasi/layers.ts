/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Where the ns of clock_gettime go (bench:wasilayers): calls.wasm's clock loop (`calls clock N`,
// the asyncified build unless ASYNCIFY=0) run with node:wasi's imports, its clock_time_get replaced
// by one layer at a time; ns per call = (median CPU of N calls - median of 0) / N, 5 repeats.
//   nodeWasi         node:wasi's own import (C++, uv_hrtime)
//   noop             a JS function returning 0: the wasm->JS call, incl. the i64 argument's BigInt
//   adapterNoop      the same behind a wasm function that drops the i64: the call without the BigInt
//   perfNowOnly      noop + performance.now(); hrtimeBigintOnly: noop + process.hrtime.bigint()
//   perAllocDataView a DataView made per call + setBigUint64 of hrtime.bigint() (the per-call allocations)
//   perAllocTwo32    a Uint32Array made per call + two 32-bit stores of performance.now() ns
//   ideal            a cached DataView, performance.now() ns, two 32-bit stores: the floor of a JS import
//   idealAdapter     ideal behind the i64-dropping wasm function
//   libcShimBigint   libc-shim's clock_time_get import (fault guard) over a BigInt kernel clock
//   libcShim         the same with the kernel's number clock (WasiKernel.clockNowNs)
//   libcShimAsyncifyWrap  libcShim behind AsyncifyRunner.wrap, as runWasi gives it to the program
// Env: N (calls, default 1,000,000), ONLY=name,name.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import {
  AsyncifyRunner,
  LinearMemory,
  WasiPreview1,
} from '../../../../packages/libc-shim/src/index';
import { buildWasm } from '../../../rk/src/wasm-toolchain';
import { median } from '../boot/stats';
import { repoRoot } from '../net/tools';

const N = Number(process.env.N ?? 1_000_000);
const root = repoRoot();
const calls = new Uint8Array(
  nfs.readFileSync(
    buildWasm({
      sources: [join(root, 'packages/libc-shim/test/programs/calls.c')],
      cflags: ['-O2'],
      asyncify: process.env.ASYNCIFY !== '0',
    }),
  ),
);
const mod = new WebAssembly.Module(calls);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
type Make = (mem: () => WebAssembly.Memory) => (...a: never[]) => number;
function run(make: Make | null, n: number): number {
  const out = nfs.openSync('/dev/null', 'w');
  const wasi = new WASI({
    version: 'preview1',
    args: ['calls', 'clock', `${n}`],
    env: {},
    stdout: out,
    returnOnExit: true,
  });
  const io = wasi.getImportObject() as Record<string, Record<string, unknown>>;
  let inst: WebAssembly.Instance;
  if (make)
    io.wasi_snapshot_preview1!.clock_time_get = make(
      () => inst.exports.memory as WebAssembly.Memory,
    );
  inst = new WebAssembly.Instance(mod, io as WebAssembly.Imports);
  const t0 = cpu();
  const s = wasi.start(inst as never);
  const dt = cpu() - t0;
  nfs.closeSync(out);
  if (s !== 0) throw new Error(`exit ${s}`);
  return dt;
}
const t0 = process.hrtime.bigint();
const p0 = performance.now();
function shimImport(m: () => WebAssembly.Memory, num: boolean, wrap: boolean) {
  const mono = () => Math.floor((performance.now() - p0) * 1e6);
  const k = {
    clockNs: (id: number) =>
      id === 0 ? BigInt(Date.now()) * 1_000_000n : id <= 3 ? process.hrtime.bigint() - t0 : null,
    clockNowNs: num ? (id: number) => (id >= 1 && id <= 3 ? mono() : -1) : undefined,
    clockResNs: 1n,
  };
  const w = new WasiPreview1(k as never, { args: [], env: [], preopens: [] });
  let imp: ((...a: never[]) => number) | null = null;
  return ((a: number, b: bigint, c: number) => {
    if (!imp) {
      (w as unknown as { mem: LinearMemory }).mem = new LinearMemory(m());
      imp = w.imports().clock_time_get as never;
      if (wrap) imp = new AsyncifyRunner().wrap(imp as never) as never;
    }
    return imp!(a as never, b as never, c as never);
  }) as never;
}
/** A wasm function of clock_time_get's type that drops the i64 and calls fn(id, out). */
function adapter(fn: (id: number, out: number) => number): (...a: never[]) => number {
  const b = [
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 14, 2, 0x60, 3, 0x7f, 0x7e, 0x7f, 1, 0x7f, 0x60, 2, 0x7f,
    0x7f, 1, 0x7f, 2, 7, 1, 1, 0x66, 1, 0x63, 0, 1, 3, 2, 1, 0, 7, 7, 1, 3, 0x63, 0x74, 0x67, 0, 1,
    10, 10, 1, 8, 0, 0x20, 0, 0x20, 2, 0x10, 0, 0x0b,
  ];
  const i = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(b)), { f: { c: fn } });
  return i.exports.ctg as never;
}
const variants: Record<string, Make | null> = {
  nodeWasi: null,
  noop: () => () => 0,
  perAllocDataView: (m) => {
    return ((_id: number, _p: bigint, out: number) => {
      new DataView(m().buffer).setBigUint64(out, process.hrtime.bigint() - t0, true);
      return 0;
    }) as never;
  },
  perAllocTwo32: (m) => {
    return ((_id: number, _p: bigint, out: number) => {
      const u32 = new Uint32Array(m().buffer);
      const ns = Math.round(performance.now() * 1e6);
      u32[out >>> 2] = ns >>> 0;
      u32[(out >>> 2) + 1] = Math.floor(ns / 4294967296);
      return 0;
    }) as never;
  },
  perfNowOnly: () =>
    ((_id: number, _p: bigint, _out: number) => (performance.now() > 0 ? 0 : 1)) as never,
  hrtimeBigintOnly: () =>
    ((_id: number, _p: bigint, _out: number) => (process.hrtime.bigint() > 0n ? 0 : 1)) as never,
  libcShimBigint: (m) => shimImport(m, false, false),
  libcShim: (m) => shimImport(m, true, false),
  libcShimAsyncifyWrap: (m) => shimImport(m, true, true),
  adapterNoop: () => adapter(() => 0),
  ideal: (m) => {
    let dv: DataView | null = null;
    let buf: ArrayBuffer | null = null;
    return ((_id: number, _p: bigint, out: number) => {
      if (buf === null || buf.byteLength === 0) {
        buf = m().buffer as ArrayBuffer;
        dv = new DataView(buf);
      }
      const n = Math.floor((performance.now() - p0) * 1e6);
      dv!.setUint32(out, n >>> 0, true);
      dv!.setUint32(out + 4, (n / 4294967296) >>> 0, true);
      return 0;
    }) as never;
  },
  idealAdapter: (m) => {
    let dv: DataView | null = null;
    let buf: ArrayBuffer | null = null;
    return adapter((_id: number, out: number) => {
      if (buf === null || buf.byteLength === 0) {
        buf = m().buffer as ArrayBuffer;
        dv = new DataView(buf);
      }
      const n = Math.floor((performance.now() - p0) * 1e6);
      dv!.setUint32(out, n >>> 0, true);
      dv!.setUint32(out + 4, (n / 4294967296) >>> 0, true);
      return 0;
    });
  },
};
const only = process.env.ONLY?.split(',');
const res: Record<string, number> = {};
for (const [name, make] of Object.entries(variants)) {
  if (only && !only.includes(name)) continue;
  run(make, N);
  const full: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < 5; i++) {
    empty.push(run(make, 0));
    full.push(run(make, N));
  }
  res[name] = Math.round(((median(full) - median(empty)) * 1e6) / N);
}
console.log(res);
