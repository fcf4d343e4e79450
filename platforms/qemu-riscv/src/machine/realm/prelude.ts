// The code a guest realm runs before the image: placeholders for absent host globals, a Date and
// Math.random that wait for a kernel library, and the `provide` door libraries install globals through.
import { ABSENT_GLOBALS, GUEST_CLOCK_HINT, GUEST_RANDOM_HINT } from './absent';

/** Well-known symbol of the realm's install door (`globalThis[REALM_KEY].provide(name, value)`). */
export const REALM_KEY = 'runikraft.realm';

/**
 * Source evaluated inside a fresh realm. Written as plain ES2022 (no imports, no helpers) because it
 * runs there, not here; every object it creates belongs to the guest realm.
 */
export const PRELUDE_SOURCE = `'use strict';
(() => {
  const G = globalThis;
  const def = Object.defineProperty;
  const absent = ${JSON.stringify(ABSENT_GLOBALS)};
  const missing = (name, hint) => new ReferenceError(name + ' is not available in the guest: ' + hint);
  const value = (o, k, v) => def(o, k, { value: v, writable: true, configurable: true, enumerable: false });
  for (const name of Object.keys(absent)) {
    def(G, name, {
      configurable: true,
      enumerable: false,
      get() { throw missing(name, absent[name]); },
      set(v) { value(G, name, v); },
    });
  }
  const IntrinsicDate = Date;
  let nowSource = null;
  const clock = () => {
    if (nowSource === null) throw missing('Date.now', ${JSON.stringify(GUEST_CLOCK_HINT)});
    return nowSource();
  };
  function GuestDate(...args) {
    if (new.target === undefined) return new IntrinsicDate(clock()).toString();
    return Reflect.construct(IntrinsicDate, args.length === 0 ? [clock()] : args, new.target);
  }
  def(GuestDate, 'name', { value: 'Date' });
  def(GuestDate, 'length', { value: 7 });
  GuestDate.prototype = IntrinsicDate.prototype;
  value(IntrinsicDate.prototype, 'constructor', GuestDate);
  value(GuestDate, 'UTC', IntrinsicDate.UTC);
  value(GuestDate, 'parse', IntrinsicDate.parse);
  value(GuestDate, 'now', function now() { return clock(); });
  value(G, 'Date', GuestDate);
  let randomSource = null;
  value(Math, 'random', function random() {
    if (randomSource === null) throw missing('Math.random', ${JSON.stringify(GUEST_RANDOM_HINT)});
    return randomSource();
  });
  const provide = (name, v) => {
    if (typeof name !== 'string') throw new TypeError('provide: the global name must be a string');
    if (name === 'Date.now' || name === 'Math.random') {
      if (typeof v !== 'function') throw new TypeError('provide: ' + name + ' needs a function');
      if (name === 'Date.now') nowSource = v;
      else randomSource = v;
      return;
    }
    value(G, name, v);
  };
  def(G, Symbol.for(${JSON.stringify(REALM_KEY)}), { value: Object.freeze({ provide }) });
})();
`;
