// Tests for the generated image entry (src/entry.ts).
import type { RkCandidate, RkComposition } from '@runikraft/rkboot';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../src/app';
import { generateEntry } from '../src/entry';

const cand = (name: string, extra: Partial<RkCandidate> = {}): RkCandidate => ({
  name,
  version: '1.0.0',
  provides: [],
  requires: [],
  ...extra,
});
const app: AppConfig = {
  dir: '/repo/apps/demo',
  manifestPath: 'apps/demo/package.json',
  name: '@x/demo',
  version: '2.0.0',
  dependencies: [],
  entry: 'src/main.ts',
  requires: [],
  select: {},
  params: { 'rkboot.banner': false, 'demo.n': 3 },
  machine: {},
};

function composition(platform: RkCandidate, libs: RkCandidate[]): RkComposition {
  return {
    platform,
    libraries: [platform, ...libs],
    choices: [
      {
        api: 'rkplat',
        provider: platform,
        reason: 'only',
        requiredBy: ['@x/demo (the app)'],
        candidates: [platform],
        text: `rkplat ← ${platform.name} (only provider)`,
      },
    ],
    unused: [],
    builtins: [],
  };
}

describe('generateEntry', () => {
  it('imports only the chosen libraries in order, the platform entry, rkboot and main', () => {
    const plat = cand('@x/plat', { provides: ['rkplat'], platform: { entry: '@x/plat/kernel' } });
    const src = generateEntry(
      app,
      composition(plat, [cand('@x/alloc', { version: '1.2.3' }), cand('@x/sched')]),
      '/repo/apps/demo/build',
    );
    expect(src.split('\n').filter((l) => l.startsWith('import'))).toEqual([
      'import { platEntry } from "@x/plat/kernel";',
      'import { appParams, bootImage } from "@runikraft/rkboot";',
      'import { library as l0 } from "@x/alloc";',
      'import { library as l1 } from "@x/sched";',
      'import * as app from "../src/main";',
    ]);
    expect(src).toContain('  main: app.default,');
    expect(src).toContain('  appParams: appParams("demo", app),'); // httpreply.port= style: the name sans scope
    // each library with its package's version (what the banner prints), not the descriptor's literal
    expect(src).toContain(
      '  libraries: [{ ...l0, version: "1.2.3" }, { ...l1, version: "1.0.0" }],',
    );
    expect(src).toContain('  params: {"rkboot.banner":false,"demo.n":3},');
    expect(src).toContain('  name: "@x/demo",\n  version: "2.0.0",');
    expect(src).toContain('//   rkplat ← @x/plat (only provider)');
    expect(src).toContain('return platEntry(hart, a0, a1, (plat) => bootImage(plat, image));');
    expect(src).not.toContain('@x/plat"'); // the platform is not a library
  });

  it("honours the platform's export name and default entry, and other main locations", () => {
    const plat = cand('@x/plat', { provides: ['rkplat'], platform: { export: 'boot' } });
    const src = generateEntry({ ...app, entry: 'main.mts' }, composition(plat, []), '/tmp/out');
    expect(src).toContain('import { boot as platEntry } from "@x/plat/plat";');
    expect(src).toContain('import * as app from "../../repo/apps/demo/main.mts";');
    expect(src).toContain('  libraries: [],');
  });

  it("takes the app's parameter prefix from runikraft.paramPrefix, else the name without scope and app-", () => {
    const plat = cand('@x/plat', { provides: ['rkplat'] });
    const of = (a: AppConfig) =>
      /appParams\("([^"]*)", app\)/.exec(generateEntry(a, composition(plat, []), '/b'))?.[1];
    expect(of({ ...app, name: '@runikraft/app-httpreply' })).toBe('httpreply');
    expect(of({ ...app, name: 'kvstore' })).toBe('kvstore');
    expect(of({ ...app, name: '@runikraft/app-httpreply', paramPrefix: 'web' })).toBe('web');
  });

  it('escapes names and values as string literals', () => {
    const plat = cand('@x/plat', { provides: ['rkplat'] });
    const src = generateEntry(
      { ...app, name: 'we"ird', params: { 's.x': 'a"b\n' } },
      composition(plat, []),
      '/repo/apps/demo/build',
    );
    expect(src).toContain('name: "we\\"ird",');
    expect(src).toContain('params: {"s.x":"a\\"b\\n"},');
  });
});
