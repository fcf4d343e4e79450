// package.json `runikraft.programs` (several wasm programs in one image): every problem of a
// package.json reported in one run, each naming its field; what is accepted; compile errors of
// several programs reported together.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RkAppError, readApp, readAppChecked } from '../src/app';
import { RkUsageError } from '../src/errors';
import { prepareProgramsMain } from '../src/programs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An app directory with these files and `runikraft` field. */
function app(runikraft: unknown, files: Record<string, string>, deps = ['@runikraft/libc-shim']) {
  const dir = mkdtempSync(join(tmpdir(), 'rk-programs-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  const dependencies = Object.fromEntries(deps.map((d) => [d, '*']));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', dependencies, runikraft }));
  return dir;
}

const MAIN = 'int main(void) { return 0; }\n';

describe('runikraft.programs', () => {
  it('accepts programs with defaults: names from entry files, asyncify on, entry generated', () => {
    const dir = app(
      {
        programs: [
          { entry: 'src/httpd.c' },
          {
            name: 'cli',
            entry: 'src/cli.c',
            sources: ['src/util.c'],
            cflags: ['-DX'],
            asyncify: false,
          },
        ],
        params: { 'libc.start': "httpd & X=1 cli 'a b' ; cli" },
      },
      { 'src/httpd.c': MAIN, 'src/cli.c': MAIN, 'src/util.c': '' },
    );
    const a = readApp(dir);
    expect(a.entry).toBe('');
    expect(a.programs).toEqual([
      { name: 'httpd', entry: 'src/httpd.c', sources: [], cflags: [], ldflags: [], asyncify: true },
      {
        name: 'cli',
        entry: 'src/cli.c',
        sources: ['src/util.c'],
        cflags: ['-DX'],
        ldflags: [],
        asyncify: false,
      },
    ]);
  });

  it('reports every problem at once, each naming its field', () => {
    const dir = app(
      {
        entry: 'src/a.c',
        program: { sources: [] },
        programs: [
          { name: 'a', entry: 'src/a.c' },
          { name: 'a', entry: 'src/b.c' },
          { entry: 'src/missing.c' },
          { name: 'c', entry: 'src/c.c', sources: ['src/nope.c'], cflags: '-O3' },
          { name: 'bad name', entry: 'src/a.c' },
          { name: 'd', entry: 'src/main.ts' },
          { name: 'e', entry: 'src/a.c', cflag: [] },
          'f',
        ],
        params: { 'libc.start': 'a & zz ; cc -x' },
      },
      { 'src/a.c': MAIN, 'src/b.c': MAIN, 'src/c.c': MAIN, 'src/main.ts': '' },
      [],
    );
    const { problems } = readAppChecked(dir);
    const here = relative(process.cwd(), dir);
    const got = problems.map((p) => `${p.field}: ${p.message}`);
    expect(got).toEqual(
      [
        "runikraft.programs[1].name: 'a' is also the name of runikraft.programs[0]",
        `runikraft.programs[2].entry: names src/missing.c, which does not exist in ${here}`,
        `runikraft.programs[3].sources[0]: src/nope.c does not exist in ${here}`,
        'runikraft.programs[3].cflags: must be an array of strings',
        `runikraft.programs[4].name: "bad name" is not a program name (letters, digits, '.', '_' and '-'; argv[0] and a word of libc.start)`,
        'runikraft.programs[5].entry: src/main.ts is not a program (.c, .cc, .cpp, .cxx, .rs or .wasm); a TypeScript main is "runikraft.entry"',
        'runikraft.programs[6].cflag: unknown key; did you mean cflags? (known: name, entry, sources, cflags, ldflags, asyncify)',
        'runikraft.programs[7]: must be an object {name?, entry, sources?, cflags?, ldflags?, asyncify?}',
        'runikraft.entry: is a program (src/a.c) while "runikraft.programs" is declared: list it there (omit "entry" for a generated main running libc.start, or make it a TypeScript main)',
        'runikraft.program: configures a program entry; with "runikraft.programs" each program takes its sources and flags there',
        'dependencies: "runikraft.programs" run on @runikraft/libc-shim: add it to "dependencies"',
        `runikraft.params["libc.start"]: starts 'zz', which "runikraft.programs" does not declare (declared: a, missing, c, d, e)`,
        `runikraft.params["libc.start"]: starts 'cc', which "runikraft.programs" does not declare; did you mean c? (declared: a, missing, c, d, e)`,
      ].map((s) => (typeof s === 'string' ? s : s)),
    );
    expect(() => readApp(dir)).toThrow(RkAppError);
    expect(() => readApp(dir)).toThrow(/13 problems:\n {2}runikraft\.programs\[1\]\.name: /);
  });

  it('two programs named by the same entry file name, a bad command list, libc.start without programs', () => {
    const twin = app(
      {
        programs: [{ entry: 'x/main.c' }, { entry: 'y/main.c' }],
        params: { 'libc.start': 'main && main' },
      },
      { 'x/main.c': MAIN, 'y/main.c': MAIN },
    );
    expect(readAppChecked(twin).problems).toEqual([
      {
        field: 'runikraft.programs[1].name',
        message:
          '\'main\' is also the name of runikraft.programs[0] (both from their entry file; give one a "name")',
      },
      {
        field: 'runikraft.params["libc.start"]',
        message: "command list: no command before '&' at offset 6 ('&&' is not supported: use ';')",
      },
    ]);
    // A pipeline: every command of it is checked, and a dangling | names its offset.
    const piped = app(
      { programs: [{ entry: 'src/gen.c' }], params: { 'libc.start': 'gen | cnt' } },
      { 'src/gen.c': MAIN },
    );
    expect(readAppChecked(piped).problems).toEqual([
      {
        field: 'runikraft.params["libc.start"]',
        message: `starts 'cnt', which "runikraft.programs" does not declare (declared: gen)`,
      },
    ]);
    const dangling = app(
      { programs: [{ entry: 'src/gen.c' }], params: { 'libc.start': 'gen |' } },
      { 'src/gen.c': MAIN },
    );
    expect(readAppChecked(dangling).problems).toEqual([
      {
        field: 'runikraft.params["libc.start"]',
        message: "command list: '|' at offset 4 has no command after it",
      },
    ]);
    const none = app(
      { entry: 'src/main.ts', params: { 'libc.start': 'a' } },
      { 'src/main.ts': '' },
    );
    expect(readAppChecked(none).problems).toEqual([
      {
        field: 'runikraft.params["libc.start"]',
        message: 'names programs to start, but the app declares no "runikraft.programs"',
      },
    ]);
    const empty = app({ programs: [] }, {});
    expect(readAppChecked(empty).problems.map((p) => p.field)).toEqual(['runikraft.programs']);
  });

  it('compile errors of several programs come in one error, each naming its program', () => {
    const dir = app(
      { programs: [{ entry: 'src/one.c' }, { entry: 'src/two.c' }, { entry: 'src/ok.c' }] },
      {
        'src/one.c': 'int main(void) { return x; }\n',
        'src/two.c': 'int main(void) {\n',
        'src/ok.c': MAIN,
      },
    );
    const a = readApp(dir);
    const out = join(dir, 'build');
    mkdirSync(out);
    let err: unknown;
    try {
      prepareProgramsMain(a, out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RkUsageError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^rk: .*package\.json: 2 programs failed to build:\n/);
    expect(msg).toMatch(
      / {2}runikraft\.programs\[0\] \(one\): rk: compiling .*one\.c failed:\n.*use of undeclared identifier 'x'/,
    );
    expect(msg).toMatch(/ {2}runikraft\.programs\[1\] \(two\): rk: compiling .*two\.c failed:\n/);
    expect(msg).not.toContain('(ok)');
  }, 120_000);
});
