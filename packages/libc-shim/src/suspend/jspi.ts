// Blocking calls through the engine's stack switching (JS Promise Integration, V8 11.3's API behind
// Node 20's --experimental-wasm-stack-switching): an import that must wait returns a Promise and the
// engine suspends the program's whole wasm stack until it settles — no unwind and rewind through
// linear memory as asyncify does, and the program needs no asyncify pass.
//
// V8 11.3 passes the suspender explicitly: a `suspending` import takes it as its first (externref)
// parameter and a `promising` export receives it first. The program is not rewritten for that; two
// small modules are generated instead: trampolines that give each import its preview1 signature and
// add the suspender from a global, and an entry that stores the suspender there and calls _start.
// The Promises are the realm's own (the engine makes them where WebAssembly.Function lives), and a
// suspension resumes when the kernel settles the Promise, as with asyncify.

import { encodeUtf8 } from '../wasi/memory';
import type { WasmImport } from './asyncify';
import { ImportPreemption } from './preempt';

/** V8 11.3's type-reflection constructor with JSPI's options. */
type JspiFunction = new (
  type: WebAssembly.FunctionType,
  fn: (...a: never[]) => unknown,
  opts: { suspending?: 'first'; promising?: 'first' },
) => (...a: unknown[]) => unknown;

const jspiFunction = (): JspiFunction | undefined =>
  (WebAssembly as unknown as { Function?: JspiFunction }).Function;

let probed: boolean | undefined;

/** Whether this engine has JSPI (checked once by building a suspending function). */
export function hasJspi(): boolean {
  if (probed !== undefined) return probed;
  const F = jspiFunction();
  probed = false;
  if (typeof F !== 'function') return false;
  try {
    new F({ parameters: ['externref'], results: [] }, () => undefined, { suspending: 'first' });
    probed = true;
  } catch {
    // a WebAssembly.Function without JSPI (type reflection alone)
  }
  return probed;
}

const VALTYPE: Record<WebAssembly.ValueType, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
};

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const str = (s: string): number[] => {
  const b = [...encodeUtf8(s)];
  return [...uleb(b.length), ...b];
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const functype = (params: WebAssembly.ValueType[], results: WebAssembly.ValueType[]): number[] => [
  0x60,
  ...vec(params.map((t) => [VALTYPE[t]])),
  ...vec(results.map((t) => [VALTYPE[t]])),
];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** Import of the suspender global: module "g", name "s", mutable externref. */
const SUSPENDER_IMPORT = [1, 0x67, 1, 0x73, 0x03, 0x6f, 0x01];
const GLOBAL_GET = 0x23;
const GLOBAL_SET = 0x24;
const LOCAL_GET = 0x20;
const CALL = 0x10;
const END = 0x0b;

export interface JspiImport {
  name: string;
  type: WebAssembly.FunctionType;
}

/**
 * A module importing `f.<name>` with type (externref, P) → R for each import and exporting `<name>`
 * with type P → R, which calls it with the suspender from global `g.s`.
 */
export function trampolineModule(imports: readonly JspiImport[]): Uint8Array {
  const n = imports.length;
  const types = imports.flatMap((i) => [
    functype(['externref', ...i.type.parameters], i.type.results),
    functype(i.type.parameters, i.type.results),
  ]);
  const imps = [
    SUSPENDER_IMPORT,
    ...imports.map((i, k) => [...str('f'), ...str(i.name), 0x00, ...uleb(2 * k)]),
  ];
  const funcs = imports.map((_, k) => uleb(2 * k + 1));
  const exps = imports.map((i, k) => [...str(i.name), 0x00, ...uleb(n + k)]);
  const code = imports.map((i, k) => {
    const body = [
      0x00, // no locals
      GLOBAL_GET,
      0x00,
      ...i.type.parameters.flatMap((_, p) => [LOCAL_GET, ...uleb(p)]),
      CALL,
      ...uleb(k),
      END,
    ];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec(types)),
    ...section(2, vec(imps)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exps)),
    ...section(10, vec(code)),
  ]);
}

/** A module importing `p.start` () → () and exporting `start` (externref) → (): sets `g.s`, calls it. */
export function entryModule(): Uint8Array {
  const body = [0x00, LOCAL_GET, 0x00, GLOBAL_SET, 0x00, CALL, 0x00, END];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([functype([], []), functype(['externref'], [])])),
    ...section(2, vec([SUSPENDER_IMPORT, [...str('p'), ...str('start'), 0x00, 0x00]])),
    ...section(3, vec([[0x01]])),
    ...section(7, vec([[...str('start'), 0x00, 0x01]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

const isThenable = (r: unknown): boolean =>
  r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function';

export class JspiRunner {
  private readonly F: JspiFunction;
  private readonly suspender = new WebAssembly.Global({ value: 'externref', mutable: true }, null);
  /** Suspensions so far for blocking calls (imports that returned a Promise). */
  suspensions = 0;
  /** Preemption at import calls (default: never): every import is a suspending one, so every call counts. */
  preempt = new ImportPreemption(null, 0);

  constructor() {
    const F = jspiFunction();
    if (!F || !hasJspi()) throw new Error('this engine has no JS Promise Integration');
    this.F = F;
  }

  /**
   * The import namespace for the program: `js[name]` behind a suspending function and a trampoline
   * with the program's own signature for each import the program declares (`types`).
   */
  link(types: readonly JspiImport[], js: Record<string, WasmImport>): Record<string, unknown> {
    const f: Record<string, unknown> = {};
    for (const { name, type } of types) {
      const fn = js[name]!;
      f[name] = new this.F(
        { parameters: ['externref', ...type.parameters], results: type.results },
        type.parameters.length <= 9
          ? // Fixed parameters as in WasiPreview1.imports: no rest array per call.
            (
              a: never,
              b: never,
              c: never,
              d: never,
              e: never,
              f: never,
              g: never,
              h: never,
              i: never,
            ) => this.counted(fn(a, b, c, d, e, f, g, h, i))
          : (...a: never[]) => this.counted(fn(...a)),
        { suspending: 'first' },
      );
    }
    const t = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule(types)), {
      g: { s: this.suspender },
      f,
    });
    return t.exports;
  }

  /** Counts `r` as a suspension when it is a Promise; a synchronous result counts down to a preemption point. */
  private counted(r: unknown): unknown {
    if (r !== null && typeof r === 'object') {
      if (isThenable(r)) this.suspensions++;
      return r;
    }
    if (--this.preempt.left > 0) return r;
    return this.preempt.due(r);
  }

  /** Runs export `start` (() → ()) to completion, suspending whenever an import waits. */
  async call(start: unknown): Promise<unknown> {
    const entry = new WebAssembly.Instance(new WebAssembly.Module(entryModule()), {
      g: { s: this.suspender },
      p: { start },
    });
    const run = new this.F(
      { parameters: [], results: ['externref'] },
      entry.exports.start as (...a: never[]) => unknown,
      { promising: 'first' },
    );
    return await run();
  }
}
