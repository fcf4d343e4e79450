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
      // Frames are mapped to the TypeScript sources through the image's source map.
      expect(out).toMatch(/ {4}at Object\.main \(\S*fixtures\/panic\/src\/main\.ts:7:7\)\n/);
      expect(exit.status).toBe(1);
    });
  }
});

describe('an image that reaches for host globals without the libraries that provide them', () => {
  it('gets, for each, an error naming the kernel library; console and TextEncoder work', async () => {
    const dir = fileURLToPath(new URL('./fixtures/host-globals', import.meta.url));
    // rk build's type check refuses these globals (the guest has no Node); built unchecked, the image
    // shows what the guest realm does with them at run time.
    await expect(buildImage(dir)).rejects.toThrow(
      /main\.ts:14:31 - error TS2304: Cannot find name 'setTimeout'/,
    );
    const built = await buildImage(dir, { typecheck: false });
    const { exit, out } = await boot(loadImage(built.imagePath), {
      clock: 'virtual',
      append: 'rkboot.banner=off',
    });
    const lines = out.split('\n');
    const line = (what: string) => lines.find((l) => l.startsWith(`${what}: `));
    expect(line('setTimeout')).toBe(
      'setTimeout: ReferenceError: setTimeout is not available in the guest: compose a scheduler (an @runikraft/rksched provider such as @runikraft/rksched-rr) to get timers',
    );
    expect(line('queueMicrotask')).toContain('@runikraft/rksched');
    expect(line('Date.now')).toBe(
      'Date.now: ReferenceError: Date.now is not available in the guest: compose @runikraft/rktime to get the guest clock (RTC, mtime)',
    );
    expect(line('performance')).toContain('compose @runikraft/rktime');
    expect(line('Math.random')).toContain('compose @runikraft/rkswrand');
    expect(line('crypto')).toContain('compose @runikraft/rkswrand');
    for (const g of ['process', 'require', 'Buffer'])
      expect(line(g)).toMatch(
        new RegExp(
          `^${g}: ReferenceError: ${g} is not available in the guest: it is a host \\(Node\\) global`,
        ),
      );
    expect(line('text')).toBe('text: héllo [ 1, "a" ]');
    expect(exit).toEqual({ status: 0, reason: 'poweroff' });
  }, 60_000);
});
