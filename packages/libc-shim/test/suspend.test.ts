// Both suspension paths: binaryen's asyncify and the engine's stack switching (JSPI). The same
// programs give the same results through either; `auto` takes JSPI where the engine has it; a
// program built without asyncify runs only with JSPI, and forcing a missing one is a precise error.
// (This project's workers start with --experimental-wasm-stack-switching: see vitest.config.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm, buildWasmBoth } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import { chooseBuild, RkWasiError, resolveSuspend, runWasi } from '../src/index';
import { entryModule, hasJspi, trampolineModule } from '../src/suspend/jspi';
import { program, testKernel } from './helpers';
import { waitingRamfs } from './waitfs';

const jspi = hasJspi();
if (!jspi)
  console.log(
    'suspend.test: this Node has no JSPI (needs --experimental-wasm-stack-switching): the JSPI runs are skipped',
  );

describe('suspension paths', () => {
  it('generates valid trampoline and entry modules', () => {
    const t = trampolineModule([
      { name: 'fd_write', type: { parameters: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] } },
      { name: 'fd_seek', type: { parameters: ['i32', 'i64', 'i32', 'i32'], results: ['i32'] } },
      { name: 'proc_exit', type: { parameters: ['i32'], results: [] } },
    ]);
    expect(WebAssembly.validate(t)).toBe(true);
    expect(WebAssembly.validate(entryModule())).toBe(true);
    const m = new WebAssembly.Module(t);
    expect(WebAssembly.Module.exports(m).map((e) => e.name)).toEqual([
      'fd_write',
      'fd_seek',
      'proc_exit',
    ]);
  });

  it('auto takes JSPI where the engine has it; forcing a missing JSPI names the flag', () => {
    expect(resolveSuspend('auto')).toBe(jspi ? 'jspi' : 'asyncify');
    expect(resolveSuspend('asyncify')).toBe('asyncify');
    if (!jspi) expect(() => resolveSuspend('jspi')).toThrow(/--experimental-wasm-stack-switching/);
  });

  for (const suspend of ['asyncify', 'jspi'] as const) {
    it.skipIf(suspend === 'jspi' && !jspi)(
      `${suspend}: a program blocking on every call gets the same results`,
      async () => {
        const { k, vfs, out } = await testKernel();
        vfs.registerFsType(waitingRamfs());
        expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
        expect(await vfs.mount('none', '/wait', 'waitfs')).toBe(0);
        const wasm = readFileSync(program('calls.c'));
        const w = await runWasi(k, wasm, { args: ['calls', 'write', '/wait/f', '300'], suspend });
        const r = await runWasi(k, wasm, { args: ['calls', 'read', '/wait/f'], suspend });
        const h = await runWasi(k, readFileSync(program('hello.c')), {
          args: ['hello', 'x'],
          env: ['HOME=/h'],
          suspend,
        });
        expect([w.status, r.status, h.status]).toEqual([0, 0, 7]);
        expect([w.suspend, r.suspend, h.suspend]).toEqual([suspend, suspend, suspend]);
        expect(w.suspensions).toBeGreaterThanOrEqual(300);
        expect(r.suspensions).toBeGreaterThanOrEqual(600);
        expect(await out()).toBe(
          'wrote 300\nread 300\nhello from C, argc=2 argv[1]=x\nread 8: line 42\ntime ok 1\nHOME=/h\n',
        );
      },
      300_000,
    );
  }

  it('a program built without asyncify runs with JSPI and is refused by asyncify', async () => {
    const plain = readFileSync(
      buildWasm({ sources: [join(__dirname, 'programs', 'calls.c')], asyncify: false }),
    );
    const { k, out } = await testKernel();
    const forced = runWasi(k, plain, { args: ['calls', 'clock', '10'], suspend: 'asyncify' });
    await expect(forced).rejects.toThrow(RkWasiError);
    await expect(forced).rejects.toThrow(/not transformed for blocking calls/);
    if (!jspi) return;
    const r = await runWasi(k, plain, { args: ['calls', 'write', '/tmp/p', '50'] });
    expect([r.status, r.suspend]).toEqual([0, 'jspi']);
    expect(await out()).toBe('wrote 50\n');
  }, 300_000);

  it('given both builds, JSPI runs the one without asyncify and asyncify the asyncified one', async () => {
    const both = buildWasmBoth({ sources: [join(__dirname, 'programs', 'calls.c')] });
    const bytes = { asyncified: readFileSync(both.asyncified), plain: readFileSync(both.plain) };
    const exported = (b: Uint8Array) =>
      WebAssembly.Module.exports(new WebAssembly.Module(b)).some(
        (e) => e.name === 'asyncify_start_unwind',
      );
    expect([exported(bytes.asyncified), exported(bytes.plain)]).toEqual([true, false]);
    const loaded: string[] = [];
    const builds = {
      asyncified: () => {
        loaded.push('asyncified');
        return bytes.asyncified;
      },
      plain: async () => {
        loaded.push('plain');
        return bytes.plain;
      },
    };
    const { k, out } = await testKernel();
    const a = await chooseBuild(builds, 'asyncify');
    expect([a.bytes, a.suspend, loaded]).toEqual([bytes.asyncified, 'asyncify', ['asyncified']]);
    const ra = await runWasi(k, a.bytes, { args: ['calls', 'write', '/tmp/a', '5'], ...a });
    expect([ra.status, ra.suspend]).toEqual([0, 'asyncify']);
    // One build only: it is run with the mechanism asked for.
    expect(await chooseBuild(bytes.plain, 'auto')).toEqual({ bytes: bytes.plain, suspend: 'auto' });
    if (!jspi) {
      await expect(chooseBuild(builds, 'jspi')).rejects.toThrow(/stack-switching/);
      expect((await chooseBuild(builds, 'auto')).bytes).toBe(bytes.asyncified);
      return;
    }
    loaded.length = 0;
    const j = await chooseBuild(builds, 'auto');
    expect([j.bytes, j.suspend, loaded]).toEqual([bytes.plain, 'jspi', ['plain']]);
    const rj = await runWasi(k, j.bytes, { args: ['calls', 'write', '/tmp/j', '7'], ...j });
    expect([rj.status, rj.suspend]).toEqual([0, 'jspi']);
    expect(await out()).toBe('wrote 5\nwrote 7\n');
  }, 300_000);
});
