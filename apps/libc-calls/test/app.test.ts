// libc-calls boots calls.c (libc-shim's call loop) as its main: the booted clock and file calls
// bench:wasiboot measures, checked here for what they return — CLOCK_MONOTONIC never goes back
// (the program checks every read), CLOCK_REALTIME is the RTC's time (the host's, at boot), lseek,
// fstat and 4 KiB pread/pwrite on ramfs return what was written, file times come from the
// kernel's coarse clock yet move with time and UTIME_NOW is now — through asyncify and JSPI.
import { fileURLToPath } from 'node:url';
import { hasJspi } from '@runikraft/libc-shim';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: Entry;

beforeAll(async () => {
  image = loadImage((await buildImage(appDir)).imagePath);
}, 180_000);

async function run(suspend: string, args: string) {
  let out = '';
  const m = new Machine({
    memory: 64 << 20,
    append: `rkboot.banner=off libc.suspend=${suspend} -- ${args}`,
    console: (t) => (out += t),
  });
  const exit = await m.boot(image);
  return { status: exit.status, out };
}

const modes = hasJspi() ? ['asyncify', 'jspi'] : ['asyncify'];
if (!hasJspi())
  console.log(
    '[skip] libc-calls: JSPI rows: Node runs without --experimental-wasm-stack-switching',
  );

describe.each(modes)('libc-calls (%s)', (suspend) => {
  it('CLOCK_MONOTONIC never goes back over 50,000 reads', async () => {
    expect(await run(suspend, 'clock 50000')).toEqual({ status: 0, out: 'clock 50000\n' });
  });

  it('CLOCK_REALTIME is the RTC time (the host clock at boot)', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const { status, out } = await run(suspend, 'realtime 1000');
    const after = BigInt(Date.now()) * 1_000_000n;
    expect(status).toBe(0);
    const t = BigInt(/^realtime (\d+)\n$/.exec(out)?.[1] ?? '0');
    // The goldfish RTC counts from the host's time at power-on; it has ms resolution there.
    expect(t).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(t).toBeLessThanOrEqual(after + 1_000_000n);
  });

  it('lseek, fstat and 4 KiB pread/pwrite on a ramfs file return what was written', async () => {
    // calls.c fills 16 pages with 'a'..'p' and sums byte i % 4096 of page i % 16 on each read.
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += 97 + (i % 16);
    expect(await run(suspend, 'pread /f 1000')).toEqual({ status: 0, out: `pread 1000 ${sum}\n` });
    for (const op of ['seek', 'fstat', 'pwrite'])
      expect(await run(suspend, `${op} /f 500`)).toEqual({ status: 0, out: `${op} 500 0\n` });
  });

  it('file times move with the clock; futimens/utimensat take NULL, UTIME_NOW and UTIME_OMIT (coarse clock, booted)', async () => {
    // calls.c checks each stamp against the wall-clock reads around it (see its `times` mode)
    expect(await run(suspend, 'times /f')).toEqual({ status: 0, out: 'times ok\n' });
  });
});
