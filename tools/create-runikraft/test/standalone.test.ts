// Every component scaffold as its user has it after `npm install`: the scaffold's own `npm test`
// (vitest run from its folder, with no configuration above it) passes, its @runikraft/* imports
// resolving to the built dist/ the packages publish — not to the sources the repo's tests use.
// One vitest process runs all of them. Skipped, with the reason, before `pnpm build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffold } from '../src/scaffold';
import { COMPONENT_TEMPLATES } from '../src/templates';

const pkgDir = join(__dirname, '..');
const packages = [
  ...new Set(COMPONENT_TEMPLATES.flatMap((t) => [...t.dependencies, ...t.devDependencies])),
].filter((n) => n.startsWith('@runikraft/'));
const unbuilt = packages.filter((n) => !existsSync(join(pkgDir, 'node_modules', n, 'dist')));
if (unbuilt.length)
  console.log(
    `[skip] standalone scaffolds: not built (run pnpm build first): ${unbuilt.join(', ')}`,
  );

const work = join(pkgDir, '.rk', `standalone-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(unbuilt.length > 0)('component scaffolds on the built packages', () => {
  it('each passes its own kit from its folder', { timeout: 600_000 }, () => {
    mkdirSync(work, { recursive: true });
    // what a folder outside the repository has above it: no vitest configuration
    writeFileSync(join(work, 'vitest.config.mjs'), 'export default {};\n');
    for (const t of COMPONENT_TEMPLATES) scaffold(t, join(work, `my-${t.iface}`));
    const vitest = join(
      dirname(require.resolve('vitest/package.json', { paths: [pkgDir] })),
      'vitest.mjs',
    );
    const report = join(work, 'report.json');
    const r = spawnSync(
      process.execPath,
      [vitest, 'run', '--reporter=json', `--outputFile=${report}`],
      { cwd: work, encoding: 'utf8', timeout: 540_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(existsSync(report), r.stderr).toBe(true);
    const files = JSON.parse(readFileSync(report, 'utf8')).testResults as {
      name: string;
      assertionResults: { status: string; fullName: string }[];
    }[];
    const byIface = Object.fromEntries(
      files.map((f) => [
        /my-([^/]+)\/test\//.exec(f.name)?.[1],
        f.assertionResults.filter((a) => a.status !== 'passed').map((a) => a.fullName),
      ]),
    );
    expect(Object.keys(byIface).sort()).toEqual(COMPONENT_TEMPLATES.map((t) => t.iface).sort());
    for (const f of files) expect(f.assertionResults.length, f.name).toBeGreaterThan(2);
    expect(byIface, r.stdout.slice(-4000)).toEqual(
      Object.fromEntries(COMPONENT_TEMPLATES.map((t) => [t.iface, []])),
    );
    expect(r.status).toBe(0);
  });
});
