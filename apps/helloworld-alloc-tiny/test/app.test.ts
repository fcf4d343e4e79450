// Boots helloworld-alloc-tiny in-process: plain, hardened via -append, and a double free that must panic.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';

let entry: (...a: any[]) => Promise<void>;
beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'rk-hw-alloc-'));
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname, { outDir });
  entry = (await import(imagePath)).default;
}, 60_000);

async function boot(append = '') {
  let out = '';
  const m = new Machine({ console: (t) => (out += t), clock: 'virtual', memory: 64 << 20, append });
  const exit = await m.boot(entry);
  return { out, status: exit.status };
}

describe('helloworld-alloc-tiny', () => {
  it('boots with rkalloc-tiny and exits 0 with nothing live', async () => {
    const { out, status } = await boot();
    expect(out).toContain('Hello, world!');
    expect(out).toMatch(/rkalloc-tiny: \d+ bytes free, 3 allocs, 0 live, hardened no/);
    expect(status, out).toBe(0);
  });
  it('rkalloc-tiny.harden=1 turns hardening on', async () => {
    const { out, status } = await boot('rkalloc-tiny.harden=1 rkalloc-tiny.seed=7');
    expect(out).toContain('hardened yes');
    expect(status, out).toBe(0);
  });
  it('a double free under hardening panics naming the block and exits non-zero', async () => {
    const { out, status } = await boot('rkalloc-tiny.harden=1 -- double-free');
    expect(out).toMatch(/rkalloc\(rkalloc-tiny\): double-free at block 0x[0-9a-f]{8}/);
    expect(out).not.toContain('went unnoticed');
    expect(status).not.toBe(0);
  });
});
