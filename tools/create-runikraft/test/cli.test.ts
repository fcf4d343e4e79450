// The command line and the scaffolder: what each template writes, the package.json it builds (version
// ranges of the packages as they are in this repo), and the precise refusals.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMain } from '../src/cli';
import { APP_TEMPLATES, COMPONENT_TEMPLATES } from '../src/templates';

const root = mkdtempSync(join(tmpdir(), 'create-rk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function create(...args: string[]) {
  let out = '';
  let err = '';
  const status = createMain(args, { out: (s) => (out += s), err: (s) => (err += s), cwd: root });
  return { status, out, err };
}

const repoVersion = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8'))
    .version as string;

describe('create-runikraft', () => {
  it('makes the helloworld app by default, with ranges of the released packages', () => {
    const r = create(join(root, 'my-unikernel'));
    expect([r.status, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      'Created my-unikernel in my-unikernel (helloworld template).\nNext:\n  cd my-unikernel\n  npm install\n  npx rk run\n',
    );
    const pkg = JSON.parse(readFileSync(join(root, 'my-unikernel/package.json'), 'utf8'));
    expect(pkg.name).toBe('my-unikernel');
    expect(pkg.dependencies).toEqual({
      '@runikraft/plat-qemu-riscv': `^${repoVersion('@runikraft/plat-qemu-riscv')}`,
      '@runikraft/rkalloc-tlsf': `^${repoVersion('@runikraft/rkalloc-tlsf')}`,
      '@runikraft/rkboot': `^${repoVersion('@runikraft/rkboot')}`,
    });
    expect(pkg.devDependencies).toEqual({ '@runikraft/rk': `^${repoVersion('@runikraft/rk')}` });
    expect(pkg.runikraft.entry).toBe('src/main.ts');
    expect(readFileSync(join(root, 'my-unikernel/.gitignore'), 'utf8')).toContain('build/');
  });

  it('writes every template with its name substituted and no placeholder left', () => {
    for (const t of [
      ...APP_TEMPLATES.map((a) => ['--template', a.name]),
      ...COMPONENT_TEMPLATES.map((c) => ['--component', c.iface]),
    ]) {
      const dir = join(root, `x-${t[1]}`);
      const r = create(dir, ...t);
      expect([r.status, r.err]).toEqual([0, '']);
      for (const f of ['package.json', 'README.md', 'src/index.ts', 'src/main.ts']) {
        let text: string;
        try {
          text = readFileSync(join(dir, f), 'utf8');
        } catch {
          continue;
        }
        expect(text, f).not.toMatch(/__NAME__|__LIB__/);
      }
    }
    const comp = JSON.parse(readFileSync(join(root, 'x-rkalloc/package.json'), 'utf8'));
    expect(comp.runikraft).toEqual({ provides: ['rkalloc'], requires: ['rkplat'] });
    expect(comp.exports).toEqual({ '.': './src/index.ts' });
    expect(comp.devDependencies.vitest).toMatch(/^[~^]\d/);
    expect(readFileSync(join(root, 'x-rkalloc/src/index.ts'), 'utf8')).toContain(
      "name: 'x-rkalloc'",
    );
    // A driver provides its own name (an image may hold several), in package.json and descriptor.
    const drv = JSON.parse(readFileSync(join(root, 'x-rkblkdev/package.json'), 'utf8'));
    expect(drv.runikraft).toEqual({
      provides: ['x-rkblkdev'],
      requires: ['rkalloc', 'rkblkdev', 'rkplat'],
    });
    expect(readFileSync(join(root, 'x-rkblkdev/src/index.ts'), 'utf8')).toContain(
      "provides: ['x-rkblkdev']",
    );
  });

  it('takes --name for a scoped package, whose library name drops the scope', () => {
    const r = create(join(root, 'alloc2'), '--component', 'rkalloc', '--name', '@me/fast-alloc');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'alloc2/package.json'), 'utf8')).name).toBe(
      '@me/fast-alloc',
    );
    expect(readFileSync(join(root, 'alloc2/src/index.ts'), 'utf8')).toContain("name: 'fast-alloc'");
  });

  it('refuses precisely: unknown template or interface, occupied folder, bad name, bad options', () => {
    expect(create('a', '--template', 'nginx')).toEqual({
      status: 2,
      out: '',
      err: "create-runikraft: no template 'nginx' (known: helloworld, http)\n",
    });
    expect(create('a', '--component', 'rkfoo').err).toBe(
      `create-runikraft: no component template for 'rkfoo' (known: ${COMPONENT_TEMPLATES.map((c) => c.iface).join(', ')})\n`,
    );
    writeFileSync(join(root, 'occupied'), 'x');
    expect(create(join(root, 'occupied'))).toMatchObject({
      status: 1,
      err: `create-runikraft: ${join(root, 'occupied')} already exists and is not an empty folder\n`,
    });
    expect(create(join(root, 'Bad Name')).err).toMatch(
      /^create-runikraft: 'Bad Name' is not a valid npm package name .*; pass --name <package-name>\n$/,
    );
    expect(create('--frobnicate').err).toBe(
      'create-runikraft: unknown option --frobnicate (see --help)\n',
    );
    expect(create('a', '--template').err).toBe('create-runikraft: --template needs a value\n');
    expect(create('a', 'b').err).toBe('create-runikraft: one folder only (got a and b)\n');
    expect(create('a', '--template', 'http', '--component', 'rkalloc').status).toBe(2);
  });

  it('prints its usage with every template', () => {
    const r = create('--help');
    expect(r.status).toBe(0);
    for (const t of [
      ...APP_TEMPLATES.map((a) => a.name),
      ...COMPONENT_TEMPLATES.map((c) => c.iface),
    ])
      expect(r.out).toContain(`  ${t} `);
  });
});
