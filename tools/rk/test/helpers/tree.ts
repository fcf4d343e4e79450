// Builds throwaway app trees (an app plus fake installed packages) in a temp dir for build tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FakePackage {
  name: string;
  provides?: string[];
  requires?: string[];
  dependencies?: string[];
  /** Extra source for index.js (after the library descriptor). */
  code?: string;
  platform?: boolean;
  /** Where to install it: the tree's root node_modules (default) or inside another package. */
  under?: string;
}

/** Writes `files` (path → content) under a fresh temp dir. @returns its path. */
export function writeTree(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'rk-tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(
      join(root, path),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
  return root;
}

/** Files for a fake installed package exporting `library` (or `platEntry` for a platform). */
export function fakePackage(p: FakePackage): Record<string, string | object> {
  const base = `${p.under ? `${p.under}/` : ''}node_modules/${p.name}`;
  const rk: Record<string, unknown> = { provides: p.provides ?? [], requires: p.requires ?? [] };
  if (p.platform) rk.platform = { entry: `${p.name}/plat` };
  const pkg = {
    name: p.name,
    version: '1.2.3',
    type: 'module',
    exports: p.platform ? { './plat': './plat.js' } : { '.': './index.js' },
    dependencies: Object.fromEntries((p.dependencies ?? []).map((d) => [d, '*'])),
    runikraft: rk,
  };
  const files: Record<string, string | object> = { [`${base}/package.json`]: pkg };
  if (p.platform)
    files[`${base}/plat.js`] =
      `export function platEntry(hart, a0, a1, boot) { return boot({ marker: 'PLAT:${p.name}' }); }\n${p.code ?? ''}`;
  else
    files[`${base}/index.js`] =
      `export const library = { name: '${p.name}', version: '1.2.3', provides: ${JSON.stringify(p.provides ?? [])} };\nexport const marker = 'LIB:${p.name}';\n${p.code ?? ''}`;
  return files;
}

/** An app package.json plus its main. */
export function fakeApp(
  deps: string[],
  runikraft: object = {},
  main = 'export default function main() { return 0; }\n',
): Record<string, string | object> {
  return {
    'app/package.json': {
      name: 'fake-app',
      version: '0.0.1',
      dependencies: Object.fromEntries(deps.map((d) => [d, '*'])),
      runikraft,
    },
    'app/src/main.ts': main,
  };
}
