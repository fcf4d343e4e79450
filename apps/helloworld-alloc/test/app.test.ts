// Boots helloworld-alloc with each allocator selected in a variant's package.json: plain, hardened via
// -append, and a double free that must panic naming the block.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];

for (const alloc of ['buddy', 'tlsf', 'tiny', 'region']) {
  const lib = `rkalloc-${alloc}`;
  describe(`helloworld-alloc with ${lib}`, () => {
    let entry: Entry;
    beforeAll(async () => {
      const variant = fileURLToPath(new URL(`../variants/${alloc}`, import.meta.url));
      const outDir = mkdtempSync(join(tmpdir(), 'rk-hw-alloc-'));
      entry = loadImage((await buildImage(variant, { outDir })).imagePath);
    }, 60_000);

    async function boot(append = '') {
      let out = '';
      const m = new Machine({
        console: (t) => (out += t),
        clock: 'virtual',
        memory: 64 << 20,
        append,
      });
      const exit = await m.boot(entry);
      return { out, status: exit.status };
    }

    it(`boots with ${lib} and exits 0 with nothing live`, async () => {
      const { out, status } = await boot();
      expect(out).toContain(`libraries: ${lib}@`);
      expect(out).toContain('Hello, world!');
      expect(out).toMatch(new RegExp(`${lib}: \\d+ bytes free, 3 allocs, 0 live, hardened no`));
      expect(status, out).toBe(0);
    });
    it(`${lib}.harden=1 turns hardening on`, async () => {
      const { out, status } = await boot(`${lib}.harden=1 ${lib}.seed=7`);
      expect(out).toContain('hardened yes');
      expect(status, out).toBe(0);
    });
    it('a double free under hardening panics naming the block and exits non-zero', async () => {
      const { out, status } = await boot(`${lib}.harden=1 -- double-free`);
      expect(out).toMatch(new RegExp(`rkalloc\\(${lib}\\): double-free at block 0x[0-9a-f]{8}`));
      expect(out).not.toContain('went unnoticed');
      expect(status).not.toBe(0);
    });
  });
}
