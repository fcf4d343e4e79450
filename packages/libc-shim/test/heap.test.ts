// The asyncify save area is memory the program's malloc never hands out: a program whose heap fills
// the memory present at start and beyond blocks many times from a deep stack (every unwind writes
// its frames into the save area), and then finds every heap byte as it left it. With the save area
// grown outside the program before _start, wasi-libc's malloc took those pages as heap and the
// first suspensions overwrote it (SQLite reported "database disk image is malformed").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

describe('the blocking-call save area', () => {
  it('is not part of the heap: blocking calls leave the heap intact', async () => {
    const { k, out } = await testKernel();
    const wasm = readFileSync(program('heap.c'));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
    expect(exports).toContain('__rk_asyncify_area');
    const r = await runWasi(k, wasm, { args: ['heap'], suspend: 'asyncify' });
    expect(await out()).toBe('heap intact\n');
    expect(r.status).toBe(0);
    expect(r.suspend).toBe('asyncify');
    expect(r.suspensions).toBeGreaterThanOrEqual(32);
  }, 300_000);
});
