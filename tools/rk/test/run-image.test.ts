// Tests for merging the command line with the app's machine defaults (src/run-image.ts).
import { describe, expect, it } from 'vitest';
import { RkUsageError } from '../src/errors';
import { parseRunArgs } from '../src/run-args';
import { machineOptions } from '../src/run-image';

const MiB = 2 ** 20;

describe('machineOptions', () => {
  it("uses QEMU's defaults when nothing is said", () => {
    expect(machineOptions({})).toEqual({
      memory: 128 * MiB,
      smp: 1,
      monitor: 'mux', // -nographic's mon:stdio
      aclint: false,
      bios: 'default',
      clock: 'host',
      append: '',
      virtioMmioForceLegacy: true,
    });
  });

  it("takes the app's runikraft.machine defaults, and the command line over them", () => {
    const app = {
      memory: '64M',
      bios: 'none',
      clock: 'virtual',
      append: '-- x',
      smp: 2,
      aclint: true,
    } as const;
    expect(machineOptions({}, app)).toMatchObject({
      memory: 64 * MiB,
      bios: 'none',
      clock: 'virtual',
      append: '-- x',
      smp: 2,
      aclint: true,
    });
    const cli = parseRunArgs([
      '-m',
      '1G',
      '-bios',
      'default',
      '--clock',
      'host',
      '-append',
      '',
      '-smp',
      '1',
      '-machine',
      'virt,aclint=off',
    ]);
    expect(machineOptions(cli, app)).toMatchObject({
      memory: 2 ** 30,
      bios: 'default',
      clock: 'host',
      append: '',
      smp: 1,
      aclint: false,
    });
  });

  it('reads an app memory given as a number of MiB and rounds sizes as QEMU does', () => {
    expect(machineOptions({}, { memory: 32 }).memory).toBe(32 * MiB);
    expect(machineOptions({}, { memory: '1001K' }).memory).toBe(1008 * 1024);
  });

  it('names a bad app memory value', () => {
    expect(() => machineOptions({}, { memory: 'huge' })).toThrow(RkUsageError);
    expect(() => machineOptions({}, { memory: 'huge' })).toThrow(
      `rk run: package.json "runikraft.machine.memory" is 'huge' (accepted: QEMU sizes such as "128M", "1G", or a number of MiB)`,
    );
  });

  it('reads the -initrd file, naming one it cannot read', () => {
    expect(() => machineOptions({ initrd: '/nonexistent/rd' })).toThrow(
      "rk run: -initrd: cannot read '/nonexistent/rd': ENOENT",
    );
    const opts = machineOptions({ initrd: new URL(import.meta.url).pathname });
    expect(opts.initrd).toBeInstanceOf(Uint8Array);
    expect(opts.initrd!.length).toBeGreaterThan(100);
  });
});
