// Tests for rk build (src/build.ts, compose.ts, closure.ts, bundle.ts, manifest.ts) on throwaway trees.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildImage, staleReason } from '../src/build';
import { RkUsageError } from '../src/errors';
import { listComposition } from '../src/ls';
import { fakeApp, fakePackage, writeTree } from './helpers/tree';

const plat = fakePackage({ name: '@t/plat', provides: ['rkplat'], platform: true });
const allocA = fakePackage({ name: '@t/alloc-a', provides: ['rkalloc'], requires: ['rkplat'] });
const allocB = fakePackage({ name: '@t/alloc-b', provides: ['rkalloc'], requires: ['rkplat'] });
const sched = fakePackage({
  name: '@t/sched',
  provides: ['rksched'],
  requires: ['rkalloc'],
  dependencies: ['@t/alloc-a'],
});

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RkUsageError);
    return (e as Error).message;
  }
  throw new Error('expected rk build to fail');
}

describe('rk build', () => {
  it('bundles only the chosen libraries, in order, and writes the manifest', async () => {
    const root = writeTree({
      ...plat,
      ...allocA,
      ...allocB,
      ...sched,
      ...fakeApp(['@t/plat', '@t/sched', '@t/alloc-b'], {
        params: { 'rkdebug.level': 'warn' },
        select: { rkalloc: '@t/alloc-a' },
      }),
    });
    const logs: string[] = [];
    const { imagePath, manifest } = await buildImage(join(root, 'app'), {
      log: (t) => logs.push(t),
    });
    expect(imagePath).toBe(join(root, 'app', 'build', 'image.mjs'));
    const image = readFileSync(imagePath, 'utf8');
    expect(image).toContain('"@t/alloc-a"');
    expect(image).toContain('"@t/sched"');
    expect(image).not.toContain('@t/alloc-b');
    expect(image).not.toMatch(/from\s*["']node:/);
    expect(manifest.platform).toEqual({
      name: '@t/plat',
      version: '1.2.3',
      entry: '@t/plat/plat',
      machine: '@t/plat/machine',
    });
    expect(manifest.libraries.map((l) => [l.name, l.version])).toEqual([
      ['@t/plat', '1.2.3'],
      ['@t/alloc-a', '1.2.3'],
      ['@t/sched', '1.2.3'],
    ]);
    expect(manifest.libraries.every((l) => l.bytes > 0)).toBe(true);
    expect(manifest.resolution.map((r) => r.text)).toContain(
      'rkalloc ← @t/alloc-a (selected in package.json)',
    );
    expect(manifest.unused).toEqual([
      { name: '@t/alloc-b', version: '1.2.3', provides: ['rkalloc'] },
    ]);
    expect(manifest.params).toEqual({ 'rkdebug.level': 'warn' });
    expect(manifest.imageBytes).toBe(readFileSync(imagePath).length);
    expect(manifest.packages.find((p) => p.name === '@runikraft/rkboot')!.role).toBe('core');
    expect(
      JSON.parse(readFileSync(join(root, 'app/build/image.manifest.json'), 'utf8')).app.name,
    ).toBe('fake-app');
    const entry = readFileSync(join(root, 'app/build/entry.generated.ts'), 'utf8');
    expect(entry).toContain('import { library as l0 } from "@t/alloc-a";');
    expect(entry).toContain('import { library as l1 } from "@t/sched";');
    expect(entry).toContain(
      'libraries: [{ ...l0, version: "1.2.3" }, { ...l1, version: "1.2.3" }],',
    );
    expect(logs[0]).toMatch(/^rk build: fake-app@0.0.1 on @t\/plat → .*image\.mjs/);
    expect(logs[0]).toMatch(/\n@t\/sched +1\.2\.3 +library +\d+/);
    expect(logs[0]).toMatch(/\ntotal +[\d,]+ +[\d.]+ KiB$/);
  });

  it('the built image is a script defining RunikraftImage.default, the entry (hart, a0, a1)', async () => {
    const root = writeTree({ ...plat, ...fakeApp(['@t/plat']) });
    const { imagePath, manifest } = await buildImage(join(root, 'app'));
    const context = createContext({});
    runInContext(readFileSync(imagePath, 'utf8'), context);
    const entry = runInContext('RunikraftImage.default', context);
    expect(typeof entry).toBe('function');
    expect(entry.length).toBe(3);
    expect(manifest.format).toBe(2);
  });

  it('honours select', async () => {
    const root = writeTree({
      ...plat,
      ...allocA,
      ...allocB,
      ...fakeApp(['@t/plat', '@t/alloc-a', '@t/alloc-b'], { select: { rkalloc: '@t/alloc-b' } }),
    });
    const { manifest } = await buildImage(join(root, 'app'));
    expect(manifest.libraries.map((l) => l.name)).toEqual(['@t/plat', '@t/alloc-b']);
    expect(manifest.resolution.find((r) => r.api === 'rkalloc')!.text).toBe(
      'rkalloc ← @t/alloc-b (selected in package.json)',
    );
  });

  it('fails on an ambiguous provider with the select fix naming the app package.json', async () => {
    const root = writeTree({
      ...plat,
      ...allocA,
      ...allocB,
      ...fakeApp(['@t/plat', '@t/alloc-a', '@t/alloc-b']),
    });
    const msg = await failure(buildImage(join(root, 'app')));
    expect(msg).toContain(
      "rk: 2 installed packages provide the API 'rkalloc' (required by fake-app (the app)): @t/alloc-a@1.2.3, @t/alloc-b@1.2.3.",
    );
    expect(msg).toMatch(
      /fix: choose one in .*app\/package\.json: "runikraft": \{ "select": \{ "rkalloc": "@t\/alloc-a" \} \}/,
    );
  });

  it('fails when a dependency is not installed', async () => {
    const root = writeTree({ ...plat, ...fakeApp(['@t/plat', '@t/ghost']) });
    expect(await failure(buildImage(join(root, 'app')))).toMatch(
      /^rk: @t\/ghost \(a dependency of fake-app\) is not installed\n {2}fix: run (npm|pnpm) install in \S*app/,
    );
  });

  it('follows installed peer and optional dependencies and skips missing ones', async () => {
    const lib = fakePackage({ name: '@t/lib', provides: ['rklib'], requires: ['rkalloc'] });
    const pkgPath = 'node_modules/@t/lib/package.json';
    const pkg = lib[pkgPath] as Record<string, unknown>;
    pkg.peerDependencies = { '@t/alloc-a': '*' };
    pkg.optionalDependencies = { '@t/not-there': '*' };
    const root = writeTree({ ...plat, ...allocA, ...lib, ...fakeApp(['@t/plat', '@t/lib']) });
    const { manifest } = await buildImage(join(root, 'app'));
    expect(manifest.libraries.map((l) => l.name)).toEqual(['@t/plat', '@t/alloc-a', '@t/lib']);
  });

  it('refuses two installed copies of one Runikraft package', async () => {
    const user = fakePackage({
      name: '@t/user',
      provides: ['rkuser'],
      dependencies: ['@t/alloc-a'],
    });
    const nested = fakePackage({
      name: '@t/alloc-a',
      provides: ['rkalloc'],
      under: 'node_modules/@t/user',
    });
    (
      nested['node_modules/@t/user/node_modules/@t/alloc-a/package.json'] as { version: string }
    ).version = '9.9.9';
    const root = writeTree({
      ...plat,
      ...allocA,
      ...user,
      ...nested,
      ...fakeApp(['@t/plat', '@t/alloc-a', '@t/user']),
    });
    expect(await failure(buildImage(join(root, 'app')))).toMatch(
      /^rk: two copies of @t\/alloc-a are installed: 1\.2\.3 at .* and 9\.9\.9 at .*\(the latter for @t\/user\); an image may contain only one\n {2}fix: align the version ranges and run pnpm dedupe/,
    );
  });

  it('fails when no platform is installed', async () => {
    const root = writeTree({ ...allocA, ...fakeApp(['@t/alloc-a']) });
    expect(await failure(buildImage(join(root, 'app')))).toContain(
      "no installed package provides the API 'rkplat', required by fake-app (the app), @t/alloc-a.",
    );
  });

  it('refuses an image that imports a Node builtin, naming the importer', async () => {
    const bad = fakePackage({
      name: '@t/bad',
      provides: ['rkbad'],
      code: "import { readFileSync } from 'node:fs';\nexport const leak = readFileSync;\nlibrary.leak = readFileSync;\n",
    });
    const root = writeTree({ ...plat, ...bad, ...fakeApp(['@t/plat', '@t/bad']) });
    const msg = await failure(buildImage(join(root, 'app')));
    expect(msg).toContain(
      'rk build: the image imports Node builtins, which do not exist on the machine:',
    );
    expect(msg).toMatch(/'node:fs' imported by .*node_modules\/@t\/bad\/index\.js/);
    // The rule itself, not a citation of a design note npm users do not have.
    expect(msg).toMatch(/\n {2}fix: the image is guest code: .* never Node's; move host code out/);
    expect(msg).not.toMatch(/DESIGN/);
  });

  it('reports bundling errors with file and line', async () => {
    const root = writeTree({
      ...plat,
      ...fakeApp(['@t/plat'], {}, 'export default function main( {\n'),
    });
    expect(await failure(buildImage(join(root, 'app')))).toMatch(
      /^rk build: bundling failed:\n {2}.*src\/main\.ts:\d+:\d+: /,
    );
  });

  it('validates the runikraft field', async () => {
    const mk = (rk: object) => join(writeTree({ ...plat, ...fakeApp(['@t/plat'], rk) }), 'app');
    expect(await failure(buildImage(mk({ entry: 'src/nope.ts' })))).toMatch(
      /\n {2}runikraft\.entry: names src\/nope\.ts, which does not exist/,
    );
    expect(await failure(buildImage(mk({ select: ['x'] })))).toMatch(
      /\n {2}runikraft\.select: must be an object \{"<api>": "<package>"\}/,
    );
    expect(await failure(buildImage(mk({ params: { a: {} } })))).toMatch(
      /\n {2}runikraft\.params\["a"\]: \{\} is not a string, number or boolean/,
    );
    expect(await failure(buildImage(mk({ machin: {} })))).toMatch(
      /\n {2}runikraft\.machin: unknown key; did you mean machine\? \(known: entry, select, params, paramPrefix, machine, requires, provides, program, programs\)/,
    );
    expect(await failure(buildImage(mk({ paramPrefix: 'a.b' })))).toMatch(
      /\n {2}runikraft\.paramPrefix: must be a name such as "httpreply"/,
    );
    expect(await failure(buildImage(mk({ machine: { ram: 1 } })))).toMatch(
      /\n {2}runikraft\.machine\.ram: unknown key \(known: memory, bios, clock, append, smp, aclint, device, netdev, drive, fsdev, virtfs\)/,
    );
    expect(await failure(buildImage(mk({ machine: { device: 'virtio-rng-device' } })))).toMatch(
      /\n {2}runikraft\.machine\.device: 'virtio-rng-device' is not an array of QEMU -device strings/,
    );
    expect(await failure(buildImage(join(writeTree({ 'x/README': '' }), 'x')))).toMatch(
      /package\.json not found: .* is not an app directory/,
    );
    expect(
      await failure(buildImage(join(writeTree({ 'x/package.json': { name: 'x' } }), 'x'))),
    ).toMatch(
      /package\.json has no "runikraft" field, so it is not a Runikraft app \(add "runikraft": \{"entry": "src\/main\.ts"\}/,
    );
    expect(await failure(buildImage(join(writeTree({ 'x/package.json': '{,' }), 'x')))).toMatch(
      /package\.json is not valid JSON/,
    );
  });

  it('knows when the image is stale', async () => {
    const root = writeTree({ ...plat, ...fakeApp(['@t/plat']) });
    const app = join(root, 'app');
    expect(staleReason(app)).toBe('no image yet');
    await buildImage(app);
    expect(staleReason(app)).toBeUndefined();
    const future = new Date(Date.now() + 10_000);
    utimesSync(join(app, 'src/main.ts'), future, future);
    expect(staleReason(app)).toMatch(/src\/main\.ts changed$/);
    writeFileSync(
      join(app, 'build/image.manifest.json'),
      JSON.stringify({ inputs: ['src/gone.ts'] }),
    );
    expect(staleReason(app)).toBe('image format undefined is outdated');
    writeFileSync(
      join(app, 'build/image.manifest.json'),
      JSON.stringify({ format: 2, inputs: ['src/gone.ts'] }),
    );
    expect(staleReason(app)).toBe('src/gone.ts is gone');
    writeFileSync(
      join(app, 'build/image.manifest.json'),
      JSON.stringify({ format: 1, inputs: [] }),
    );
    expect(staleReason(app)).toBe('image format 1 is outdated');
  });
});

describe('rk ls', () => {
  it('shows provider, reason and who requires each API, and what was not chosen', () => {
    const root = writeTree({
      ...plat,
      ...allocA,
      ...allocB,
      ...sched,
      ...fakeApp(['@t/plat', '@t/sched', '@t/alloc-b'], { select: { rkalloc: '@t/alloc-a' } }),
    });
    const text = listComposition(join(root, 'app'));
    expect(text).toMatch(/^fake-app@0\.0\.1 \(.*package\.json\)/);
    expect(text).toMatch(
      /\nrkalloc +@t\/alloc-a@1\.2\.3 +selected in package\.json +fake-app \(the app\), @t\/sched\n/,
    );
    expect(text).toMatch(
      /\nrkplat +@t\/plat@1\.2\.3 +only provider +fake-app \(the app\), @t\/alloc-a\n/,
    );
    expect(text).toContain('init order: @t/plat → @t/alloc-a → @t/sched');
    expect(text).toContain('not chosen:\n  @t/alloc-b@1.2.3 (provides rkalloc)');
  });
});
