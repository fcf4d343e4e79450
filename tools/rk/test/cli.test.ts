// End-to-end tests of the rk bin's verbs that need no machine: --version, --help, errors, build, ls.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RK_VERSION } from '../src/version';
import { cleanupRk, fixtureApp, rk, rkDir } from './helpers/rk-bin';

const fixtures = new Map<string, string>();
const fixture = (name: string) =>
  fixtures.get(name) ?? fixtures.set(name, fixtureApp(name)).get(name)!;
afterAll(cleanupRk);

describe('rk bin', () => {
  it('prints its version, kept equal to package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(rkDir, 'package.json'), 'utf8'));
    expect(RK_VERSION).toBe(pkg.version);
    const r = await rk(['--version']);
    expect([r.status, r.stdout]).toEqual([0, `rk ${pkg.version}\n`]);
  });

  it('has --help on every verb', async () => {
    for (const args of [
      ['--help'],
      ['build', '--help'],
      ['run', '--help'],
      ['ls', '--help'],
      ['config', '-h'],
      ['help', 'run'],
    ]) {
      const r = await rk(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/^(rk —|usage: rk )/);
    }
    expect((await rk(['run', '--help'])).stdout).toContain(
      '-machine virt[,aclint=on|off][,dumpdtb=FILE]',
    );
  });

  it('names unknown verbs and options', async () => {
    const v = await rk(['frobnicate']);
    expect([v.status, v.stderr]).toEqual([
      2,
      "rk: unknown verb 'frobnicate' (verbs: build, run, ls, config, help; see rk --help)\n",
    ]);
    const none = await rk([]);
    expect(none.status).toBe(2);
    const b = await rk(['build', '--fast']);
    expect([b.status, b.stderr]).toEqual([
      1,
      "rk build: unsupported option '--fast' (supported: --out-dir DIR, --no-typecheck, --no-asyncify, --quiet, --help)\n",
    ]);
    const r = await rk(['run', '-enable-kvm']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^rk run: unsupported option '-enable-kvm' \(supported: -machine\/-M, -m, .*\)\n$/,
    );
    const m = await rk(['run', '-m', 'lots']);
    expect(m.stderr).toContain("rk run: -m: bad value 'lots'");
    const l = await rk(['ls', 'a', 'b']);
    expect([l.status, l.stderr]).toEqual([
      2,
      "rk ls: unexpected argument 'b': give one app directory\n",
    ]);
  });

  it('builds an app and prints the size report', async () => {
    rmSync(join(fixture('exit3'), 'build'), { recursive: true, force: true });
    const r = await rk(['build', fixture('exit3')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^rk build: rk-fixture-exit3@0\.0\.1 on @runikraft\/plat-qemu-riscv → .*image\.mjs \(\d+ ms\)\n/,
    );
    expect(r.stdout).toMatch(/\n@runikraft\/plat-qemu-riscv +0\.1\.0 +platform +[\d,]+ +[\d.]+%\n/);
    expect(r.stdout).toMatch(/\n@runikraft\/rkboot +0\.1\.0 +core +[\d,]+/);
    expect(existsSync(join(fixture('exit3'), 'build/image.mjs'))).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(fixture('exit3'), 'build/image.manifest.json'), 'utf8'),
    );
    expect(manifest.machine).toEqual({ memory: '64M', clock: 'virtual' });
    expect(readFileSync(join(fixture('exit3'), 'build/image.mjs'), 'utf8')).not.toMatch(
      /from\s*"node:/,
    );
  });

  it('rk build --no-typecheck builds an app whose sources do not type-check', async () => {
    const dir = fixtureApp('helloworld');
    const main = join(dir, 'src/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('console.out(', 'console.outt('));
    const checked = await rk(['build', dir]);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toMatch(
      /^rk build: 1 type error \(rk build --no-typecheck skips the check\):\n/,
    );
    expect(checked.stderr).toMatch(
      /src\/main\.ts:\d+:\d+ - error TS2551: Property 'outt' does not exist/,
    );
    expect(existsSync(join(dir, 'build/image.mjs'))).toBe(false);
    const r = await rk(['build', dir, '--no-typecheck', '-q']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'build/image.mjs'), 'utf8')).toContain('outt(');
    // Before the app directory too, as every rk build option.
    rmSync(join(dir, 'build'), { recursive: true, force: true });
    expect((await rk(['build', '--no-typecheck', '-q', dir])).status).toBe(0);
  });

  it('builds the current directory by default and fails clearly outside an app', async () => {
    const r = await rk(['build', '-q'], { cwd: fixture('exit3') });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    const bad = await rk(['build'], { cwd: `${rkDir}/test` });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'rk: package.json not found: \'.\' is not an app directory (an app is a folder with a package.json that has a "runikraft" field)\n',
    );
  });

  it('lists the composition', async () => {
    const r = await rk(['ls', fixture('exit3')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /\nrkplat +@runikraft\/plat-qemu-riscv@0\.1\.0 +only provider +rk-fixture-exit3 \(the app\), @runikraft\/rkboot\n/,
    );
    expect((await rk(['config', fixture('exit3')])).stdout).toBe(r.stdout);
  });
});
