// The guest realm at run time (issue 8 §1): images see only ECMAScript intrinsics plus installed
// globals, and their entry gets a frozen hart facade with exactly the contract's members.
import { describe, expect, it } from 'vitest';
import { VIRT_TEST } from '../../src/isa/memmap';
import { ABSENT_GLOBALS, HART_FACADE_MEMBERS, loadImageSource, Machine } from '../../src/machine';

/** An image whose entry runs `body` (guest code, `hart` in scope), records its result, and powers off. */
function image(body: string) {
  return loadImageSource(
    `var RunikraftImage = { default: async (hart, a0, a1) => {
      try { globalThis.result = await (async () => { ${body} })(); }
      catch (e) { globalThis.result = { threw: String(e && e.message), name: e && e.name }; }
      hart.store32(${VIRT_TEST}, 0x5555);
    } };`,
    'test-image.js',
  );
}

async function run(body: string): Promise<any> {
  const m = new Machine({ bios: 'none', console: 'none', clock: 'virtual' });
  const exit = await m.boot(image(body));
  expect(exit).toEqual({ status: 0, reason: 'poweroff' });
  return (m.realm.context as { result?: unknown }).result;
}

describe('hart facade', () => {
  it('has exactly the contract members, is frozen and has no prototype', async () => {
    const r = await run(`return {
      keys: Reflect.ownKeys(hart).map(String).sort(),
      frozen: Object.isFrozen(hart),
      proto: Object.getPrototypeOf(hart),
      ramFrozen: Object.isFrozen(hart.ram),
    };`);
    expect(r.keys).toEqual(Object.keys(HART_FACADE_MEMBERS).sort());
    expect(r.frozen).toBe(true);
    expect(r.proto).toBe(null);
    expect(r.ramFrozen).toBe(true);
  });

  it('reaches no host internal, not through members, prototypes or constructors', async () => {
    const r = await run(`
      const seen = new Set(); const found = [];
      const walk = (o, path, depth) => {
        if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 4) return;
        if (ArrayBuffer.isView(o)) { walk(Object.getPrototypeOf(o), path + '.__proto__', depth + 1); return; }
        seen.add(o);
        for (const k of ['host', 'bus', 'setIrqLine', 'stop', 'clock', 'process', 'require'])
          if (k in o) found.push(path + '.' + k);
        for (const k of Reflect.ownKeys(o)) {
          const d = Reflect.getOwnPropertyDescriptor(o, k);
          if (d && 'value' in d) walk(d.value, path + '.' + String(k), depth + 1);
        }
        walk(Object.getPrototypeOf(o), path + '.__proto__', depth + 1);
      };
      walk(hart, 'hart', 0);
      // A Function constructor reached from the facade must be the guest's: its globalThis has the door.
      const GUEST = 'return Symbol.for("runikraft.realm") in globalThis';
      const viaFunction = hart.load8.constructor(GUEST)();
      const viaRam = hart.ram.u8.constructor.constructor(GUEST)();
      const viaBuffer = hart.ram.buffer.constructor.constructor(GUEST)();
      hart.setTrapVector(() => {}); // M-mode: ecall traps to the kernel, which ignores it here
      const sbi = hart.ecall(0x10, 0);
      const viaSbi = sbi.constructor.constructor(GUEST)();
      return { found, viaFunction, viaRam, viaBuffer, viaSbi };`);
    expect(r).toEqual({
      found: [],
      viaFunction: true,
      viaRam: true,
      viaBuffer: true,
      viaSbi: true,
    });
  });

  it('hands guest-realm RAM views, promises and errors', async () => {
    const r = await run(`
      const u8 = hart.ram.u8 instanceof Uint8Array, view = hart.ram.view instanceof DataView;
      const sab = hart.ram.buffer instanceof SharedArrayBuffer;
      hart.ram.u8[0x1000] = 0xab;
      const same = hart.load8(hart.ram.base + 0x1000);
      const p = hart.wfi.call(hart);
      return { u8, view, sab, same, promise: p instanceof Promise };`);
    expect(r).toEqual({ u8: true, view: true, sab: true, same: 0xab, promise: true });
  });

  it('a stopped hart throws HartStopped as a guest error', async () => {
    const m = new Machine({ bios: 'none', console: 'none', clock: 'virtual' });
    const img = loadImageSource(
      `var RunikraftImage = { default: (hart) => { globalThis.h = hart; hart.store32(${VIRT_TEST}, 0x5555); } };`,
    );
    await m.boot(img);
    const probe = (m.realm.context as { h: { load8(pa: number): number } }).h;
    const check = new (m.realm.run('Function') as FunctionConstructor)(
      'h',
      `try { h.load8(0x80000000); return 'no error'; }
       catch (e) { return [e instanceof Error, e.name,
         e.constructor.constructor('return Symbol.for("runikraft.realm") in globalThis')()]; }`,
    );
    expect(check(probe)).toEqual([true, 'HartStopped', true]);
  });

  it("a host error's stack is formatted only when the guest reads it", async () => {
    // Formatting frames runs the realm's Error.prepareStackTrace, which for an image with a source
    // map decodes the whole map: every power-off throws HartStopped through the guest, unread.
    const m = new Machine({ bios: 'none', console: 'none', clock: 'virtual' });
    const img = loadImageSource(
      `var RunikraftImage = { default: (hart) => { globalThis.h = hart; hart.store32(${VIRT_TEST}, 0x5555); } };`,
    );
    await m.boot(img);
    const probe = (m.realm.context as { h: { load8(pa: number): number } }).h;
    const check = new (m.realm.run('Function') as FunctionConstructor)(
      'h',
      `let formatted = 0;
       Error.prepareStackTrace = (e, frames) => { formatted += frames.length; return String(e) + ' (' + frames.length + ' frames)'; };
       try { h.load8(0x80000000); } catch (e) {
         const before = formatted;
         const stack = e.stack;
         e.stack = 'replaced';
         return [before, /HartStopped/.test(stack), e.stack];
       } finally { delete Error.prepareStackTrace; }`,
    );
    expect(check(probe)).toEqual([0, true, 'replaced']);
  });
});

describe('guest globals', () => {
  it('host globals are absent with an error naming the library that provides them', async () => {
    const r = await run(`
      const msg = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      return {
        setTimeout: msg(() => setTimeout(() => {}, 1)),
        process: msg(() => process.pid),
        require: msg(() => require('fs')),
        Buffer: msg(() => Buffer.from('x')),
        dateNow: msg(() => Date.now()),
        newDate: msg(() => new Date()),
        fixedDate: new Date(0).toISOString(),
        performance: msg(() => performance.now()),
        random: msg(() => Math.random()),
        crypto: msg(() => crypto.getRandomValues(new Uint8Array(4))),
        console: msg(() => console.log('x')),
        url: msg(() => new URL('http://a/')),
        params: msg(() => new URLSearchParams('a=1')),
      };`);
    expect(r.setTimeout).toBe(
      `ReferenceError: setTimeout is not available in the guest: ${ABSENT_GLOBALS.setTimeout}`,
    );
    expect(r.setTimeout).toContain('@runikraft/rksched');
    for (const g of ['process', 'require', 'Buffer'])
      expect(r[g]).toMatch(
        new RegExp(`^ReferenceError: ${g} is not available in the guest: it is a host`),
      );
    expect(r.dateNow).toBe(
      'ReferenceError: Date.now is not available in the guest: compose @runikraft/rktime to get the guest clock (RTC, mtime)',
    );
    expect(r.newDate).toBe(r.dateNow);
    expect(r.fixedDate).toBe('1970-01-01T00:00:00.000Z');
    expect(r.performance).toContain('compose @runikraft/rktime');
    expect(r.random).toContain('compose @runikraft/rkswrand');
    expect(r.crypto).toContain('compose @runikraft/rkswrand');
    expect(r.console).toContain('@runikraft/rkboot');
    expect(r.url).toBe(
      'ReferenceError: URL is not available in the guest: compose @runikraft/rkurl to get URL and URLSearchParams (pure code)',
    );
    expect(r.params).toContain('compose @runikraft/rkurl');
  });

  it('a library installs a global through the realm door, replacing the placeholder', async () => {
    const r = await run(`
      const door = globalThis[Symbol.for('runikraft.realm')];
      door.provide('setTimeout', (f) => f());
      door.provide('Date.now', () => 1234);
      let called = false;
      setTimeout(() => { called = true; });
      return { called, now: Date.now(), d: new Date().getTime(), frozen: Object.isFrozen(door) };`);
    expect(r).toEqual({ called: true, now: 1234, d: 1234, frozen: true });
  });

  it('two machines booting one compiled image share no module state and no globals', async () => {
    // Module state (the counter) lives in the image's closure; each machine evaluates the image anew.
    const img = loadImageSource(
      `var RunikraftImage = (() => { let boots = 0; return { default: async (hart) => {
        boots++;
        globalThis.seen = { boots, before: globalThis.mark ?? null };
        globalThis.mark = hart.ram.size;
        for (let i = 0; i < 4; i++) await null; // let the other machine run in between
        hart.store32(${VIRT_TEST}, 0x5555);
      } }; })();`,
      'shared-image.js',
    );
    const a = new Machine({ bios: 'none', console: 'none', clock: 'virtual', memory: 64 << 20 });
    const b = new Machine({ bios: 'none', console: 'none', clock: 'virtual', memory: 32 << 20 });
    const exits = await Promise.all([a.boot(img), b.boot(img)]);
    expect(exits).toEqual([
      { status: 0, reason: 'poweroff' },
      { status: 0, reason: 'poweroff' },
    ]);
    const ga = a.realm.context as { seen: unknown; mark: number; Object: unknown };
    const gb = b.realm.context as { seen: unknown; mark: number; Object: unknown };
    expect(ga.seen).toEqual({ boots: 1, before: null });
    expect(gb.seen).toEqual({ boots: 1, before: null });
    expect([ga.mark, gb.mark]).toEqual([64 << 20, 32 << 20]);
    expect(ga.Object).not.toBe(gb.Object);
    // The context handed to the host is the guest's globalThis itself (an uncontextified global).
    expect(a.realm.run('globalThis')).toBe(a.realm.context);
  });

  it('an image that throws while evaluating is a guest failure naming the error', async () => {
    let out = '';
    const m = new Machine({ bios: 'none', console: (t) => (out += t), clock: 'virtual' });
    const exit = await m.boot(
      loadImageSource('var RunikraftImage = 1; throw new TypeError("boom");'),
    );
    expect(exit).toEqual({ status: 1, reason: 'guest-error' });
    expect(out).toContain('TypeError: boom');
  });

  it('a source that is not an image is refused with the reason', () => {
    expect(() => loadImageSource('export default function entry() {}', 'old.mjs')).toThrow(
      'old.mjs is not a Runikraft image (it does not define RunikraftImage, the entry (hart, a0, a1)); rebuild it with rk build',
    );
  });
});
