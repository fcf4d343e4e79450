// LibcPrograms (the image's named programs, libc.start): the command list's semantics on a
// simulated scheduler, with a stand-in for running a program (each "program" sleeps as long as its
// first argument says and exits with its second), so the order and overlap of runs are visible.
import { createSched, type RkSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { LibcPrograms, RkWasiError, type RunWasiOptions } from '../src/index';

const MS = 1_000_000;

function setup(start: string) {
  const sched: RkSched = createSched(createSimPlat(), createRrPolicy());
  const log: string[] = [];
  const printed: string[] = [];
  const bytes = new Map<Uint8Array, string>();
  const run = async (program: Uint8Array, opts: RunWasiOptions) => {
    const [name, ms = '0', status = '0'] = opts.args ?? [];
    if (bytes.get(program) === 'trap')
      throw new RkWasiError('trap', 'the program trapped: unreachable');
    log.push(`+${name} ${(opts.env ?? []).join(',')}`);
    await sched.sleep(Number(ms) * MS);
    log.push(`-${name}`);
    return {
      status: Number(status),
      suspensions: 0,
      preemptions: 0,
      memoryBytes: 0,
      suspend: 'asyncify' as const,
    };
  };
  const p = new LibcPrograms({ run, sched, print: (t) => printed.push(t), env: ['BASE=1'], start });
  for (const n of ['a', 'b', 'c', 'trap']) {
    const b = new Uint8Array([n.length]);
    bytes.set(b, n);
    p.define(n, b);
  }
  const main = async (argv: string[] = ['img']) => {
    let status = -1;
    await sched.runMain(async () => {
      status = await p.main(argv);
      return 0;
    });
    return { status, log, printed };
  };
  return { p, main };
}

describe('LibcPrograms', () => {
  it('& overlaps, ; waits; the status is the last waited-for command’s; env adds to libc.env', async () => {
    const r = await setup('a 30 5 & X=1 b 10 7 ; c 0 3').main();
    expect(r.log).toEqual(['+a BASE=1', '+b BASE=1,X=1', '-b', '+c BASE=1', '-c']);
    expect(r.status).toBe(3);
  });

  it('a list of background commands waits for all and returns the first non-zero status in list order', async () => {
    const r = await setup('a 30 0 & b 10 4 & c 20 6 &').main();
    expect(r.log).toEqual(['+a BASE=1', '+b BASE=1', '+c BASE=1', '-b', '-c', '-a']);
    expect(r.status).toBe(4);
  });

  it('the command after -- replaces libc.start; a trap is printed and 134', async () => {
    const r = await setup('a').main(['img', 'b', '0', '9']);
    expect(r.log).toEqual(['+b BASE=1', '-b']);
    expect(r.status).toBe(9);
    const t = await setup('trap').main();
    expect(t.printed).toEqual(['libc-shim: trap: the program trapped: unreachable\n']);
    expect(t.status).toBe(134);
  });

  it('unknown names are 127 before anything starts; a bad list is 2; an empty one names the fix', async () => {
    const u = await setup('a 10 & zz ; yy').main();
    expect(u.log).toEqual([]);
    expect(u.printed).toEqual([
      "libc-shim: 'zz', 'yy': no such program (the image has: a, b, c, trap)\n",
    ]);
    expect(u.status).toBe(127);
    const bad = await setup('a ;; b').main();
    expect(bad.printed[0]).toMatch(
      /^libc-shim: libc\.start: command list: no command before ';' at offset 3\n$/,
    );
    expect(bad.status).toBe(2);
    const none = await setup('').main();
    expect(none.printed[0]).toMatch(
      /^libc-shim: no program to start: set libc\.start .* or name one after --/,
    );
    expect(none.status).toBe(127);
  });

  it('spawn names the thread; define refuses a second program of one name (EEXIST), spawn an unknown one (ENOENT)', async () => {
    const { p } = setup('');
    expect(() => p.define('a', new Uint8Array(1))).toThrow(
      /EEXIST: a program named 'a' is already defined/,
    );
    expect(() => p.spawn('zz')).toThrow(/ENOENT: no program named 'zz'/);
    expect(p.names()).toEqual(['a', 'b', 'c', 'trap']);
  });
});
