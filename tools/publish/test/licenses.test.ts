// Every published package ships the repository's BSD-3-Clause LICENSE: the file is in the package,
// identical to the root one, listed in "files", and in what npm would pack.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, repoRoot } from './support/workspace';

const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');

describe('LICENSE in every public package', () => {
  it('the root LICENSE is BSD-3-Clause', () => {
    expect(license).toMatch(/^BSD 3-Clause License\n/);
  });

  for (const p of publicPackages())
    it(p.name, () => {
      expect(p.json.license).toBe('BSD-3-Clause');
      expect(existsSync(join(p.dir, 'LICENSE'))).toBe(true);
      expect(readFileSync(join(p.dir, 'LICENSE'), 'utf8')).toBe(license);
      expect(p.json.files).toContain('LICENSE');
    });

  it('npm pack includes it', () => {
    const p = publicPackages().find((x) => x.name === '@runikraft/rkalloc')!;
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: p.dir,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('LICENSE');
  });
});
