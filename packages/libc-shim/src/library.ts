// The libc-shim library: registers the `libc` API, which runs wasm32-wasi programs on the composed
// kernel — vfscore for files (fds 0–2 are the console devfs opened), rktime's clocks, rkswrand,
// rksched for yield and sleep, and the default allocator accounting the program's linear memory.

import type { RkAlloc } from '@runikraft/rkalloc';
import { defineLibrary, type RkParamSpecs, type RkRegistry } from '@runikraft/rkboot';
// The registry's typing of the APIs this library uses grows from these packages' declarations.
import type {} from '@runikraft/rknet';
import type {} from '@runikraft/rksched';
import type {} from '@runikraft/rkswrand';
import type {} from '@runikraft/rktime';
import { chooseBuild, type WasiProgramSource } from './builds';
import {
  type RunWasiOptions,
  runWasi,
  type WasiMemoryAccount,
  type WasiRunResult,
  type WasiSuspend,
} from './process';
import { LibcPrograms, type RkLibcJob, runReported, type SpawnOptions } from './programs';
import { type WasiKernel, type WasiNet, wasiProcess } from './wasi/kernel';
import { parseListen } from './wasi/sockets';

export const LIBC_PARAMS = {
  env: {
    type: 'string',
    default: '',
    doc: "the program's environment: NAME=value pairs separated by spaces",
  },
  memory_max: {
    type: 'number',
    default: 0,
    min: 0,
    integer: true,
    doc: 'most bytes of linear memory a program may have (0: what the allocator can grant)',
  },
  preopens: {
    type: 'string',
    default: '/',
    doc: 'directories handed to programs as preopens, separated by commas',
  },
  suspend: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'asyncify', 'jspi'],
    doc: "how blocking calls suspend a program: the engine's stack switching (jspi), binaryen's asyncify, or auto (jspi where the engine has it)",
  },
  preempt_ms: {
    type: 'number',
    default: 1,
    min: 0,
    doc: 'how often a program busy with import calls reaches a preemption point, ms (aimed at from its call rate; 0: never preempted, it keeps the CPU until it blocks)',
  },
  listen: {
    type: 'string',
    default: '',
    doc: 'sockets handed to programs at start (after the preopens), e.g. tcp:0.0.0.0:8080,udp:0.0.0.0:53',
  },
  start: {
    type: 'string',
    default: '',
    doc: "an image with several programs: the commands it starts, e.g. 'httpd 8080 & fetch http://127.0.0.1:8080/' (& does not wait, ; waits, | pipes one's stdout into the next one's stdin)",
  },
} as const satisfies RkParamSpecs;

/** The `libc` API. */
export interface RkLibc {
  /**
   * Runs a wasm32-wasi command to its exit. Throws RkWasiError for a bad program or a trap. Given
   * both builds of a program (what rk build embeds), it runs the one without asyncify when the
   * program suspends through JSPI, else the asyncified one.
   */
  run(program: WasiProgramSource, opts?: RunWasiOptions): Promise<WasiRunResult>;
  /**
   * What `rk build` generates for an app whose entry is a C/C++ program: runs it with the app's
   * argv, prints a bad program's error on the console and returns the exit status (a trap: 134,
   * as a shell reports SIGABRT; a program that could not start: 127).
   */
  main(program: WasiProgramSource, argv: readonly string[]): Promise<number>;
  /** Adds a named program (rk build's generated main does, for each of `runikraft.programs`). */
  define(name: string, program: WasiProgramSource): void;
  /** The names of the defined programs. */
  programs(): string[];
  /**
   * Starts a program (a defined name or its bytes) in a thread of its own, concurrent with the
   * caller. Throws RkError ENOENT for an unknown name.
   */
  spawn(program: string | WasiProgramSource, opts?: SpawnOptions): RkLibcJob;
  /**
   * What rk build generates for an image with several programs: runs the command after `--`
   * (argv[1…]: a program's name and arguments), else the command list of `libc.start`.
   */
  start(argv: readonly string[]): Promise<number>;
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    libc: RkLibc;
  }
}

const PAGE = 4096;
const CHUNK = 256; // pages per reservation: contiguous runs a fragmented heap can still give

/** Reserves guest RAM pages from `alloc` for a program's linear memory. */
export function allocatorAccount(alloc: RkAlloc, max: number): WasiMemoryAccount {
  const held: [number, number][] = [];
  return {
    available: () => Math.min(max > 0 ? max : Number.POSITIVE_INFINITY, alloc.pavailmem() * PAGE),
    charge(n) {
      let pages = Math.ceil(n / PAGE);
      while (pages > 0) {
        const take = Math.min(pages, CHUNK);
        const pa = alloc.palloc(take);
        if (!pa) return false;
        held.push([pa, take]);
        pages -= take;
      }
      return true;
    },
    release() {
      for (const [pa, n] of held.splice(0)) alloc.pfree(pa, n);
    },
  };
}

export function createLibc(
  registry: RkRegistry,
  params: {
    env: string;
    memory_max: number;
    preopens: string;
    suspend: string;
    preempt_ms?: number;
    listen: string;
    start?: string;
  },
): RkLibc {
  const vfs = registry.get('vfscore');
  const sched = registry.get('rksched');
  const clocks = registry.get('rktime').clocks;
  const rand = registry.get('rkswrand');
  const alloc = registry.get('rkalloc').default;
  const kernel: WasiKernel = {
    vfs,
    sched,
    clockNs: (id) => {
      if (id === 0) return clocks.realtimeNs();
      const v = clocks.nowNs(id as 0 | 1 | 2 | 3);
      return v < 0 ? null : BigInt(Math.round(v));
    },
    clockNowNs: (id) => (id >= 1 && id <= 3 ? clocks.nowNs(id as 1 | 2 | 3) : -1),
    clockResNs: BigInt(Math.max(1, Math.round((clocks.getres(1) as { nsec: number }).nsec))),
    random: (b) => {
      rand.getrandom(b);
    },
    yield: () => sched.yield(),
    sleepNs: (ns) => sched.sleep(ns),
    // rknet is optional: asked for at the first socket call, so its init order does not matter.
    net: (): WasiNet | null => {
      const stack = registry.tryGet('rknet');
      return stack
        ? {
            socket: (d, t, p) => stack.socket(d, t, p),
            resolve: (name) => stack.resolve(name),
          }
        : null;
    },
  };
  const listen = parseListen(params.listen);
  const env = params.env.split(' ').filter(Boolean);
  const preopens = params.preopens
    .split(',')
    .filter(Boolean)
    .map((p) => [p, p] as const);
  const run = async (program: WasiProgramSource, opts: RunWasiOptions = {}) => {
    const { bytes, suspend } = await chooseBuild(
      program,
      opts.suspend ?? (params.suspend as WasiSuspend),
    );
    return runWasi(
      kernel,
      bytes,
      { env, preopens, listen, preemptMs: params.preempt_ms ?? 1, ...opts, suspend },
      allocatorAccount(alloc, params.memory_max),
    );
  };
  const print = (text: string) => {
    registry.get('rkplat').console.out(text);
  };
  const programs = new LibcPrograms({
    run,
    sched,
    print,
    env,
    start: params.start ?? '',
    process: (args, penv) => wasiProcess(kernel, args, penv),
  });
  return {
    run,
    main: (program, argv) => runReported({ run, print }, program, { args: [...argv] }),
    define: (name, program) => programs.define(name, program),
    programs: () => programs.names(),
    spawn: (program, opts) => programs.spawn(program, opts),
    start: (argv) => programs.main(argv),
  };
}

export const library = defineLibrary({
  name: 'libc-shim',
  version: '0.1.0',
  provides: ['libc'],
  requires: ['vfscore', 'rksched', 'rktime', 'rkswrand', 'rkalloc'],
  initLevel: 'sys',
  paramPrefix: 'libc',
  params: LIBC_PARAMS,
  init({ registry, params }) {
    registry.provide('libc', createLibc(registry, params));
  },
});
