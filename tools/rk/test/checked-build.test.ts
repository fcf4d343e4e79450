// rk build as a checked build (issue 13): type errors in the app's sources, package.json params and
// machine fields against what the composed libraries declare, a component without `library`, all
// reported in one run and naming where the user wrote the mistake.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage, staleReason } from '../src/build';
import { RkUsageError } from '../src/errors';
import { cleanupRk, fixtureApp } from './helpers/rk-bin';
import { fakeApp, fakePackage, writeTree } from './helpers/tree';

afterAll(cleanupRk);

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RkUsageError);
    return (e as Error).message;
  }
  throw new Error('expected rk build to fail');
}

/** A private helloworld (typed workspace packages) with `main` replaced. */
function appWithMain(main: string): string {
  const dir = fixtureApp('helloworld');
  writeFileSync(join(dir, 'src/main.ts'), main);
  return dir;
}

const HELLO = `import type { RkMainArgs } from '@runikraft/rkboot';

export default function main({ plat }: RkMainArgs): number {
  plat.console.out('Hello\\n');
  return 0;
}
`;

describe('rk build type-checks the app', () => {
  it('a typo is a build error at src/main.ts:line:col, and no image is left to run', async () => {
    const dir = appWithMain(HELLO);
    await buildImage(dir); // a clean build first: its stamp must not hide the later error
    expect(existsSync(join(dir, 'build/typecheck.stamp.json'))).toBe(true);
    writeFileSync(join(dir, 'src/main.ts'), HELLO.replace('console.out(', 'console.outt('));
    const msg = await failure(buildImage(dir));
    expect(msg).toMatch(/^rk build: 1 type error \(rk build --no-typecheck skips the check\):\n/);
    expect(msg).toMatch(
      /src\/main\.ts:4:16 - error TS2551: Property 'outt' does not exist on type 'RkPlatConsole'\. Did you mean 'out'\?/,
    );
    expect(existsSync(join(dir, 'build/image.mjs'))).toBe(false);
    expect(existsSync(join(dir, 'build/image.manifest.json'))).toBe(false);
    expect(staleReason(dir)).toBe('no image yet');
    // --no-typecheck builds it anyway (the image then fails at boot, as before).
    const { imagePath } = await buildImage(dir, { typecheck: false });
    expect(readFileSync(imagePath, 'utf8')).toContain('outt(');
  });

  it('registry.get types the composed APIs with no import boilerplate (rk-env.d.ts)', async () => {
    const uses = (api: string) => `import type { RkMainArgs } from '@runikraft/rkboot';

export default function main({ registry }: RkMainArgs): number {
  const a: number = registry.get('${api}').default.malloc(16);
  return a === 0 ? 1 : 0;
}
`;
    const dir = appWithMain(uses('rkalloc'));
    await buildImage(dir);
    const env = readFileSync(join(dir, 'build/rk-env.d.ts'), 'utf8');
    expect(env).toMatch(
      /import type \{\} from ".*rkalloc.*"; \/\/ rkalloc ← @runikraft\/rkalloc-tlsf/,
    );
    // The check is real: an API that is not composed does not type.
    writeFileSync(join(dir, 'src/main.ts'), uses('rkallocc'));
    expect(await failure(buildImage(dir))).toMatch(
      /src\/main\.ts:4:34 - error TS2345: Argument of type '"rkallocc"' is not assignable/,
    );
  });

  it('console and TextEncoder (rkboot installs them in the guest) type; Node globals do not', async () => {
    const dir = appWithMain(`export default function main(): number {
  console.log(new TextEncoder().encode('x').length);
  return process.exitCode ?? 0;
}
`);
    const msg = await failure(buildImage(dir));
    expect(msg).toMatch(
      /src\/main\.ts:3:10 - error TS25(80|91): Cannot find name 'process' \(the image runs in a guest realm without Node's globals/,
    );
    expect(msg).toMatch(/^rk build: 1 type error/); // line 2 (console, TextEncoder) checks
  });
});

describe('rk build checks package.json against the composition', () => {
  it('reports every params and machine problem in one run, naming the field', async () => {
    const dir = appWithMain(HELLO);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.runikraft.params = {
      'rkboot.baner': true,
      'rkdebug.level': 'loud',
      'rkboot.initlog': 'yes',
      nodot: 1,
      'nolib.x': 2,
    };
    pkg.runikraft.machine = { memory: '12Q', smp: 0, bioss: 'none', clock: 'virtual' };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const msg = await failure(buildImage(dir));
    const lines = msg.split('\n');
    expect(lines[0]).toMatch(/^rk: .*package\.json: 7 problems:$/);
    expect(lines.slice(1)).toEqual([
      `  runikraft.machine.memory: '12Q' is not a size (accepted: QEMU sizes such as "128M", "1G", or a number of MiB)`,
      '  runikraft.machine.smp: 0 is below 1',
      '  runikraft.machine.bioss: unknown key; did you mean bios? (known: memory, bios, clock, append, smp, aclint, device, netdev, drive, fsdev, virtfs)',
      '  runikraft.params["rkboot.baner"]: unknown parameter; did you mean rkboot.banner? (rkboot has: rkboot.banner, rkboot.initlog)',
      `  runikraft.params["rkdebug.level"]: expected one of crit, err, warn, info, debug, got 'loud'`,
      '  runikraft.params["nodot"]: must be written "library.param"',
      '  runikraft.params["nolib.x"]: unknown library \'nolib\' (libraries with parameters: rkalloc-tlsf, rkboot, rkdebug, rkparam)',
    ]);
    expect(msg).not.toMatch(/-smp/);
  });

  it('accepts a QEMU -smp topology string and good params', async () => {
    const dir = appWithMain(HELLO);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.runikraft.params = { 'rkboot.banner': false, 'rkdebug.level': 'warn' };
    pkg.runikraft.machine = { memory: 64, smp: '2,sockets=1,cores=2,threads=1' };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const { manifest } = await buildImage(dir);
    expect(manifest.machine.smp).toBe('2,sockets=1,cores=2,threads=1');
    pkg.runikraft.machine.smp = '3,sockets=2';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    expect(await failure(buildImage(dir))).toMatch(
      /runikraft\.machine\.smp: Invalid CPU topology: product of the hierarchy must match maxcpus/,
    );
  });

  it('a component without a `library` export: the error says a component must export it', async () => {
    const plat = fakePackage({ name: '@t/plat', provides: ['rkplat'], platform: true });
    const bad = fakePackage({ name: '@t/alloc', provides: ['rkalloc'] });
    bad['node_modules/@t/alloc/index.js'] = 'export const descriptor = {};\n';
    const root = writeTree({ ...plat, ...bad, ...fakeApp(['@t/plat', '@t/alloc']) });
    expect(await failure(buildImage(join(root, 'app')))).toContain(
      "@t/alloc has no export named 'library': a component must export `library`, its descriptor",
    );
  });
});
