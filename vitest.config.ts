// One root command runs every package's tests; each folder with a package.json is a project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const groups = ['packages', 'platforms', 'apps', 'tools'];

function projectDirs(): { dir: string; name: string }[] {
  const out: { dir: string; name: string }[] = [];
  for (const group of groups) {
    if (!existsSync(group)) continue;
    for (const entry of readdirSync(group)) {
      const dir = join(group, entry);
      const pkg = join(dir, 'package.json');
      if (!existsSync(pkg) || !existsSync(join(dir, 'test'))) continue;
      out.push({ dir, name: JSON.parse(readFileSync(pkg, 'utf8')).name as string });
    }
  }
  return out;
}

/**
 * Projects whose workers start with JS Promise Integration (V8 11.3 in Node 20 has it only behind this
 * flag, which must be given at start): libc-shim tests both its suspension paths, apps/c-pipe,
 * apps/rust-netd and apps/c-preempt boot both.
 */
const JSPI = new Set([
  '@runikraft/libc-shim',
  '@runikraft/app-c-pipe',
  '@runikraft/app-rust-netd',
  '@runikraft/app-c-preempt',
]);

export default defineConfig({
  ssr: {
    resolve: {
      conditions: ['@runikraft/source', 'module', 'node', 'development|production'],
    },
  },
  test: {
    reporters: ['default', './vitest.reporter.ts'],
    testTimeout: 30_000,
    projects: projectDirs().map(({ dir, name }) => ({
      extends: true,
      test: {
        name,
        root: dir,
        include: ['test/**/*.test.ts'],
        execArgv: JSPI.has(name) ? ['--experimental-wasm-stack-switching'] : [],
      },
    })),
  },
});
