// rk build applies asyncify only to the imports in rk's WASI_BLOCKING_IMPORTS; an import that can
// return a Promise but is missing there would unwind a program that was not instrumented for it.
// rk cannot import libc-shim (libc-shim's tests depend on rk), so the two lists are checked here.
import {
  ASYNCIFY_IMPORTS_SECTION as RK_SECTION,
  WASI_BLOCKING_IMPORTS,
  WASI_PREEMPT_IMPORTS,
  WASIX_BLOCKING_IMPORTS,
} from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import {
  ASYNCIFY_IMPORTS_SECTION,
  LinearMemory,
  PREVIEW1_NAMES,
  SOCKET_EXT_NAMES,
  SYNC_IMPORTS,
  WASIX,
  WASIX_BLOCKING,
  WASIX_NAMES,
  WasiPreview1,
} from '../src/index';
import { testKernel } from './helpers';

describe("rk's asyncify import list", () => {
  it('names exactly the preview1 and socket-extension imports that are not answered synchronously', async () => {
    const { k } = await testKernel();
    const w = new WasiPreview1(k, { args: ['a'], env: [], preopens: [] });
    const mem = new WebAssembly.Memory({ initial: 1 });
    await w.start(new LinearMemory(mem));
    const imports = w.imports();
    const all: readonly string[] = [...PREVIEW1_NAMES, ...SOCKET_EXT_NAMES];
    const sync = all.filter((n) => !WASI_BLOCKING_IMPORTS.includes(n));
    expect(WASI_BLOCKING_IMPORTS.filter((n) => !all.includes(n))).toEqual([]);
    // Each import left out of the list answers with a number, never a Promise (pointers in range).
    for (const name of sync) {
      if (name === 'proc_exit') continue; // throws WasiExit by design
      const r = (imports[name] as (...a: number[]) => unknown)(0, 8, 16, 24, 32);
      expect(typeof r, name).toBe('number');
    }
    // libc-shim's own list (preemption at import calls: asyncify can suspend only at the others).
    expect(sync.sort()).toEqual([...SYNC_IMPORTS].sort());
  });

  it('also instruments clock_time_get and random_get (answered at once) and names them in its mark', () => {
    expect([...WASI_PREEMPT_IMPORTS].sort()).toEqual(['clock_time_get', 'random_get']);
    for (const n of WASI_PREEMPT_IMPORTS) expect(SYNC_IMPORTS).toContain(n);
    expect(RK_SECTION).toBe(ASYNCIFY_IMPORTS_SECTION);
  });

  it("names WASIX's epoll_wait and no other WASIX call (the others answer at once)", async () => {
    const { k } = await testKernel();
    const w = new WasiPreview1(k, { args: ['a'], env: [], preopens: [] });
    await w.start(new LinearMemory(new WebAssembly.Memory({ initial: 1 })));
    const imports = w.imports(WASIX) as Record<string, (...a: (number | bigint)[]) => unknown>;
    expect([...WASIX_BLOCKING_IMPORTS]).toEqual([...WASIX_BLOCKING]);
    for (const name of WASIX_NAMES.filter((n) => !WASIX_BLOCKING_IMPORTS.includes(n))) {
      const r = imports[name]!(name === 'fd_event' ? 0n : 1, 8, 0, 24);
      expect(typeof r, name).toBe('number');
    }
  });
});
