// apps/c-pipe: two C programs of one image connected by a posix pipe (libc.start 'gen | count'),
// booted on the in-process machine under both suspension mechanisms: count parks in epoll_wait on
// its stdin while gen sleeps between lines; EOF when gen exits, EPIPE for gen when count stops
// early. Expected counts come from the same generator computed here.
import { fileURLToPath } from 'node:url';
import { hasJspi } from '@runikraft/libc-shim';
import { type GuestImage, loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

let image: GuestImage;
const jspi = hasJspi();

/** gen's output for `lines` lines from `seed` (its LCG), as count reports it. */
function expected(lines: number, seed: number): string {
  let state = seed >>> 0;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % n;
  };
  let words = 0;
  let bytes = 0;
  let fnv = 2166136261;
  for (let i = 0; i < lines; i++) {
    const ws: string[] = [];
    const count = 1 + next(8);
    for (let w = 0; w < count; w++) {
      const letters = 1 + next(9);
      let word = '';
      for (let k = 0; k < letters; k++) word += String.fromCharCode(97 + next(26));
      ws.push(word);
    }
    const line = `${ws.join(' ')}\n`;
    words += count;
    bytes += line.length;
    for (let k = 0; k < line.length; k++) fnv = Math.imul(fnv ^ line.charCodeAt(k), 16777619) >>> 0;
  }
  return `count: ${lines} lines, ${words} words, ${bytes} bytes, fnv ${fnv.toString(16).padStart(8, '0')}\n`;
}

async function boot(append: string) {
  let out = '';
  const m = new Machine({ memory: 64 << 20, append, console: (t) => (out += t) });
  const exited = m.boot(image);
  const bound = setTimeout(() => m.exit || m.powerOff(99), 120_000);
  try {
    return { exit: await exited, out };
  } finally {
    clearTimeout(bound);
  }
}

describe('c-pipe: gen | count in one image', () => {
  beforeAll(async () => {
    image = loadImage((await buildImage(fileURLToPath(new URL('..', import.meta.url)))).imagePath);
  }, 300_000);

  for (const suspend of ['asyncify', 'jspi'] as const)
    describe.skipIf(suspend === 'jspi' && !jspi)(suspend, () => {
      it("package.json's libc.start: 2,000 lines through the pipe, counted as the generator made them", async () => {
        const { exit, out } = await boot(`rkboot.banner=off libc.suspend=${suspend}`);
        expect(out).toContain(expected(2000, 7));
        expect(exit.status).toBe(0);
      });

      it('count parks in epoll_wait while gen sleeps between lines, and sees EOF at its exit', async () => {
        const { exit, out } = await boot(
          `rkboot.banner=off libc.suspend=${suspend} libc.start="gen -n 40 -s 3 -d 2 | count"`,
        );
        expect(out).toContain(expected(40, 3));
        // One wake-up per line at least: it waited for each line gen slept before.
        const waits = Number(/count: (\d+) epoll waits/.exec(out)?.[1]);
        expect(waits).toBeGreaterThanOrEqual(40);
        expect(exit.status).toBe(0);
      });

      it('count -b: a plain blocking read on the empty pipe parks count while gen sleeps', async () => {
        const { exit, out } = await boot(
          `rkboot.banner=off libc.suspend=${suspend} libc.start="gen -n 30 -s 5 -d 3 | count -b"`,
        );
        expect(out).toContain(expected(30, 5));
        // gen flushes each line and sleeps: each read returns one line (30), then EOF (1).
        // On a loaded host count may wake only after gen's next line too: then one read takes two.
        const reads = Number(/count: (\d+) reads\n/.exec(out)?.[1]);
        expect(reads).toBeGreaterThanOrEqual(20);
        expect(reads).toBeLessThanOrEqual(31);
        expect(exit.status).toBe(0);
      });

      it('a full pipe: gen blocks in write until the late reader drains it; every byte arrives in order', async () => {
        // count -F reads only once FIONREAD says the 64 KiB pipe is full. 16 KiB writes: the fifth
        // finds it full and waits; 100,000-byte writes are larger than the pipe, so each waits
        // part-way and still returns whole.
        const { exit, out } = await boot(
          `rkboot.banner=off libc.suspend=${suspend} libc.start="gen -n 4000 -s 11 -B 16384 | count -b -F ; gen -n 4000 -s 12 -B 100000 | count -F"`,
        );
        expect(out).toContain(expected(4000, 11));
        expect(out).toContain(expected(4000, 12));
        const waited = [...out.matchAll(/gen: (\d+) of (\d+) writes waited for room\n/g)];
        expect(waited.map((m) => Number(m[2]))).toEqual([7, 2]);
        expect(Number(waited[0]![1])).toBe(1);
        expect(exit.status).toBe(0);
      });

      it('EPIPE: count stops after 5 lines; gen is told at its next write and exits 3', async () => {
        const { exit, out } = await boot(
          `rkboot.banner=off libc.suspend=${suspend} libc.start="gen -n 100000 -d 1 | count -m 5 ; gen -n 1"`,
        );
        expect(out).toMatch(/count: 5 lines, \d+ words, \d+ bytes, fnv [0-9a-f]{8} \(stopped\)\n/);
        expect(out).toMatch(/gen: write: EPIPE after \d+ lines\n/);
        // `;` waited for the whole pipeline: `gen -n 1`'s line of words comes after gen's EPIPE.
        const lines = out.trimEnd().split('\n');
        const epipe = lines.findIndex((l) => l.startsWith('gen: write: EPIPE'));
        expect(epipe).toBeGreaterThan(-1);
        expect(epipe).toBeLessThan(lines.length - 1);
        expect(lines.at(-1)).toMatch(/^[a-z]+( [a-z]+)*$/);
        expect(exit.status).toBe(0);
      });

      it('redirections: gen > /words, then count < /words; a missing input file is status 1', async () => {
        // count -b reads with plain read(): epoll on a regular file is EPERM, as on Linux.
        const { exit, out } = await boot(
          `rkboot.banner=off libc.suspend=${suspend} libc.start="gen -n 300 -s 9 > /words ; count -b < /words 2>&1 ; count < /words ; count < /nope"`,
        );
        // gen's words went to the file, not the console: only count's reports and the errors show.
        const [report, reads, epoll, missing, ...rest] = out.split(/(?<=\n)/);
        expect(report).toBe(expected(300, 9));
        expect(reads).toMatch(/^count: \d+ reads\n$/);
        expect(epoll).toBe('count: epoll: Operation not permitted\n');
        expect(missing).toBe('libc-shim: count: /nope: ENOENT\n');
        expect(rest).toEqual([]);
        expect(exit.status).toBe(1);
      });
    });

  it('a pipeline with no command after | is a precise error naming the offset', async () => {
    const { exit, out } = await boot('rkboot.banner=off libc.start="gen -n 1 |"');
    expect(out).toContain(
      "libc-shim: libc.start: command list: '|' at offset 9 has no command after it\n",
    );
    expect(exit.status).toBe(2);
  });
});
