// C++ (libc++: STL containers, iostream, fstream, chrono) and Rust (std::fs, std::time,
// std::collections, std::env, process::exit) programs, unmodified, on libc-shim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

describe('other languages on libc-shim', () => {
  it('a C++ program with the STL, iostream, fstream and chrono', async () => {
    const { k, out } = await testKernel();
    const r = await runWasi(k, readFileSync(program('stl.cc')), { args: ['stl'] });
    expect(await out()).toBe('cpp: sorted 1 3 5 9; map first a; file [from c++ 4]; clock ok\n');
    expect(r.status).toBe(0);
  }, 300_000);
  it('a Rust program with std::fs, std::time, std::collections and std::env', async () => {
    const { k, out } = await testKernel();
    const r = await runWasi(k, readFileSync(program('std.rs')), { args: ['std', 'one', 'two'] });
    expect(await out()).toBe(
      'rust: args ["one", "two"]; file [from rust 1]; dir ["a.txt"]; after 2023 true; elapsed ok true\n',
    );
    expect(r.status).toBe(5);
  }, 300_000);
});
