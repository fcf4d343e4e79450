// The API site's TypeDoc plugin (tools/publish/typedoc/plugin.mjs) on a two-package workspace made
// here: modules are named by import specifier, and a type that a documented signature references
// but no entry point exports is a warning even when it lives in another workspace package (TypeDoc
// alone lets every package but the project's through). `pnpm docs:check` runs it on the repo.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/workspace';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rk-typedoc-'));
  dirs.push(root);
  const pkg = (name: string, exports: Record<string, string>) =>
    JSON.stringify({
      name,
      exports: Object.fromEntries(
        Object.entries(exports).map(([k, v]) => [k, { '@runikraft/source': v }]),
      ),
    });
  const all: Record<string, string> = {
    'packages/a/package.json': pkg('@fx/a', { '.': './src/index.ts' }),
    'packages/b/package.json': pkg('@fx/b', { '.': './src/index.ts', './sub': './src/sub.ts' }),
    'packages/a/src/hidden.ts':
      '/** Not exported by @fx/a. */\nexport interface Hidden { x: number }\n',
    'packages/b/src/sub.ts': '/** A subpath export. */\nexport const sub = 1;\n',
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', types: [] },
      include: ['packages/*/src/**/*.ts'],
    }),
    'typedoc.json': JSON.stringify({
      name: 'fx',
      entryPointStrategy: 'resolve',
      entryPoints: ['packages/a/src/index.ts', 'packages/b/src/index.ts', 'packages/b/src/sub.ts'],
      plugin: [join(repoRoot, 'tools/publish/typedoc/plugin.mjs')],
      json: 'api.json',
      readme: 'none',
      treatWarningsAsErrors: true,
    }),
    ...files,
  };
  for (const [f, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

function typedoc(cwd: string) {
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules/typedoc/bin/typedoc'), '--options', 'typedoc.json'],
    { cwd, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, out: r.stdout + r.stderr };
}

const B_USES_HIDDEN =
  "import type { Hidden } from '../../a/src/hidden';\n/** Reads it. */\nexport function g(h: Hidden): number { return h.x; }\n";

describe('typedoc plugin', () => {
  it('warns about a type of another workspace package that no entry point exports', () => {
    const root = workspace({
      'packages/a/src/index.ts': '/** A. */\nexport const a = 1;\n',
      'packages/b/src/index.ts': B_USES_HIDDEN,
    });
    const r = typedoc(root);
    expect(r.out).toMatch(
      /Hidden, defined in @fx\/a\/src\/hidden\.ts, is referenced by @fx\/b\.g\.h but exported by no entry point/,
    );
    expect(r.status).not.toBe(0);
  }, 60_000);

  it('passes once the owning package exports it, and names modules by specifier', () => {
    const root = workspace({
      'packages/a/src/index.ts':
        "/** A. */\nexport const a = 1;\nexport type { Hidden } from './hidden';\n",
      'packages/b/src/index.ts': B_USES_HIDDEN,
    });
    const r = typedoc(root);
    expect(r.out).not.toMatch(/warning/);
    expect(r.status, r.out).toBe(0);
    const api = JSON.parse(readFileSync(join(root, 'api.json'), 'utf8')) as {
      children: { name: string }[];
    };
    expect(api.children.map((c) => c.name).sort()).toEqual(['@fx/a', '@fx/b', '@fx/b/sub']);
  }, 60_000);
});
