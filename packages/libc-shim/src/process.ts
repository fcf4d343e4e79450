// Runs one wasm32-wasi program (a "command": it exports _start) on the kernel: validates it, bounds
// its memory by what the kernel grants, binds the preview1 imports, drives its blocking calls
// through the suspension layer and returns its exit status. A bad program is a precise
// RkWasiError, never a host crash.
import type { RkPosix } from '@runikraft/posix';
import { AsyncifyRunner, isAsyncified } from './suspend/asyncify';
import { hasJspi, type JspiImport, JspiRunner } from './suspend/jspi';
import { asyncifyMark, asyncifySuspends, ImportPreemption } from './suspend/preempt';
import { WASIX, WASIX_NAMES } from './wasi/fds-ext';
import type { WasiKernel } from './wasi/kernel';
import { LinearMemory } from './wasi/memory';
import { PREVIEW1_NAMES, WasiExit, WasiPreview1, type WasiProcessConfig } from './wasi/preview1';
import { SOCKET_EXT_NAMES } from './wasi/sockets-ext';
import { limitMemory, WasmFormatError } from './wasm/limits';

export const PREVIEW1 = 'wasi_snapshot_preview1';
const PAGE = 65536;

/** Why a program could not run, or how it ended other than by exiting. */
export class RkWasiError extends Error {
  constructor(
    readonly kind: 'format' | 'link' | 'trap' | 'memory',
    message: string,
  ) {
    super(message);
    this.name = 'RkWasiError';
  }
}

/**
 * How blocking calls suspend the program: `jspi` (the engine's stack switching), `asyncify` (the
 * program was transformed by binaryen's asyncify pass), or `auto` — JSPI where the engine has it,
 * else asyncify.
 */
export type WasiSuspend = 'auto' | 'asyncify' | 'jspi';

export interface RunWasiOptions extends Partial<WasiProcessConfig> {
  /** The most linear memory the program may have, in bytes (default: all the kernel grants). */
  memoryMax?: number;
  /** The suspension mechanism (default auto). */
  suspend?: WasiSuspend;
  /**
   * The program's POSIX process (default: a new one over the kernel). Descriptors 0–2 it already
   * has stay (a pipe as stdin); the others are duplicated from the kernel's. Closed at exit.
   */
  process?: RkPosix;
  /**
   * How long the program may compute between two preemption points, ms (default 1; 0: never
   * preempted). The points come at import calls (asyncify: the calls that can block), so the
   * scheduler can run other threads and a booted machine gets host turns while it computes.
   */
  preemptMs?: number;
}

/** The mechanism `want` resolves to on this engine. @throws RkWasiError when jspi is forced but absent. */
export function resolveSuspend(want: WasiSuspend = 'auto'): 'asyncify' | 'jspi' {
  if (want === 'asyncify') return 'asyncify';
  if (hasJspi()) return 'jspi';
  if (want === 'jspi')
    throw new RkWasiError(
      'link',
      'JSPI (stack switching) is not available in this engine: Node 20 needs --experimental-wasm-stack-switching (rk run passes it unless libc.suspend=asyncify)',
    );
  return 'asyncify';
}

/** How the kernel accounts the program's pages: charge as it grows, release at exit. */
export interface WasiMemoryAccount {
  /** Bytes the program may still take. */
  available(): number;
  /** Charges `bytes` more; false when the kernel cannot grant them. */
  charge(bytes: number): boolean;
  /** Returns everything charged. */
  release(): void;
}

export interface WasiRunResult {
  /** The exit status (proc_exit's code, or 0 when _start returned). */
  status: number;
  /** Times the program blocked (the runner suspended and resumed it). */
  suspensions: number;
  /** Times it was preempted at an import call (suspended while other threads or the host ran). */
  preemptions: number;
  /** The mechanism that suspended it. */
  suspend: 'asyncify' | 'jspi';
  /** Linear memory at exit, bytes. */
  memoryBytes: number;
}

/**
 * Compiles and checks a program: preview1 imports only, a `_start`, a memory, and the asyncify
 * exports unless it will run with JSPI.
 */
export async function loadWasi(
  bytes: Uint8Array,
  maxPages: number,
  suspend: 'asyncify' | 'jspi' = 'asyncify',
): Promise<WebAssembly.Module> {
  let limited: Uint8Array;
  try {
    limited = limitMemory(bytes, maxPages).bytes;
  } catch (e) {
    if (e instanceof WasmFormatError) throw new RkWasiError('format', e.message);
    throw e;
  }
  let mod: WebAssembly.Module;
  try {
    mod = await WebAssembly.compile(limited);
  } catch (e) {
    throw new RkWasiError('format', `the program failed validation: ${(e as Error).message}`);
  }
  const known: Record<string, ReadonlySet<string>> = {
    [PREVIEW1]: new Set<string>([...PREVIEW1_NAMES, ...SOCKET_EXT_NAMES]),
    [WASIX]: new Set<string>(WASIX_NAMES),
  };
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (!known[imp.module]?.has(imp.name) || imp.kind !== 'function')
      throw new RkWasiError(
        'link',
        `the program imports ${imp.kind} ${imp.module}.${imp.name}, which libc-shim does not provide (it provides the ${PREVIEW1} functions, WasmEdge's socket extension and WASIX's ${WASIX} ${WASIX_NAMES.join(', ')})`,
      );
  }
  const exps = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
  if (exps.get('_start') !== 'function')
    throw new RkWasiError('link', 'the program exports no _start function (is it a WASI command?)');
  if (exps.get('memory') !== 'memory')
    throw new RkWasiError('link', 'the program exports no memory');
  if (suspend === 'asyncify' && exps.get('asyncify_start_unwind') !== 'function')
    throw new RkWasiError(
      'link',
      'the program is not transformed for blocking calls: rk build applies `wasm-opt --asyncify`; for a prebuilt .wasm run `wasm-opt --asyncify --pass-arg=asyncify-imports@wasi_snapshot_preview1.* in.wasm -o out.wasm` (or run it with JSPI: libc.suspend=jspi)',
    );
  return mod;
}

/** Runs `program` to its exit. */
export async function runWasi(
  kernel: WasiKernel,
  program: Uint8Array | WebAssembly.Module,
  opts: RunWasiOptions = {},
  account?: WasiMemoryAccount,
): Promise<WasiRunResult> {
  const grant = Math.min(
    opts.memoryMax ?? Number.POSITIVE_INFINITY,
    account?.available() ?? 4 * 2 ** 30,
  );
  const suspend = resolveSuspend(opts.suspend);
  const runner = suspend === 'asyncify' ? new AsyncifyRunner() : new JspiRunner();
  const preemptMs = opts.preemptMs ?? 1;
  if (!(preemptMs >= 0))
    throw new RkWasiError('link', `preemptMs must be a number of ms >= 0, not ${preemptMs}`);
  runner.preempt = new ImportPreemption(kernel.sched, preemptMs * 1e6);
  // asyncify's save area comes out of the same grant.
  const saveArea = suspend === 'asyncify' ? Math.ceil(((1 << 20) + 8) / PAGE) : 0;
  const maxPages = Math.max(0, Math.floor(grant / PAGE) - saveArea);
  const mod =
    program instanceof WebAssembly.Module
      ? program
      : await loadWasi(program, Math.min(maxPages, 65536), suspend);
  const preopens = opts.preopens ?? [['/', '/']];
  const listen = opts.listen ?? [];
  // Preopened sockets follow the preopened directories (from fd 3); systemd's LISTEN_FDS names
  // how many there are and LISTEN_FDS_START (ours) the first one.
  const sockEnv =
    listen.length > 0
      ? [`LISTEN_FDS=${listen.length}`, `LISTEN_FDS_START=${3 + preopens.length}`]
      : [];
  const cfg = {
    args: opts.args ?? ['program'],
    env: [...(opts.env ?? []), ...sockEnv],
    preopens,
    listen,
  };
  const wasi = new WasiPreview1(kernel, cfg, opts.process);
  let memory: WebAssembly.Memory | null = null;
  let charged = 0;
  const chargeTo = (bytes: number): void => {
    if (!account || bytes <= charged) return;
    if (!account.charge(bytes - charged))
      throw new RkWasiError(
        'memory',
        `the kernel could not grant ${bytes - charged} more bytes of guest RAM for the program's memory`,
      );
    charged = bytes;
  };
  // The imports rk build instrumented (its mark), so that under asyncify those answered at once
  // (clock_time_get, random_get) are preemption points too; unmarked: the ones that can block.
  const marked = runner instanceof AsyncifyRunner ? asyncifyMark(mod) : null;
  const namespace = (module: string): Record<string, unknown> => {
    const js = wasi.imports(module);
    if (!(runner instanceof AsyncifyRunner)) return runner.link(importTypes(mod, module), js);
    const ns: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(js))
      ns[name] = runner.wrap(fn, asyncifySuspends(module, name, marked));
    return ns;
  };
  const imports: Record<string, Record<string, unknown>> = { [PREVIEW1]: namespace(PREVIEW1) };
  if (WebAssembly.Module.imports(mod).some((i) => i.module === WASIX))
    imports[WASIX] = namespace(WASIX);
  let inst: WebAssembly.Instance;
  try {
    inst = await WebAssembly.instantiate(mod, imports as WebAssembly.Imports);
  } catch (e) {
    throw new RkWasiError('link', `the program could not be instantiated: ${(e as Error).message}`);
  }
  memory = inst.exports.memory as WebAssembly.Memory;
  if (runner instanceof AsyncifyRunner) {
    if (!isAsyncified(inst.exports)) throw new RkWasiError('link', 'asyncify exports missing');
    try {
      runner.attach(inst.exports, memory);
    } catch (e) {
      throw new RkWasiError(
        'memory',
        `no memory for the blocking-call save area: ${(e as Error).message}`,
      );
    }
  }
  chargeTo(memory.buffer.byteLength);
  // Pages the program grew since the last call are charged before the call can use them.
  const linear = new LinearMemory(memory, chargeTo);
  if (runner instanceof AsyncifyRunner) runner.onGrow = () => linear.refresh();
  try {
    await wasi.start(linear);
  } catch (e) {
    await wasi.stop();
    account?.release();
    throw new RkWasiError('link', (e as Error).message);
  }
  let status = 0;
  try {
    await runner.call(inst.exports._start as () => unknown);
  } catch (e) {
    if (e instanceof WasiExit) status = e.code;
    else if (e instanceof WebAssembly.RuntimeError)
      throw new RkWasiError('trap', `the program trapped: ${e.message}`);
    else if (e instanceof RangeError && /stack/i.test(e.message))
      throw new RkWasiError('trap', `the program overflowed its stack: ${e.message}`);
    else throw e;
  } finally {
    await wasi.stop();
    account?.release();
  }
  return {
    status,
    suspensions: runner.suspensions,
    preemptions: runner.preempt.preemptions,
    memoryBytes: memory.buffer.byteLength,
    suspend,
  };
}

/** The program's function imports from `module` with their types (type reflection, present with JSPI). */
function importTypes(mod: WebAssembly.Module, module: string): JspiImport[] {
  return WebAssembly.Module.imports(mod)
    .filter((i) => i.module === module)
    .map((i) => {
      if (!i.type)
        throw new RkWasiError('link', `the engine does not report the type of ${i.name}`);
      return { name: i.name, type: i.type };
    });
}
