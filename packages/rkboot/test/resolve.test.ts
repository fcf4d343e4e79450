// Tests for the composition resolver (src/resolve.ts): choices, order, and every error kind.
import { describe, expect, it } from 'vitest';
import {
  type RkCandidate,
  type RkCompositionInput,
  RkResolveError,
  resolveComposition,
} from '../src/resolve';

const pkg = (
  name: string,
  provides: string[],
  requires: string[] = [],
  extra: Partial<RkCandidate> = {},
): RkCandidate => ({
  name,
  version: '0.1.0',
  provides,
  requires,
  ...extra,
});
const plat = pkg('@runikraft/plat-qemu-riscv', ['rkplat'], [], {
  platform: { entry: '@runikraft/plat-qemu-riscv/plat' },
  direct: true,
});
const boot = pkg('@runikraft/rkboot', [], ['rkplat'], { direct: true });
const buddy = pkg('@runikraft/rkalloc-buddy', ['rkalloc'], ['rkplat']);
const tiny = pkg('@runikraft/rkalloc-tiny', ['rkalloc'], ['rkplat']);
const rr = pkg('@runikraft/rksched-rr', ['rksched'], ['rkalloc', 'rkplat'], { direct: true });

function problems(input: RkCompositionInput) {
  try {
    resolveComposition(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RkResolveError);
    return (e as RkResolveError).problems;
  }
  throw new Error('expected a composition error');
}

describe('resolveComposition', () => {
  it('chooses the only provider of each API transitively and explains it', () => {
    const c = resolveComposition({ app: { name: 'hello' }, candidates: [rr, buddy, boot, plat] });
    expect(c.platform.name).toBe('@runikraft/plat-qemu-riscv');
    expect(c.libraries.map((l) => l.name)).toEqual([
      '@runikraft/plat-qemu-riscv',
      '@runikraft/rkalloc-buddy',
      '@runikraft/rksched-rr',
    ]);
    expect(c.choices.map((x) => x.text)).toEqual([
      'rkalloc ← @runikraft/rkalloc-buddy (only provider)',
      'rkplat ← @runikraft/plat-qemu-riscv (only provider)',
      'rksched ← @runikraft/rksched-rr (only provider)',
    ]);
    expect(c.choices.find((x) => x.api === 'rkalloc')!.requiredBy).toEqual([
      '@runikraft/rksched-rr',
    ]);
  });

  it('leaves out providers nothing requires', () => {
    const c = resolveComposition({ app: { name: 'hello' }, candidates: [plat, boot, buddy] });
    expect(c.libraries.map((l) => l.name)).toEqual(['@runikraft/plat-qemu-riscv']);
    expect(c.unused.map((l) => l.name)).toEqual(['@runikraft/rkalloc-buddy']);
  });

  it('honours select and says so', () => {
    const c = resolveComposition({
      app: { name: 'hello', select: { rkalloc: '@runikraft/rkalloc-tiny' } },
      candidates: [plat, rr, buddy, tiny],
    });
    expect(c.choices.find((x) => x.api === 'rkalloc')!.text).toBe(
      'rkalloc ← @runikraft/rkalloc-tiny (selected in package.json)',
    );
    expect(c.unused.map((l) => l.name)).toEqual(['@runikraft/rkalloc-buddy']);
  });

  it('prefers the single provider the app lists directly', () => {
    const c = resolveComposition({
      app: { name: 'hello' },
      candidates: [plat, rr, { ...buddy, direct: true }, tiny],
    });
    const choice = c.choices.find((x) => x.api === 'rkalloc')!;
    expect(choice.reason).toBe('direct');
    expect(choice.text).toContain('also installed: @runikraft/rkalloc-tiny');
  });

  it('includes the app requires as roots', () => {
    const c = resolveComposition({
      app: { name: 'hello', requires: ['rkalloc'] },
      candidates: [plat, tiny],
    });
    expect(c.libraries.map((l) => l.name)).toEqual([
      '@runikraft/plat-qemu-riscv',
      '@runikraft/rkalloc-tiny',
    ]);
    expect(c.choices.find((x) => x.api === 'rkalloc')!.requiredBy).toEqual(['hello (the app)']);
  });

  it('orders topologically with deterministic ties, platform first', () => {
    const a = pkg('z-a', ['a'], ['b']);
    const b = pkg('y-b', ['b'], ['c', 'rkplat']);
    const c = pkg('x-c', ['c']);
    const d = pkg('w-d', ['d']);
    const res = resolveComposition({
      app: { name: 'app', requires: ['a', 'd'] },
      candidates: [a, b, c, d, plat],
    });
    expect(res.libraries.map((l) => l.name)).toEqual([
      '@runikraft/plat-qemu-riscv',
      'w-d',
      'x-c',
      'y-b',
      'z-a',
    ]);
    const shuffled = resolveComposition({
      app: { name: 'app', requires: ['d', 'a'] },
      candidates: [d, plat, c, a, b],
    });
    expect(shuffled.libraries).toEqual(res.libraries);
  });

  it('reports a missing provider with the API, who requires it and the install fix', () => {
    const [p] = problems({
      app: { name: 'hello' },
      candidates: [plat, rr],
      available: [buddy, tiny],
    });
    expect(p.kind).toBe('missing');
    expect(p.message).toBe(
      "rk: no installed package provides the API 'rkalloc', required by @runikraft/rksched-rr.",
    );
    expect(p.fix).toBe(
      "add a provider to the app's dependencies, e.g. pnpm add @runikraft/rkalloc-buddy (providers available: @runikraft/rkalloc-buddy, @runikraft/rkalloc-tiny)",
    );
  });

  it('reports a missing platform and a generic fix when no provider is known', () => {
    const [p] = problems({ app: { name: 'hello' }, candidates: [] });
    expect(p.message).toContain("'rkplat', required by hello (the app)");
    expect(p.fix).toContain('"runikraft": {"provides": ["rkplat"]}');
  });

  it('reports an ambiguous provider with every candidate and the exact select fix', () => {
    const ps = problems({
      app: { name: 'hello' },
      candidates: [plat, rr, tiny, buddy],
      manifestPath: 'apps/hello/package.json',
    });
    expect(ps).toHaveLength(1);
    expect(ps[0].kind).toBe('ambiguous');
    expect(ps[0].message).toBe(
      "rk: 2 installed packages provide the API 'rkalloc' (required by @runikraft/rksched-rr): @runikraft/rkalloc-buddy@0.1.0, @runikraft/rkalloc-tiny@0.1.0.",
    );
    expect(ps[0].fix).toBe(
      'choose one in apps/hello/package.json: "runikraft": { "select": { "rkalloc": "@runikraft/rkalloc-buddy" } }',
    );
    expect(
      (() => {
        try {
          resolveComposition({ app: { name: 'h' }, candidates: [plat, rr, tiny, buddy] });
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    ).toContain('\n  fix: choose one');
  });

  it('rejects a select naming a package that is not installed', () => {
    const [p] = problems({
      app: { name: 'hello', select: { rkalloc: '@runikraft/rkalloc-tlsf' } },
      candidates: [plat, rr, buddy],
    });
    expect(p.kind).toBe('bad-select');
    expect(p.message).toContain(
      "selects @runikraft/rkalloc-tlsf for 'rkalloc', but @runikraft/rkalloc-tlsf is not installed",
    );
    expect(p.message).toContain("installed providers of 'rkalloc': @runikraft/rkalloc-buddy@0.1.0");
    expect(p.fix).toBe(
      'set "select": {"rkalloc": "@runikraft/rkalloc-buddy"} (or another installed provider)',
    );
  });

  it('rejects a select naming a package that does not provide the API', () => {
    const [p] = problems({
      app: { name: 'hello', select: { rkalloc: '@runikraft/rksched-rr' } },
      candidates: [plat, rr],
    });
    expect(p.message).toContain(
      "@runikraft/rksched-rr does not provide 'rkalloc' (it provides: rksched)",
    );
    expect(p.message).toContain("no installed package provides 'rkalloc'");
  });

  it('reports a dependency cycle naming each step', () => {
    const a = pkg('a-lib', ['a'], ['b']);
    const b = pkg('b-lib', ['b'], ['a']);
    const [p] = problems({ app: { name: 'app', requires: ['a'] }, candidates: [plat, a, b] });
    expect(p.kind).toBe('cycle');
    expect(p.message).toBe(
      "rk: the libraries' requirements form a cycle: a-lib → b-lib → a-lib; a-lib requires 'b' (provided by b-lib), b-lib requires 'a' (provided by a-lib).",
    );
  });

  it('ignores a library requiring an API it provides itself', () => {
    const self = pkg('self', ['s'], ['s']);
    expect(
      resolveComposition({ app: { name: 'app', requires: ['s'] }, candidates: [plat, self] })
        .libraries,
    ).toHaveLength(2);
  });

  it('reports a chosen library that also provides an API chosen from another package', () => {
    const both = pkg('both', ['rksched', 'rkalloc'], [], { direct: true });
    const [p] = problems({
      app: { name: 'app', select: { rkalloc: '@runikraft/rkalloc-buddy' } },
      candidates: [plat, both, buddy],
    });
    expect(p.kind).toBe('conflict');
    expect(p.message).toContain(
      "both is in the image (it provides rksched) and also provides 'rkalloc', whose chosen provider is @runikraft/rkalloc-buddy",
    );
  });

  it('treats rkdebug as built into rkboot unless selected', () => {
    const dbgUser = pkg('user', ['u'], ['rkdebug'], { direct: true });
    const c = resolveComposition({ app: { name: 'app' }, candidates: [plat, dbgUser] });
    expect(c.builtins).toEqual(['rkdebug']);
    expect(c.choices.map((x) => x.api)).toEqual(['rkplat', 'u']);
  });

  it('lists several problems at once', () => {
    const ps = problems({ app: { name: 'app', requires: ['x', 'y'] }, candidates: [plat] });
    expect(ps.map((p) => p.api)).toEqual(['x', 'y']);
  });
});
