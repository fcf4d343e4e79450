// Runs the real rk bin in a child process. The bin is bundled from the current sources once per
// test process (scripts/bundle-bin.mjs), so e2e tests need no `pnpm build`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rkDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const repoRoot = dirname(dirname(rkDir));
let bin: Promise<string> | undefined;
const made: string[] = [];

/** Removes the bundled bin and fixture copies this process made (call from afterAll). */
export function cleanupRk(): void {
  for (const p of made.splice(0)) rmSync(p, { recursive: true, force: true });
  bin = undefined;
}

/** Path of a freshly bundled bin (tools/rk/.rk/rk-test-<pid>.mjs). */
export function rkBin(): Promise<string> {
  bin ??= (async () => {
    // @ts-expect-error plain JS helper without types
    const { bundleRkBin } = await import('../../scripts/bundle-bin.mjs');
    const out = join(rkDir, '.rk', `rk-test-${process.pid}.mjs`);
    made.push(out);
    return bundleRkBin(out) as Promise<string>;
  })();
  return bin;
}

export interface RkResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node <bin> ...args` in `cwd` (default: the repo root) with optional stdin. */
export async function rk(
  args: string[],
  opts: { cwd?: string; input?: string; timeout?: number } = {},
): Promise<RkResult> {
  const r = spawnSync(process.execPath, [await rkBin(), ...args], {
    cwd: opts.cwd ?? repoRoot,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Does the machine model exist yet (platforms/qemu-riscv/src/machine/index.ts)? */
export const machineExists = existsSync(
  join(repoRoot, 'platforms/qemu-riscv/src/machine/index.ts'),
);

/**
 * A private copy of a fixture app (tools/rk/.rk/fx-<pid>-<name>), so that test files running in
 * parallel never build into the same directory; it stays under tools/rk, so its dependencies still
 * resolve from tools/rk/node_modules.
 */
export function fixtureApp(name: string): string {
  const dst = join(rkDir, '.rk', `fx-${process.pid}-${name}`);
  // apps/helloworld is copied too (its dependencies are rk's), so that other tests building it in
  // place never race these.
  const src =
    name === 'helloworld'
      ? join(repoRoot, 'apps/helloworld')
      : join(rkDir, 'test/fixtures/apps', name);
  rmSync(dst, { recursive: true, force: true });
  cpSync(src, dst, {
    recursive: true,
    filter: (f) => !/^\/(build|node_modules|test)(\/|$)/.test(f.slice(src.length)),
  });
  made.push(dst);
  return dst;
}
