// helloworld boots in-process on the machine: both boot modes, both clocks, -append, and a panicking image.
import { fileURLToPath } from 'node:url';
import { loadImage, Machine, type MachineOptions } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
const panicDir = fileURLToPath(new URL('./fixtures/panic', import.meta.url));
let hello: Entry;
let panicking: Entry;

beforeAll(async () => {
  hello = loadImage((await buildImage(appDir)).imagePath);
  panicking = loadImage((await buildImage(panicDir)).imagePath);
}, 120_000);

async function boot(entry: Entry, opts: MachineOptions = {}) {
  let out = '';
  const exit = await new Machine({ ...opts, console: (t) => (out += t) }).boot(entry);
  return { exit, out };
}

describe('helloworld', () => {
  for (const bios of ['default', 'none'] as const) {
    for (const clock of ['host', 'virtual'] as const) {
      it(`boots with -bios ${bios} on the ${clock} clock: banner, greeting, status 0`, async () => {
        const { exit, out } = await boot(hello, { bios, clock });
        expect(out).toContain('Powered by');
        expect(out).toContain('Runikraft 0.1.0');
        expect(out).toContain('app: @runikraft/app-helloworld 0.1.0');
        expect(out).toMatch(/libraries: rkalloc-tlsf@\d/);
        expect(out).toMatch(/Hello, world!\n$/);
        expect(exit).toEqual({ status: 0, reason: 'poweroff' });
      });
    }
  }

  it('-append parameters reach rkboot and arguments reach main', async () => {
    const { exit, out } = await boot(hello, { append: 'rkboot.banner=off -- "two words" x' });
    expect(out).toBe('Hello, world!\nArguments: "two words" "x"\n');
    expect(exit.status).toBe(0);
  });

  it('the virtual clock makes runs deterministic', async () => {
    const a = await boot(hello, { clock: 'virtual', append: 'rkboot.initlog=1' });
    const b = await boot(hello, { clock: 'virtual', append: 'rkboot.initlog=1' });
    expect(a.out).toBe(b.out);
  });

  it('an ill-typed parameter is a precise error and a failure status', async () => {
    const { exit, out } = await boot(hello, { append: 'rkboot.banner=loud --' });
    expect(out).toContain(
      "rkparam: parameter 'rkboot.banner': expected a boolean (1/0, on/off, yes/no, true/false), got 'loud'",
    );
    expect(out).not.toContain('Hello, world!');
    expect(exit.status).toBe(1);
  });
});

describe('a panicking image', () => {
  for (const bios of ['default', 'none'] as const) {
    it(`-bios ${bios}: prints the reason and a backtrace, exits non-zero`, async () => {
      const { exit, out } = await boot(panicking, { bios, clock: 'virtual' });
      expect(out).toContain('Info: about to check the invariant');
      expect(out).toContain('CRIT: PANIC: assertion failed: the free list is sorted');
      expect(out).toMatch(/backtrace:\n {4}at /);
      expect(exit.status).toBe(1);
    });
  }
});
