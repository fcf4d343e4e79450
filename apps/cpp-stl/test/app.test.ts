// cpp-stl boots in-process: rk build compiled src/main.cc with clang++ (libc++, wasi-libc,
// asyncify) and embedded it; libc-shim runs it on vfscore/ramfs with rktime and rksched.
// The expected figures are computed here from the same words, not written down.
import { fileURLToPath } from 'node:url';
import { loadImage, Machine } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: Entry;

beforeAll(async () => {
  image = loadImage((await buildImage(appDir)).imagePath);
}, 300_000);

async function boot(words: string[]) {
  let out = '';
  const append = `rkboot.banner=off -- ${words.join(' ')}`;
  const exit = await new Machine({ memory: 64 << 20, append, console: (t) => (out += t) }).boot(
    image,
  );
  return { exit, out };
}

/** The program's contract, in TypeScript: counts by lower-cased word, top three by count then name. */
function expected(words: string[]) {
  const counts = new Map<string, number>();
  for (const w of words.map((x) => x.toLowerCase())) counts.set(w, (counts.get(w) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const names = [...counts.keys()].sort();
  const csvBytes = sorted.reduce((n, [w, c]) => n + `${w},${c}\n`.length, 0);
  return {
    head: `cpp-stl: ${words.length} words, ${counts.size} distinct, first ${names[0]}, last ${names.at(-1)}\n`,
    top: `cpp-stl: top ${sorted
      .slice(0, 3)
      .map(([w, c]) => `${w}=${c}`)
      .join(' ')}\n`,
    file: `cpp-stl: /data/freq.csv has ${counts.size} rows, ${csvBytes} bytes, total ${words.length}\n`,
  };
}

/** Seeded words from a small vocabulary, some capitalised, so that counts tie and case folds. */
function words(seed: number, n: number): string[] {
  const vocab = ['ant', 'Bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen', 'ibis', 'jay'];
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) >>> 0;
    const w = vocab[(x >>> 8) % vocab.length]!;
    return (x >>> 20) & 1 ? w.toUpperCase() : w;
  });
}

describe('cpp-stl (C++ standard library, unmodified, booted)', () => {
  for (const [seed, n] of [
    [1, 40],
    [7, 120],
  ] as const) {
    it(`counts ${n} seeded words (seed ${seed}) and round-trips them through a file on ramfs`, async () => {
      const w = words(seed, n);
      const e = expected(w);
      const { exit, out } = await boot(w);
      expect(out).toContain(e.head);
      expect(out).toContain(e.top);
      expect(out).toContain(e.file);
      expect(out).toContain('cpp-stl: year after 2023 yes, steady clock monotonic\n');
      expect(exit.status).toBe(0);
    });
  }
});
