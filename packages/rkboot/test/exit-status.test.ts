// main's return value → exit status (src/exit-status.ts), through bootImage as an app sees it.
import { describe, expect, it } from 'vitest';
import { bootImage } from '../src/boot';
import { exitStatusOf } from '../src/exit-status';
import { fakePlat } from './fake-plat';

describe('exitStatusOf', () => {
  it('an integer 0..255 or nothing is the status, without a warning', () => {
    for (const r of [0, 1, 42, 255]) expect(exitStatusOf(r)).toEqual({ status: r });
    expect(exitStatusOf(undefined)).toEqual({ status: 0 });
  });

  it('other integers keep their low 8 bits, as a host process exit status does (QEMU exit())', () => {
    expect(exitStatusOf(256).status).toBe(0);
    expect(exitStatusOf(300).status).toBe(44);
    expect(exitStatusOf(-1).status).toBe(255);
    expect(exitStatusOf(-256).status).toBe(0);
    expect(exitStatusOf(300).warning).toBe(
      "main returned 300, not an integer 0..255: exit status 44 (its low 8 bits, as a host process's exit status)",
    );
  });

  it('non-integers are status 1 with a warning naming what main returned', () => {
    expect(exitStatusOf(2.5)).toEqual({
      status: 1,
      warning: 'main returned 2.5, not an integer 0..255 (or nothing): exit status 1',
    });
    expect(exitStatusOf(Number.NaN).status).toBe(1);
    expect(exitStatusOf('0').warning).toContain('main returned "0"');
    expect(exitStatusOf(true).warning).toContain('main returned boolean');
    expect(exitStatusOf(null).warning).toContain('main returned object');
  });
});

describe('bootImage', () => {
  it("warns on the console and returns the mapped status for main's odd return value", async () => {
    const { plat, output } = fakePlat('rkboot.banner=off');
    const status = await bootImage(plat, {
      name: 'a',
      version: '1',
      libraries: [],
      main: () => -1,
    });
    expect(status).toBe(255);
    expect(output()).toMatch(
      /Warn: rkboot: main returned -1, not an integer 0\.\.255: exit status 255/,
    );
  });

  it('no warning for an ordinary status', async () => {
    const { plat, output } = fakePlat('rkboot.banner=off');
    expect(await bootImage(plat, { name: 'a', version: '1', libraries: [], main: () => 3 })).toBe(
      3,
    );
    expect(output()).not.toContain('rkboot: main returned');
  });
});
