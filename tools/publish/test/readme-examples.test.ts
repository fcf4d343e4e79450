// Every ```ts example in the READMEs and docs/ type-checks against the packages as they are: each
// block is written as its own module under tools/publish/.rk/readme/ (where every public package
// resolves, from their sources) and the lot goes through one TypeScript program with the repo's
// compiler options. A failure names the README, the line of the block and the compiler's message.
// Examples may use, without declaring them, what a kernel or app has at hand: `registry` and `plat`
// (main's arguments, every composed API typed) and `phys` (guest RAM) — see PRELUDE.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/workspace';

interface Example {
  readonly doc: string;
  /** 1-based line in the doc of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** What followed ```ts on the fence line (e.g. "fragment"): such a block would escape the check. */
  readonly tag: string;
}

/** The ```ts (or ```typescript) blocks of every tracked README.md and docs/*.md. */
function examples(): Example[] {
  const docs = execFileSync('git', ['ls-files', '*README.md', 'docs/*.md'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.includes('/templates/'));
  const out: Example[] = [];
  for (const doc of docs) {
    const text = readFileSync(join(repoRoot, doc), 'utf8');
    for (const m of text.matchAll(/^```(?:ts|typescript)\b([^\n]*)\n([\s\S]*?)^```/gm))
      out.push({
        doc,
        line: text.slice(0, m.index).split('\n').length + 1,
        code: m[2]!,
        tag: m[1]!.trim(),
      });
  }
  return out;
}

/** What examples may use undeclared: main's `registry` and `plat`, and guest RAM `phys`. */
const PRELUDE = `// Ambient names README examples use (tools/publish/test/readme-examples.test.ts).
import type { RkRegistry } from '@runikraft/rkboot';
import type { RkPhysMem, RkPlat } from '@runikraft/rkplat';
${[
  'libc-shim',
  'rk9p',
  'rkalloc',
  'rkblkdev',
  'rklock',
  'rkmbox',
  'rknet',
  'rknetdev',
  'rkpci',
  'rksched',
  'rksignal',
  'rkswrand',
  'rktime',
  'vfscore',
]
  .map((p) => `import type {} from '@runikraft/${p}';`)
  .join('\n')}
declare global {
  const registry: RkRegistry;
  const plat: RkPlat;
  const phys: RkPhysMem;
}
`;

const dir = join(repoRoot, 'tools/publish/.rk', `readme-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples compile', () => {
  const all = examples();
  it('finds the examples, and none is exempt from compiling', () => {
    expect(all.length).toBeGreaterThanOrEqual(50);
    // A block that is not TypeScript says its language (```sh, ```json); a TypeScript one is whole.
    const tagged = all.filter((e) => e.tag !== '').map((e) => `${e.doc}:${e.line - 1}: ${e.tag}`);
    expect(tagged).toEqual([]);
  });

  it('every example type-checks', () => {
    mkdirSync(dir, { recursive: true });
    const files = new Map<string, Example>();
    writeFileSync(join(dir, 'prelude.ts'), PRELUDE);
    all.forEach((e, i) => {
      const file = join(dir, `${e.doc.replace(/[^A-Za-z0-9]+/g, '_')}_${i}.ts`);
      // Each block is a module of its own, even one without imports. Relative imports resolve from
      // the doc's folder, or from the folder of the repo file a first-line `// path.ts` comment names.
      const named = /^\/\/ ([\w@./-]+\.ts)\b/.exec(e.code)?.[1];
      const from = named ? dirname(join(repoRoot, named)) : dirname(join(repoRoot, e.doc));
      const code = e.code.replace(
        /(from |import\()'(\.\.?\/[^']*)'/g,
        (_, kw: string, rel: string) => `${kw}'${join(from, rel)}'`,
      );
      writeFileSync(file, `${code}\nexport {};\n`);
      files.set(file, e);
    });
    const base = ts.getParsedCommandLineOfConfigFile(
      join(repoRoot, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    )!;
    const program = ts.createProgram([join(dir, 'prelude.ts'), ...files.keys()], {
      ...base.options,
      noEmit: true,
      noUnusedLocals: false,
    });
    const problems = ts.getPreEmitDiagnostics(program).flatMap((d) => {
      const e = d.file && files.get(d.file.fileName);
      if (!d.file || !e) return [`${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`];
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return [`${e.doc}:${e.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`];
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
