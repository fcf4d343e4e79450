// Builds C (and C++) sources into a wasm32-wasi command the unikernel can run: Debian's clang/lld
// with wasi-libc, then binaryen's asyncify so blocking libc calls can suspend the program. Facts
// and pitfalls in TOOLCHAIN.md: a clean sysroot keeps host glibc headers out; objects are compiled
// with -O2 but linked without -O, because clang would run wasm-opt itself and strip what asyncify
// needs. Outputs are cached by the hash of inputs and flags.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { RkUsageError } from './errors';
import { type RustSysroot, rustcBin, rustSysroot } from './rust-std';

/**
 * The imports that can block (everything the kernel answers asynchronously): preview1's, and
 * WasmEdge's socket extension that libc-shim provides in the same namespace.
 */
export const WASI_BLOCKING_IMPORTS = [
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'sched_yield',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_open',
  'sock_connect',
  'sock_recv_from',
  'sock_send_to',
  'sock_getaddrinfo',
];

/** The WASIX calls libc-shim provides (namespace wasix_32v1) that can block. */
export const WASIX_BLOCKING_IMPORTS = ['epoll_wait'];

/**
 * Imports libc-shim answers at once that rk build instruments all the same, so that under asyncify
 * a loop of clock_gettime or getrandom calls reaches libc-shim's preemption points too (measured on
 * SQLite: +0.08 % size, no CPU change; BENCHMARKS.md).
 */
export const WASI_PREEMPT_IMPORTS = ['clock_time_get', 'random_get'];

/**
 * The custom section rk build adds to an asyncified program: the imports asyncify instrumented, as
 * `module.name` joined by commas (binaryen's asyncify-imports syntax, without wildcards). libc-shim
 * preempts an asyncified program at exactly those; a program without the section (a prebuilt .wasm
 * asyncified elsewhere) only at the imports that can block, since unwinding from a call site
 * asyncify did not instrument would re-run its caller.
 */
export const ASYNCIFY_IMPORTS_SECTION = 'rk-asyncify-imports';

/** binaryen's asyncify-imports list: every import that can suspend the program. */
function asyncifyImports(): string {
  return [
    ...[...WASI_BLOCKING_IMPORTS, ...WASI_PREEMPT_IMPORTS].map(
      (n) => `wasi_snapshot_preview1.${n}`,
    ),
    ...WASIX_BLOCKING_IMPORTS.map((n) => `wasix_32v1.${n}`),
  ].join(',');
}

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    out.push((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    v >>>= 7;
  } while (v !== 0);
  return out;
};

/** Appends the {@link ASYNCIFY_IMPORTS_SECTION} custom section naming `imports` to the module at `path`. */
function markAsyncified(path: string, imports: string): void {
  const name = Buffer.from(ASYNCIFY_IMPORTS_SECTION);
  const body = Buffer.concat([Buffer.from(uleb(name.length)), name, Buffer.from(imports)]);
  const section = Buffer.concat([Buffer.from([0, ...uleb(body.length)]), body]);
  writeFileSync(path, Buffer.concat([readFileSync(path), section]));
}

/** libc-shim's headers (in its c/include): a change to one rebuilds the programs. */
const SHIM_HEADERS = ['sys/socket.h', 'netdb.h', 'unistd.h', 'sys/epoll.h', 'fcntl.h', 'limits.h'];

export interface WasmBuildOptions {
  /**
   * C or C++ source files (by extension: .c → clang, .cc/.cpp/.cxx → clang++), or one Rust crate
   * root (.rs → Debian's rustc with Runikraft's wasm32-wasi std, whose std::net reaches libc-shim's
   * socket extension: rust-std.ts).
   */
  sources: string[];
  /** Extra compiler flags (defines, includes, -O level; default -O2). */
  cflags?: string[];
  /** Extra linker flags (e.g. -lwasi-emulated-signal). */
  ldflags?: string[];
  /** Apply asyncify (default true: the unikernel needs it for blocking calls). */
  asyncify?: boolean;
  /** Cache directory (default $TMPDIR/runikraft-wasm-cache). */
  cacheDir?: string;
  /** Directory the compiler runs in (relative -I paths in cflags resolve against it). */
  cwd?: string;
  /**
   * libc-shim's C side for C/C++ programs: a directory put first on the include path (its
   * <sys/socket.h> and <netdb.h> declare the BSD socket calls wasi-libc lacks) and sources linked
   * into every program (their implementation). Ignored for Rust.
   */
  shim?: { include: string; sources: string[] };
}

const tool = (name: string, pkg: string): string => {
  for (const dir of ['/usr/bin', '/usr/local/bin'])
    if (existsSync(join(dir, name))) return join(dir, name);
  throw new RkUsageError(
    `rk: ${name} not found: install the Debian package ${pkg} (apt-get install -y ${pkg})`,
  );
};

function sysroot(cache: string): string {
  const root = join(cache, 'sysroot');
  if (!existsSync(join(root, 'lib', 'wasm32-wasi'))) {
    if (!existsSync('/usr/lib/wasm32-wasi/libc.a'))
      throw new RkUsageError(
        'rk: wasi-libc not found: apt-get install -y wasi-libc libclang-rt-14-dev-wasm32',
      );
    mkdirSync(join(root, 'lib'), { recursive: true });
    if (!existsSync(join(root, 'include')))
      symlinkSync('/usr/include/wasm32-wasi', join(root, 'include'));
    symlinkSync('/usr/lib/wasm32-wasi', join(root, 'lib', 'wasm32-wasi'));
  }
  return root;
}

function run(cmd: string, args: string[], what: string, cwd?: string): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer };
    const out = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`.trim();
    throw new RkUsageError(`rk: ${what} failed:\n${out}`);
  }
}

/**
 * libc-shim's asyncify save area, reserved in the program's bss and exported with its size: memory
 * grown outside the program would be claimed by wasi-libc's malloc, which takes all memory present
 * when it starts (see libc-shim's AsyncifyRunner.attach).
 */
const AREA_BYTES = 1 << 20;
function areaObject(root: string, work: string): { obj: string; exports: string[] } {
  const c = join(work, 'rk-asyncify-area.c');
  writeFileSync(
    c,
    `__attribute__((used, aligned(16))) char __rk_asyncify_area[${AREA_BYTES}];\n` +
      `__attribute__((used)) const unsigned __rk_asyncify_area_size = ${AREA_BYTES};\n`,
  );
  const obj = join(work, 'rk-asyncify-area.o');
  run(
    tool('clang', 'clang'),
    ['--target=wasm32-wasi', `--sysroot=${root}`, '-O2', '-c', c, '-o', obj],
    'compiling the asyncify save area',
  );
  return { obj, exports: ['--export=__rk_asyncify_area', '--export=__rk_asyncify_area_size'] };
}

const isCxx = (opts: WasmBuildOptions): boolean =>
  opts.sources.some((s) => /\.(cc|cpp|cxx)$/.test(s));

/** Compiles C/C++ sources (and the shim's C). @returns the object files. */
function compileC(opts: WasmBuildOptions, root: string, work: string): string[] {
  const cflags = [...(opts.shim ? ['-I', opts.shim.include] : []), ...(opts.cflags ?? [])];
  const cxx = isCxx(opts);
  const cc = tool(cxx ? 'clang++' : 'clang', 'clang');
  const base = ['--target=wasm32-wasi', `--sysroot=${root}`];
  // The shim's C sources are C whatever the program's language, with only the base flags.
  const shimObjs = (opts.shim?.sources ?? []).map((src, i) => {
    const o = join(work, `shim${i}-${basename(src)}.o`);
    const inc = ['-I', opts.shim!.include];
    run(tool('clang', 'clang'), [...base, '-O2', ...inc, '-c', src, '-o', o], `compiling ${src}`);
    return o;
  });
  const objs = opts.sources.map((src, i) => {
    const o = join(work, `${i}-${basename(src)}.o`);
    const opt = cflags.some((f) => /^-O/.test(f)) ? [] : ['-O2'];
    // libc++ for wasm32-wasi is built without exception support (TOOLCHAIN.md).
    if (cxx && !cflags.includes('-fno-exceptions')) opt.push('-fno-exceptions');
    run(
      cc,
      [...base, ...opt, ...cflags, '-c', resolve(src), '-o', o],
      `compiling ${src}`,
      opts.cwd,
    );
    return o;
  });
  return [...objs, ...shimObjs];
}

/** Links compiled objects with wasi-libc into `raw`. */
function linkC(
  opts: WasmBuildOptions,
  root: string,
  objs: string[],
  raw: string,
  area: string[],
): void {
  const cc = tool(isCxx(opts) ? 'clang++' : 'clang', 'clang');
  const base = ['--target=wasm32-wasi', `--sysroot=${root}`];
  run(cc, [...base, ...objs, ...area, ...(opts.ldflags ?? []), '-o', raw], 'linking', opts.cwd);
}

/** Builds the program; returns the path of the cached .wasm. */
export function buildWasm(opts: WasmBuildOptions): string {
  const asyncify = opts.asyncify ?? true;
  const out = build(opts, [asyncify])[0];
  return out!;
}

/** Both builds of a program, as {@link buildWasmBoth} returns them. */
export interface WasmBuilds {
  /** Transformed by asyncify: runs with either suspension mechanism. */
  asyncified: string;
  /** Without asyncify: for JSPI only, about 30% smaller and several times faster. */
  plain: string;
}

/**
 * Builds the program with and without asyncify (`opts.asyncify` is ignored), compiling its sources
 * once; returns the paths of the two cached .wasm files.
 */
export function buildWasmBoth(opts: WasmBuildOptions): WasmBuilds {
  const [asyncified, plain] = build(opts, [true, false]);
  return { asyncified: asyncified!, plain: plain! };
}

function cacheKey(opts: WasmBuildOptions, asyncify: boolean, rust: RustSysroot | null): string {
  const h = createHash('sha256');
  if (rust) h.update(`rust-sysroot ${rust.key}`);
  h.update(
    JSON.stringify({
      cflags: opts.cflags ?? [],
      ldflags: opts.ldflags ?? [],
      asyncify,
      cwd: opts.cwd ?? '',
      v: 5,
    }),
  );
  h.update(asyncifyImports());
  for (const s of opts.sources) h.update(readFileSync(s));
  if (opts.shim && !opts.sources[0]?.endsWith('.rs')) {
    h.update(opts.shim.include);
    for (const f of SHIM_HEADERS) {
      const p = join(opts.shim.include, f);
      if (existsSync(p)) h.update(readFileSync(p));
    }
    for (const s of opts.shim.sources) h.update(readFileSync(s));
  }
  return h.digest('hex').slice(0, 24);
}

/** Builds the program once per entry of `variants` (asyncify or not), sharing the compiled objects. */
function build(opts: WasmBuildOptions, variants: boolean[]): string[] {
  const cache = opts.cacheDir ?? join(tmpdir(), 'runikraft-wasm-cache');
  mkdirSync(cache, { recursive: true });
  const rust = opts.sources[0]?.endsWith('.rs') ? rustSysroot(cache) : null;
  const outs = variants.map((a) => join(cache, `${cacheKey(opts, a, rust)}.wasm`));
  const missing = variants.filter((_, i) => !existsSync(outs[i]!));
  if (missing.length === 0) return outs;
  const root = sysroot(cache);
  const work = join(cache, `${basename(outs[0]!, '.wasm')}.work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const objs = rust ? null : compileC(opts, root, work);
    variants.forEach((asyncify, i) => {
      if (existsSync(outs[i]!)) return;
      const raw = join(work, `raw-${i}.wasm`);
      const area = asyncify ? areaObject(root, work) : null;
      const areaArgs = area ? [area.obj, ...area.exports.map((e) => `-Wl,${e}`)] : [];
      if (objs) linkC(opts, root, objs, raw, areaArgs);
      else rustc(opts, rust!, raw, area);
      const tmp = join(work, `out-${i}.wasm`);
      if (asyncify) {
        const imports = asyncifyImports();
        run(
          tool('wasm-opt', 'binaryen'),
          [raw, '--asyncify', `--pass-arg=asyncify-imports@${imports}`, '-O2', '-o', tmp],
          'wasm-opt --asyncify',
        );
        markAsyncified(tmp, imports);
      } else renameSync(raw, tmp);
      renameSync(tmp, outs[i]!);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return outs;
}

/**
 * Debian's rustc builds and links a crate root into `raw` against Runikraft's std (`rust`), with the
 * save area's object, if any.
 */
function rustc(
  opts: WasmBuildOptions,
  rust: RustSysroot,
  raw: string,
  area: { obj: string; exports: string[] } | null,
): void {
  const cflags = opts.cflags ?? [];
  const opt = cflags.length > 0 ? cflags : ['-O'];
  // rustc alone defaults to edition 2015; a Rust program written today (cargo new) is 2021.
  const edition = cflags.some((f) => f.startsWith('--edition')) ? [] : ['--edition', '2021'];
  run(
    rustcBin(),
    [
      '--target',
      'wasm32-wasi',
      '--sysroot',
      rust.dir,
      ...edition,
      ...opt,
      ...(area ? [area.obj, ...area.exports].flatMap((a) => ['-C', `link-arg=${a}`]) : []),
      resolve(opts.sources[0]!),
      '-o',
      raw,
    ],
    'rustc',
    opts.cwd,
  );
}
