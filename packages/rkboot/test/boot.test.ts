import { describe, expect, it } from 'vitest';
import { appParams, defineLibrary, type RkLibrary } from '../src/api';
import { bootImage } from '../src/boot';
import { fakePlat, PoweredOff } from './fake-plat';

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    greeter: { greet(): string };
  }
}

const log: string[] = [];
const greeter = defineLibrary({
  name: 'greeter',
  version: '1.2.3',
  provides: ['greeter'],
  requires: ['rkplat'],
  initLevel: 'lib',
  params: { word: { type: 'string', default: 'hello', doc: 'greeting word' } },
  init({ registry, params }) {
    log.push('greeter');
    registry.provide('greeter', { greet: () => params.word });
  },
});
const user: RkLibrary = {
  name: 'user',
  version: '0.0.1',
  requires: ['greeter'],
  initLevel: 'lib',
  init: () => void log.push('user'),
};
const early: RkLibrary = {
  name: 'early',
  version: '0.0.1',
  initLevel: 'early',
  init: () => void log.push('early'),
};

describe('bootImage', () => {
  it('inits by level and requires, prints the banner, passes args, returns main status', async () => {
    log.length = 0;
    const { plat, output } = fakePlat('greeter.word=hi -- one two');
    const status = await bootImage(plat, {
      name: 'demo',
      version: '9.9.9',
      libraries: [user, greeter, early],
      main: ({ argv, registry }) => {
        registry.get('rkdebug').info(`${registry.get('greeter').greet()} ${argv.join(',')}`);
        return 3;
      },
    });
    expect(status).toBe(3);
    expect(log).toEqual(['early', 'greeter', 'user']);
    expect(output()).toContain('Powered by');
    expect(output()).toContain('libraries: early@0.0.1 greeter@1.2.3 user@0.0.1');
    expect(output()).toMatch(/Info: hi demo,one,two/);
  });
  it('rkboot.banner=off hides the banner; main returning nothing is status 0', async () => {
    const { plat, output } = fakePlat('rkboot.banner=off');
    expect(await bootImage(plat, { name: 'a', version: '1', libraries: [], main: () => {} })).toBe(
      0,
    );
    expect(output()).not.toContain('Powered by');
  });
  it('package.json params are defaults the command line overrides', async () => {
    const { plat } = fakePlat('');
    let word = '';
    await bootImage(plat, {
      name: 'a',
      version: '1',
      libraries: [greeter],
      params: { 'greeter.word': 'pkg', 'rkboot.banner': false },
      main: ({ registry }) => void (word = registry.get('greeter').greet()),
    });
    expect(word).toBe('pkg');
  });
  it('a library with paramPrefix takes its parameters under that prefix, not its name', async () => {
    const { plat } = fakePlat('netdev.ip=10.0.2.15/24 --');
    let got = '';
    const net = defineLibrary({
      name: 'rknet-like',
      version: '1',
      paramPrefix: 'netdev',
      params: { ip: { type: 'string', default: '', doc: 'address' } },
      init: ({ params }) => void (got = params.ip),
    });
    await bootImage(plat, { name: 'a', version: '1', libraries: [net], main: () => 0 });
    expect(got).toBe('10.0.2.15/24');
    const clash = { ...net, name: 'other' };
    const { plat: p2, output } = fakePlat('');
    await expect(
      bootImage(p2, { name: 'a', version: '1', libraries: [net, clash], main: () => 0 }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toMatch(/takes parameter prefix 'netdev', which another library has/);
  });
  it('bad parameters are printed precisely and panic with status 1', async () => {
    const { plat, output } = fakePlat('greeter.wrd=x rkboot.banner=perhaps --');
    await expect(
      bootImage(plat, { name: 'a', version: '1', libraries: [greeter], main: () => 0 }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toContain("unknown parameter 'greeter.wrd' (known: greeter.word)");
    expect(output()).toContain("parameter 'rkboot.banner': expected a boolean");
    expect(output()).toContain('PANIC: rkboot: 2 bad boot parameter(s)');
  });
  it('rkparam.strict=1 rejects foreign tokens', async () => {
    const { plat, output } = fakePlat('console=ttyS0 rkparam.strict=1 --');
    await expect(
      bootImage(plat, { name: 'a', version: '1', libraries: [], main: () => 0 }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toContain("unknown kernel parameter 'console=ttyS0'");
  });
  it('a failing init panics naming the library', async () => {
    const { plat, output } = fakePlat('');
    const bad: RkLibrary = {
      name: 'bad',
      version: '1',
      init: () => {
        throw new Error('no device');
      },
    };
    await expect(
      bootImage(plat, { name: 'a', version: '1', libraries: [bad], main: () => 0 }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toContain("PANIC: rkboot: init of 'bad' (level lib) failed: no device");
  });
  it('a throwing main panics with the reason', async () => {
    const { plat, output } = fakePlat('');
    await expect(
      bootImage(plat, {
        name: 'app',
        version: '1',
        libraries: [],
        main: () => {
          throw new RangeError('boom');
        },
      }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toContain("PANIC: main of 'app' threw: boom");
  });
  it('a missing provider panics with the composition error', async () => {
    const { plat, output } = fakePlat('');
    await expect(
      bootImage(plat, { name: 'a', version: '1', libraries: [user], main: () => 0 }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(output()).toContain(
      "library 'user' requires API 'greeter', which no composed library provides",
    );
  });
  it('runs main through a registered scheduler', async () => {
    const { plat } = fakePlat('');
    const sched: RkLibrary = {
      name: 'sched',
      version: '1',
      provides: ['rksched'],
      init: ({ registry }) =>
        (registry as any).provide('rksched', {
          runMain: async (m: () => Promise<number>) => (await m()) + 100,
        }),
    };
    expect(
      await bootImage(plat, { name: 'a', version: '1', libraries: [sched], main: () => 5 }),
    ).toBe(105);
  });

  it("passes the app's own parameters to main, typed, with defaults, and rejects bad ones", async () => {
    const specs = {
      port: { type: 'number', default: 80, min: 1, max: 65535, integer: true, doc: 'port' },
      url: { type: 'string', default: '', doc: 'url' },
    } as const;
    const mod = { params: specs, default: () => 0 };
    const seen: Record<string, unknown>[] = [];
    const boot = (cmdline: string) =>
      bootImage(fakePlat(cmdline).plat, {
        name: 'web',
        version: '1',
        libraries: [greeter],
        main: ({ params, argv }) => void seen.push({ ...params, argv }),
        appParams: appParams('web', mod),
      });
    await boot('web.port=8080 greeter.word=x -- port=1');
    await boot('');
    expect(seen).toEqual([
      { port: 8080, url: '', argv: ['web', 'port=1'] },
      { port: 80, url: '', argv: ['web'] },
    ]);
    const bad = fakePlat('web.port=0');
    await expect(
      bootImage(bad.plat, {
        name: 'web',
        version: '1',
        libraries: [],
        main: () => 0,
        appParams: appParams('web', mod),
      }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(bad.output()).toMatch(/web\.port/);
    expect(appParams('web', { default: () => 0 })).toBeUndefined();
    const clash = fakePlat('');
    await expect(
      bootImage(clash.plat, {
        name: 'greeter',
        version: '1',
        libraries: [greeter],
        main: () => 0,
        appParams: appParams('greeter', mod),
      }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(clash.output()).toContain(
      "the app's parameter prefix 'greeter' is a composed library's",
    );
  });

  it('term functions run after main returns, in reverse init order, may be async; a throw is logged', async () => {
    const order: string[] = [];
    const lib = (
      name: string,
      level: 'early' | 'lib',
      term: () => void | Promise<void>,
    ): RkLibrary => ({
      name,
      version: '1',
      initLevel: level,
      init: () => void order.push(`init ${name}`),
      term,
    });
    const libs = [
      lib('first', 'early', async () => {
        await Promise.resolve();
        order.push('term first');
      }),
      lib('second', 'lib', () => {
        order.push('term second');
        throw new Error('flush failed');
      }),
    ];
    const { plat, output } = fakePlat('rkboot.banner=off');
    const status = await bootImage(plat, {
      name: 'a',
      version: '1',
      libraries: libs,
      main: () => {
        order.push('main');
        return 4;
      },
    });
    expect(status).toBe(4);
    expect(order).toEqual(['init first', 'init second', 'main', 'term second', 'term first']);
    expect(output()).toContain("rkboot: term of 'second' failed: flush failed");
    order.length = 0;
    const { plat: p2 } = fakePlat('rkboot.banner=off');
    await expect(
      bootImage(p2, {
        name: 'a',
        version: '1',
        libraries: libs,
        main: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toEqual(new PoweredOff(1));
    expect(order).not.toContain('term first'); // a panic powers off at once
  });

  it("registry.get('rkboot').shutdown runs every term once, then powers off with the status", async () => {
    const order: string[] = [];
    const libs: RkLibrary[] = ['first', 'second'].map((name) => ({
      name,
      version: '1',
      term: async () => {
        await Promise.resolve();
        order.push(`term ${name}`);
      },
    }));
    const { plat } = fakePlat('rkboot.banner=off');
    const off = plat.power.shutdown;
    plat.power.shutdown = (status) => {
      order.push(`power off ${status}`);
      return off(status);
    };
    // (the fake's power-off is an ordinary throw, so main's caller then panics; a machine stops)
    await expect(
      bootImage(plat, {
        name: 'a',
        version: '1',
        libraries: libs,
        main: async ({ registry }) => {
          order.push('main');
          await registry.get('rkboot').shutdown(3);
          order.push('after shutdown');
        },
      }),
    ).rejects.toBeInstanceOf(PoweredOff);
    expect(order).toEqual(['main', 'term second', 'term first', 'power off 3']);
  });
});
