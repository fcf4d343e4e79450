// Bad programs get a precise error and a failure, never a host crash: a module that fails
// validation, one importing what libc-shim does not provide, one not built for blocking calls,
// out-of-bounds pointers passed to an import (EFAULT), traps, and memory exhaustion (ENOMEM).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import { limitMemory, RkWasiError, runWasi } from '../src/index';
import { program, testKernel } from './helpers';

const bad = () => readFileSync(program('bad.c'));

async function failure(p: Promise<unknown>): Promise<RkWasiError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RkWasiError);
  return e as RkWasiError;
}

describe('bad programs', () => {
  it('refuses bytes that are not a module, naming the byte', async () => {
    const { k } = await testKernel();
    const e = await failure(runWasi(k, new TextEncoder().encode('#!/bin/sh\necho hi\n')));
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/bad magic or version at byte 0/);
  }, 300_000);

  it('refuses a module that fails validation with the engine message', async () => {
    const { k } = await testKernel();
    const w = new Uint8Array(bad());
    // Cut the module inside its code section: the header and sections up to there stay valid.
    const e = await failure(runWasi(k, w.subarray(0, Math.floor(w.length * 0.9))));
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/runs past the end|failed validation/);
  }, 300_000);

  it('refuses a program importing a function libc-shim does not provide, naming it', async () => {
    const { k } = await testKernel();
    const wasm = readFileSync(
      buildWasm({
        sources: [join(__dirname, 'programs', 'import.c')],
        ldflags: ['-Wl,--allow-undefined'],
      }),
    );
    const e = await failure(runWasi(k, wasm));
    expect(e.kind).toBe('link');
    expect(e.message).toContain('imports function env.host_magic');
  }, 300_000);

  it('refuses a program not transformed for blocking calls when asyncify suspends, saying how to fix it', async () => {
    const { k } = await testKernel();
    const wasm = readFileSync(
      buildWasm({ sources: [join(__dirname, 'programs', 'hello.c')], asyncify: false }),
    );
    const e = await failure(runWasi(k, wasm, { suspend: 'asyncify' }));
    expect(e.kind).toBe('link');
    expect(e.message).toContain('wasm-opt --asyncify');
  }, 300_000);

  it('answers EFAULT to a pointer outside linear memory and keeps running', async () => {
    const { k, out } = await testKernel();
    const r = await runWasi(k, bad(), { args: ['bad', 'badptr'] });
    expect(await out()).toBe('write badptr: -1 EFAULT\n');
    expect(r.status).toBe(0);
  }, 300_000);

  it('reports a trap (out-of-bounds load, abort, stack exhaustion) as a trap', async () => {
    for (const what of ['trap', 'abort', 'recurse']) {
      const { k } = await testKernel();
      const e = await failure(runWasi(k, bad(), { args: ['bad', what] }));
      expect(e.kind, what).toBe('trap');
      expect(e.message, what).toMatch(/the program (trapped|overflowed)/);
    }
  }, 300_000);

  it('bounds memory: malloc fails with ENOMEM at the grant, the pages are charged and released', async () => {
    const { k, out } = await testKernel();
    let held = 0;
    let peak = 0;
    const account = {
      available: () => 24 << 20,
      charge: (n: number) => {
        held += n;
        peak = Math.max(peak, held);
        return true;
      },
      release: () => {
        held = 0;
      },
    };
    const r = await runWasi(k, bad(), { args: ['bad', 'oom'] }, account);
    const line = await out();
    expect(line).toMatch(/^malloc failed after (\d+) MiB \(\1 blocks\): ENOMEM\n$/);
    const mib = Number(/after (\d+) MiB/.exec(line)![1]);
    expect(mib).toBeGreaterThan(16);
    expect(mib).toBeLessThan(24);
    expect(r.status).toBe(0);
    expect(peak).toBeLessThanOrEqual(24 << 20);
    expect(peak).toBeGreaterThan(mib << 20);
    expect(held).toBe(0);
  }, 300_000);

  it('limitMemory rewrites only the memory limits', () => {
    const w = new Uint8Array(bad());
    const { bytes, minPages } = limitMemory(w, 100);
    expect(minPages).toBeGreaterThan(0);
    expect(new WebAssembly.Module(bytes)).toBeInstanceOf(WebAssembly.Module);
    const mem = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).find(
      (e) => e.kind === 'memory',
    );
    expect(mem?.name).toBe('memory');
    // The engine enforces the new maximum.
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }),
    });
    const m = inst.exports.memory as WebAssembly.Memory;
    expect(() => m.grow(101)).toThrow(RangeError);
  });
});
