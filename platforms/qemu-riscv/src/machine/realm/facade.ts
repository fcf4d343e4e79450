// The frozen hart facade a guest image receives: exactly the Hart contract's members (isa/hart.ts),
// built inside the guest realm so no host object, prototype or Function constructor is reachable.
import type { Hart } from '../../isa/hart';

/** How the facade forwards one member: a value, a call of 1 or 2 numbers, or a special shape. */
export type FacadeKind = 'value' | 'ram' | 'call1' | 'call2' | 'ecall' | 'wfi' | 'poll';

/**
 * Every member of the {@link Hart} contract and how the facade forwards it. The type makes the list
 * complete and exact: a member added to `Hart` (say a secondary-hart entry) must be added here.
 */
export const HART_FACADE_MEMBERS: Readonly<Record<keyof Hart, FacadeKind>> = {
  hartid: 'value',
  mode: 'value',
  ram: 'ram',
  load8: 'call1',
  load16: 'call1',
  load32: 'call1',
  load64: 'call1',
  store8: 'call2',
  store16: 'call2',
  store32: 'call2',
  store64: 'call2',
  csrr: 'call1',
  csrw: 'call2',
  csrs: 'call2',
  csrc: 'call2',
  ecall: 'ecall',
  wfi: 'wfi',
  poll: 'poll',
  setTrapVector: 'call1',
};

/**
 * One forwarding function per call1/call2 member, each its own creation site: closures made at one
 * site share V8's feedback, so a shared `h[k](a)` was a megamorphic load and call that V8 would not
 * inline on the hot paths (the time CSR on every clock_gettime, MMIO loads and stores).
 */
const DIRECT = Object.entries(HART_FACADE_MEMBERS)
  .filter(([, kind]) => kind === 'call1' || kind === 'call2')
  .map(([k, kind]) =>
    kind === 'call1'
      ? `    ${k}: (h) => function (a) { try { return h.${k}(a); } catch (e) { throw toGuest(e); } },`
      : `    ${k}: (h) => function (a, b) { try { return h.${k}(a, b); } catch (e) { throw toGuest(e); } },`,
  )
  .join('\n');

/**
 * Source of a guest-realm function `(members) => (hart, ram) => facade`. Host errors become guest
 * errors with the same name, message, stack and `reason` (HartStopped, TrapPanic keep their names);
 * host promises become guest promises; SBI results are copied.
 */
export const FACADE_SOURCE = `'use strict';
(members) => {
  const isGuest = (e) => e instanceof Error;
  const toGuest = (e) => {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function') || isGuest(e)) return e;
    // No stack of its own (redefining it would format it: the guest frames are source-mapped,
    // which decodes the image's whole map, tens of ms at every power-off's HartStopped), and the
    // host's is formatted when read. The getter reaches only the string, never the host error.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const g = new Error(String(e.message));
    Error.stackTraceLimit = limit;
    def(g, 'name', String(e.name));
    let stack;
    Object.defineProperty(g, 'stack', {
      get() { return (stack ??= String(e.stack)); },
      set(v) { stack = v; },
      configurable: true,
    });
    if (typeof e.reason === 'string') def(g, 'reason', e.reason);
    return g;
  };
  function def(o, k, v) { Object.defineProperty(o, k, { value: v, writable: true, configurable: true }); }
  const named = (f, name) => Object.defineProperty(f, 'name', { value: name });
  const make = {
    call1: (h, k) => function (a) { try { return h[k](a); } catch (e) { throw toGuest(e); } },
    call2: (h, k) => function (a, b) { try { return h[k](a, b); } catch (e) { throw toGuest(e); } },
    ecall: (h) => function (eid, fid, ...args) {
      let r;
      try { r = h.ecall(eid, fid, ...args); } catch (e) { throw toGuest(e); }
      return { error: r.error, value: r.value };
    },
    wfi: (h) => function () {
      let p;
      try { p = h.wfi(); } catch (e) { throw toGuest(e); }
      return new Promise((res, rej) => { p.then(() => res(), (e) => rej(toGuest(e))); });
    },
    poll: (h) => function () {
      let p;
      try { p = h.poll(); } catch (e) { throw toGuest(e); }
      if (p === null) return null;
      return new Promise((res, rej) => { p.then(() => res(), (e) => rej(toGuest(e))); });
    },
  };
  const direct = {
${DIRECT}
  };
  return (h, ram) => {
    const f = Object.create(null);
    for (const k of Object.keys(members)) {
      const kind = members[k];
      if (kind === 'value') f[k] = h[k];
      else if (kind === 'ram') f[k] = ram;
      else f[k] = named((direct[k] ?? make[kind])(h, k), k);
    }
    return Object.freeze(f);
  };
}
`;
