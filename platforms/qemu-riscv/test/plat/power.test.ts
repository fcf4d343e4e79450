// Power control on the machine: which device each request reaches in each boot mode (the finisher's
// PASS/FAIL/RESET words, SBI SRST type and reason) and the exit status the machine reports.
import { describe, expect, it } from 'vitest';
import { SBI_EXT_SRST } from '../../src/isa/sbi';
import { type BootedOptions, onPlat } from './booted';
import { tapPower } from './taps';

const SRST = `sbi 0x${SBI_EXT_SRST.toString(16)} 0`;

/** Boots, runs `act` (which powers off), and returns the exit and the power requests seen. */
async function powerRun(opts: BootedOptions, act: (p: PowerLike) => void) {
  const log: string[] = [];
  let first = true;
  const { exit, machine } = await onPlat(
    { ...opts, before: (_h, m) => tapPower(m, log) },
    ({ plat }) => {
      if (first) log.length = 0; // from the first act on (a restart boots and acts again)
      first = false;
      act(plat.power);
    },
  );
  return { exit, log: log.filter((l) => !l.startsWith('sbi 0x10 ')), boots: machine.stats.boots };
}
type PowerLike = { shutdown(s: number): never; crash(s?: number): never; restart(): never };

describe('power, M-mode (-bios none): the finisher', () => {
  const m = { bios: 'none' } as const;
  it('shutdown(0) writes PASS', async () => {
    const r = await powerRun(m, (p) => p.shutdown(0));
    expect(r.log).toEqual(['finisher 0x5555']);
    expect(r.exit).toEqual({ status: 0, reason: 'poweroff' });
  });
  it('shutdown(n) writes FAIL with the 16-bit code; 0x10005 is 5, -1 is 0xffff', async () => {
    for (const [status, code] of [
      [7, 7],
      [0x1_0005, 5],
      [-1, 0xffff],
    ]) {
      const r = await powerRun(m, (p) => p.shutdown(status!));
      expect(r.log).toEqual([`finisher 0x${(((code! << 16) | 0x3333) >>> 0).toString(16)}`]);
      expect(r.exit).toEqual({ status: code, reason: 'poweroff' });
    }
  });
  it('crash() and crash(0) report 1, crash(9) reports 9', async () => {
    for (const [act, status] of [
      [(p: PowerLike) => p.crash(), 1],
      [(p: PowerLike) => p.crash(0), 1],
      [(p: PowerLike) => p.crash(9), 9],
    ] as const)
      expect((await powerRun(m, act)).exit.status).toBe(status);
  });
  it('restart writes RESET: the image boots again', async () => {
    let runs = 0;
    const r = await powerRun(m, (p) => (++runs === 1 ? p.restart() : p.shutdown(0)));
    expect(runs).toBe(2);
    expect(r.boots).toBe(2);
    expect(r.log).toEqual(['finisher 0x7777', 'finisher 0x5555']);
    expect(r.exit.status).toBe(0);
  });
  it('without a finisher in the device tree, shutdown throws: nothing can stop the machine', async () => {
    let thrown = '';
    const { exit } = await onPlat(
      { bios: 'none', tweak: (d) => ({ ...d, finisher: null }) },
      ({ plat }) => {
        try {
          plat.power.shutdown(0);
        } catch (e) {
          thrown = (e as Error).message;
        }
      },
    );
    expect(thrown).toBe('shutdown did not stop the machine');
    // The harness's own power-off throws the same, out of the image entry.
    expect(exit).toEqual({ status: 1, reason: 'guest-error' });
  });
});

describe('power, S-mode (SBI): SRST, and the finisher for exit codes', () => {
  const s = { bios: 'default' } as const;
  it('shutdown(0) is SRST shutdown with no reason; the finisher is not touched', async () => {
    const r = await powerRun(s, (p) => p.shutdown(0));
    expect(r.log).toEqual([`${SRST} 0 0`]);
    expect(r.exit).toEqual({ status: 0, reason: 'poweroff' });
  });
  it('shutdown(7) goes to the finisher, since SRST carries only success or failure', async () => {
    const r = await powerRun(s, (p) => p.shutdown(7));
    expect(r.log).toEqual(['finisher 0x73333']);
    expect(r.exit.status).toBe(7);
  });
  it('without a finisher, a failure is SRST shutdown with reason SYSFAIL (status 1)', async () => {
    const r = await powerRun({ ...s, tweak: (d) => ({ ...d, finisher: null }) }, (p) =>
      p.shutdown(7),
    );
    expect(r.log).toEqual([`${SRST} 0 1`]);
    expect(r.exit).toEqual({ status: 1, reason: 'poweroff' });
  });
  it('restart is SRST cold reboot: the image boots again', async () => {
    let runs = 0;
    const r = await powerRun(s, (p) => (++runs === 1 ? p.restart() : p.shutdown(0)));
    expect(runs).toBe(2);
    expect(r.boots).toBe(2);
    expect(r.log).toEqual([`${SRST} 1 0`, `${SRST} 0 0`]);
  });
});
