// A guest realm: a node:vm context holding only the ECMAScript intrinsics (+ WebAssembly) and what
// composed kernel libraries install (DESIGN.md §2). Guest RAM and the hart facades are made in it.
// The context is not contextified (vm.constants.DONT_CONTEXTIFY): its global is an ordinary V8 global,
// so guest code reads `Promise`, `Math`, `Uint8Array` … through global property cells that V8 caches,
// instead of Node's C++ named-property interceptors on every lookup (4-8x per context switch).
import { type Context, constants, createContext, Script } from 'node:vm';
import type { GuestRam, Hart } from '../../isa/hart';
import { FACADE_SOURCE, HART_FACADE_MEMBERS } from './facade';
import { PRELUDE_SOURCE } from './prelude';

const prelude = new Script(PRELUDE_SOURCE, { filename: 'runikraft:realm-prelude.js' });
const facadeFactory = new Script(FACADE_SOURCE, { filename: 'runikraft:hart-facade.js' });
const facadeMembers = new Script(`(${JSON.stringify(HART_FACADE_MEMBERS)})`);
const sharedBufferMaker = new Script('(n) => new SharedArrayBuffer(n)');
const ramViewsMaker = new Script(
  `(buffer, base, size) => Object.freeze({ buffer, base, size,
    u8: new Uint8Array(buffer), view: new DataView(buffer) })`,
);

/**
 * Node ≥ 20.18 creates a vanilla (uncontextified) context for this constant; older Nodes lack it and
 * get the contextified global (same behaviour, slower global lookups).
 */
const VANILLA = constants.DONT_CONTEXTIFY ?? Object.create(null);

type FacadeMaker = (hart: Hart, ram: GuestRam) => Hart;

/** One guest realm: its global object, its RAM buffer and the facades of its harts. */
export class GuestRealm {
  /** The vm context: the guest's `globalThis` itself. */
  readonly context: Context;
  private readonly makeFacade: FacadeMaker;
  private readonly facades = new WeakMap<object, Hart>();
  private guestRam: GuestRam | null = null;

  constructor() {
    this.context = createContext(VANILLA, {
      name: 'runikraft guest',
      codeGeneration: { strings: true, wasm: true },
    });
    prelude.runInContext(this.context);
    const members = this.run<(m: unknown) => FacadeMaker>(facadeFactory);
    this.makeFacade = members(this.run(facadeMembers));
  }

  /** Evaluates `code` (source or a compiled script) in the realm. @returns its completion value. */
  run<T>(code: string | Script): T {
    const s = typeof code === 'string' ? new Script(code) : code;
    return s.runInContext(this.context) as T;
  }

  /** A SharedArrayBuffer of the realm (guest RAM lives in one, so guest views are guest objects). */
  sharedBuffer(size: number): SharedArrayBuffer {
    return this.run<(n: number) => SharedArrayBuffer>(sharedBufferMaker)(size);
  }

  /**
   * The frozen facade of `hart` (made once per hart object) with guest-realm views of `ram`, whose
   * buffer must come from {@link sharedBuffer}.
   */
  facade(hart: Hart, ram: GuestRam): Hart {
    let f = this.facades.get(hart);
    if (!f) {
      f = this.makeFacade(hart, this.ramViews(ram));
      this.facades.set(hart, f);
    }
    return f;
  }

  private ramViews(ram: GuestRam): GuestRam {
    if (!this.guestRam || this.guestRam.buffer !== ram.buffer) {
      const make =
        this.run<(b: SharedArrayBuffer, base: number, size: number) => GuestRam>(ramViewsMaker);
      this.guestRam = make(ram.buffer, ram.base, ram.size);
    }
    return this.guestRam;
  }
}
