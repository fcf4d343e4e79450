// The API site (`pnpm build:docs`) as a reader finds it: typedoc runs on the repository with the
// repository's own config (warnings are errors) and its JSON output is checked for the rk CLI's
// reference and every kit, implementation and driver entry point the packages export.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP } from '../../rk/src/help';
import { publicPackages, repoRoot } from './support/workspace';

interface Part {
  kind: string;
  text: string;
}
interface Site {
  children: { name: string }[];
  documents?: { name: string; content: Part[] }[];
}

let out: string;
let site: Site;
let log: string;
let status: number | null;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rk-docs-site-'));
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typedoc/bin/typedoc'),
      '--treatWarningsAsErrors',
      '--out',
      join(out, 'site'),
      '--json',
      join(out, 'api.json'),
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 280_000 },
  );
  status = r.status;
  log = r.stdout + r.stderr;
  if (r.status === 0) site = JSON.parse(readFileSync(join(out, 'api.json'), 'utf8'));
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const docText = (name: string) => {
  const doc = site.documents?.find((d) => d.name === name);
  return doc?.content.map((p) => p.text).join('');
};

describe('the docs site', () => {
  it('builds with no warning', () => {
    expect(status, log).toBe(0);
  });

  it('has the rk CLI reference, naming every verb and every option rk --help names', () => {
    const cli = docText('rk — the Runikraft CLI (@runikraft/rk)');
    expect(cli, `documents: ${site.documents?.map((d) => d.name).join(', ')}`).toBeDefined();
    for (const verb of Object.keys(HELP).filter((v) => v !== 'rk'))
      expect(cli, `rk ${verb}`).toContain(`rk ${verb}`);
    const options = new Set<string>();
    for (const text of Object.values(HELP))
      for (const m of text.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)) options.add(m[1] as string);
    // What --help lists is what the page documents (the generic `--opt`/`-opt` of the QEMU syntax note too).
    expect(options.size).toBeGreaterThan(40);
    const missing = [...options].filter(
      (o) => !new RegExp(`(?<![\\w-])${o}(?![\\w-])`).test(cli ?? ''),
    );
    expect(missing).toEqual([]);
  });

  it('has the design brief and the component guide', () => {
    expect(docText('Runikraft — design brief')).toMatch(/## 2\. The hardware boundary/);
    expect(docText('Write your own component')).toMatch(/--component rkalloc/);
  });

  it('has a module for every entry point the public packages export: kits, impl and driver too', () => {
    const modules = new Set(site.children.map((c) => c.name));
    const expected = publicPackages().flatMap((p) =>
      Object.keys((p.json.exports ?? {}) as Record<string, unknown>).map((sub) =>
        sub === '.' ? p.name : `${p.name}/${sub.slice(2)}`,
      ),
    );
    expect(expected.filter((m) => !modules.has(m))).toEqual([]);
    for (const kind of ['conformance', 'impl', 'driver'])
      expect(expected.filter((m) => m.endsWith(`/${kind}`)).length, kind).toBeGreaterThan(1);
    for (const m of [
      '@runikraft/rkalloc/conformance',
      '@runikraft/rkalloc/impl',
      '@runikraft/rksched/impl',
      '@runikraft/rkblkdev/driver',
      '@runikraft/rknetdev/driver',
      '@runikraft/vfscore/conformance',
    ])
      expect(modules).toContain(m);
  });
});
