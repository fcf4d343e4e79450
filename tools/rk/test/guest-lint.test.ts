// The repository's lint rule for guest code (biome.json + tools/lint/guest-host-apis.grit): app and
// kernel sources may not use host timers, clocks or entropy; host tools may.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE = [
  'export const t = setTimeout(() => {}, 1);',
  'export const p = performance.now();',
  'export const d = Date.now();',
  'export const r = Math.random();',
  '',
].join('\n');

/** Lints SOURCE written at `<top>/lint-probe-<pid>/src/x.ts` (removed afterwards). */
function lint(top: string): string {
  const dir = join(root, top, `lint-probe-${process.pid}`);
  const file = join(dir, 'src', 'x.ts');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, SOURCE);
  try {
    const r = spawnSync('pnpm', ['exec', 'biome', 'lint', file], { cwd: root, encoding: 'utf8' });
    return r.stdout + r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('guest lint rule', () => {
  it('denies setTimeout, performance, Date.now and Math.random in apps/*/src', () => {
    const out = lint('apps');
    expect(out).toContain('kernel code never uses host timers');
    expect(out).toContain('performance.now() is host time in tests');
    expect(out).toContain('Date.now() is host time in tests and the guest clock in the image');
    expect(out).toContain('Math.random is host entropy outside the image');
  });

  it('denies them in packages/*/src too, and leaves host tools alone', () => {
    expect(lint('packages')).toContain('Math.random is host entropy');
    const tool = lint('tools');
    expect(tool).not.toContain('host entropy');
    expect(tool).not.toContain('host timers');
  });
});
