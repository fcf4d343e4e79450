// A C program built with clang + wasi-libc runs on vfscore+ramfs through the preview1 imports.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

describe('a C program on libc-shim', () => {
  it('prints, writes and reads a file, sees its args and environment, exits with its status', async () => {
    const { k, out } = await testKernel();
    const wasm = readFileSync(program('hello.c'));
    const r = await runWasi(k, wasm, { args: ['hello', 'world'], env: ['HOME=/root'] });
    expect(await out()).toBe(
      'hello from C, argc=2 argv[1]=world\nread 8: line 42\ntime ok 1\nHOME=/root\n',
    );
    expect(r.status).toBe(7);
    // ramfs and the console answer every call at once (open, close and stat included): the
    // program is never suspended
    expect(r.suspensions).toBe(0);
  }, 300_000);
});
