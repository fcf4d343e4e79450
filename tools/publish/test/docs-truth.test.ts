// The README and the design brief say what is in the repository: every package is listed where the
// README lists the tree, every path the README names exists, and every "DESIGN.md §N" a source file
// or an error message cites is a section of docs/DESIGN.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/workspace';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const outsideFences = readme.replace(/^```[\s\S]*?^```/gm, '');

/** The body of the README section `## title`. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "## ${title}"`).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The workspace's package folders: packages/x, platforms/x, tools/x. */
const packageDirs = (group: string) =>
  readdirSync(join(repoRoot, group))
    .filter((d) => existsSync(join(repoRoot, group, d, 'package.json')))
    .sort();

/** `a/{b,c}/d*` → the existing paths it names (globs per segment, braces expanded). */
function expand(pattern: string): string[] {
  const brace = /\{([^}]*)\}/.exec(pattern);
  if (brace)
    return brace[1]!
      .split(',')
      .flatMap((alt) =>
        expand(pattern.slice(0, brace.index) + alt + pattern.slice(brace.index + brace[0].length)),
      );
  let found = [''];
  for (const seg of pattern.split('/').filter(Boolean)) {
    const re = new RegExp(`^${seg.replace(/[.+?^$()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
    found = found.flatMap((base) => {
      const dir = join(repoRoot, base);
      if (!seg.includes('*')) return existsSync(join(dir, seg)) ? [join(base, seg)] : [];
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((e) => re.test(e))
        .map((e) => join(base, e));
    });
  }
  return found;
}

/** The paths in the first column of "Where things live": `packages/x`, then bare sibling names. */
function treeTable(): string[] {
  const out: string[] = [];
  for (const row of section('Where things live').split('\n')) {
    const cell = /^\| ([^|]+) \|/.exec(row)?.[1];
    if (!cell || cell === 'path' || /^-+$/.test(cell)) continue;
    let parent = '';
    for (const [, name] of cell.matchAll(/`([^`]+)`/g)) {
      if (name!.includes('/')) {
        parent = name!.slice(0, name!.lastIndexOf('/', name!.length - 2) + 1);
        out.push(name!);
      } else out.push(parent + name);
    }
  }
  return out;
}

describe('the README', () => {
  it('lists every package under "Where things live", and each path there exists', () => {
    const listed = treeTable();
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((p) => expand(p).length === 0)).toEqual([]);
    const covered = new Set(listed.flatMap(expand).map((p) => p.replace(/\/$/, '')));
    const unlisted = ['packages', 'platforms', 'tools']
      .flatMap((g) => packageDirs(g).map((d) => `${g}/${d}`))
      .filter((d) => ![...covered].some((c) => c === d || c.startsWith(`${d}/`)));
    expect(unlisted).toEqual([]);
  });

  it('names every package of packages/ in the "Layers" diagram', () => {
    const diagram = /```\n([\s\S]*?)```/.exec(section('Layers'))![1]!;
    const words = new Set(diagram.match(/[\w-]+\*?/g));
    const globs = [...words].filter((w) => w.endsWith('-*')).map((w) => w.slice(0, -1));
    const missing = packageDirs('packages').filter(
      (p) => !words.has(p) && !globs.some((g) => p.startsWith(g)),
    );
    expect(missing).toEqual([]);
  });

  it('names only paths that exist (prose, tables and links)', () => {
    const named = new Set<string>();
    for (const [, span] of outsideFences.matchAll(/`([^`]+)`/g))
      for (const [p] of span!.matchAll(
        /(?<![\w/.-])(?:packages|platforms|apps|tools|docs)\/[\w./*{},-]*/g,
      ))
        named.add(p.replace(/[.,]$/, ''));
    for (const [, link] of outsideFences.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) named.add(link!);
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((p) => expand(p).length === 0)).toEqual([]);
  });

  it('does not list as "coming" a package that is here', () => {
    const coming = /^Coming[\s\S]*?(?:\n\n|$)/m.exec(outsideFences)?.[0] ?? '';
    const here = ['posix', 'libc-shim', 'ext4', 'rkpci', 'vfscore'].filter((p) =>
      existsSync(join(repoRoot, 'packages', p)),
    );
    // rknet is named there as what exists (an implementation, not yet an interface).
    expect(here.filter((p) => new RegExp(`\\b${p}\\b`, 'i').test(coming))).toEqual([]);
  });
});

describe('docs/DESIGN.md citations', () => {
  const design = readFileSync(join(repoRoot, 'docs/DESIGN.md'), 'utf8');
  /** Section number → its text, from the "## N. Title" headings. */
  const sections = new Map<string, string>();
  for (const m of design.matchAll(/^## (\d+)\. [^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/gm))
    sections.set(m[1]!, m[0]);

  it('every "DESIGN.md §N" (or "section N") in sources, biome.json and docs names a section, and a quoted topic is in it', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|mts|mjs|js|json|grit|md)$/.test(f) && f !== 'docs/DESIGN.md');
    const cites: { where: string; n: string; topic?: string }[] = [];
    for (const f of files) {
      const text = readFileSync(join(repoRoot, f), 'utf8');
      for (const m of text.matchAll(/DESIGN\.md,? (?:§ ?|section )(\d+)(?: ["`]([^"`\n]+))?/g))
        cites.push({
          where: `${f}:${text.slice(0, m.index).split('\n').length}`,
          n: m[1]!,
          topic: m[2],
        });
    }
    expect(sections.size).toBeGreaterThanOrEqual(8);
    expect(cites.length).toBeGreaterThan(20);
    const bad = cites.filter(
      (c) => !sections.has(c.n) || (c.topic && !sections.get(c.n)!.includes(c.topic)),
    );
    expect(bad).toEqual([]);
  });
});
