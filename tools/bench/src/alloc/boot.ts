// Helloworld boot time with each allocator: apps/helloworld-alloc/variants/<name> built with rk and booted
// in-process (virtual clock) next to plain apps/helloworld (no allocator) in the same run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, loadImageFile, loadMachine, type RkMachineOptions } from '@runikraft/rk';
import { bootOnce } from '../boot/inproc';
import { fmtMs, median } from '../boot/stats';

const opts: RkMachineOptions = {
  memory: 128 * 2 ** 20,
  smp: 1,
  aclint: false,
  bios: 'default',
  clock: 'virtual',
  append: '',
  virtioMmioForceLegacy: true,
};

/** Markdown table of median machine→main and machine→power-off per allocator. */
export async function bootTable(repo: string, runs = 30): Promise<string> {
  const factory = await loadMachine();
  const apps = [
    'helloworld',
    'helloworld-alloc/variants/buddy',
    'helloworld-alloc/variants/tlsf',
    'helloworld-alloc/variants/tiny',
    'helloworld-alloc/variants/region',
  ];
  const images = [];
  for (const app of apps) {
    const outDir = mkdtempSync(join(tmpdir(), 'rk-bench-boot-'));
    const { imagePath, manifest } = await buildImage(join(repo, 'apps', app), { outDir });
    images.push({
      name: app.replace('helloworld-alloc/variants/', 'helloworld + rkalloc-'),
      entry: await loadImageFile(imagePath),
      bytes: manifest.imageBytes,
      main: [] as number[],
      exit: [] as number[],
    });
  }
  // Interleaved rounds after a warm-up of every image, so JIT warm-up favours none of them.
  for (let r = -5; r < runs; r++)
    for (const im of images) {
      const s = await bootOnce(factory, im.entry, opts);
      if (s.status !== 0)
        throw new Error(`${im.name}: boot failed (status ${s.status}):\n${s.console}`);
      if (r >= 0) {
        im.main.push(s.toMain);
        im.exit.push(s.toExit);
      }
    }
  const rows = images.map((im) => ({
    name: im.name,
    toMain: median(im.main),
    toExit: median(im.exit),
    bytes: im.bytes,
  }));
  const base = rows[0];
  return [
    `| app (128 MiB guest, \`--clock virtual\`) | machine → main | machine → power-off | vs helloworld (no allocator) | image |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmtMs(r.toMain)} | ${fmtMs(r.toExit)} | ${(r.toExit / base.toExit).toFixed(2)}× | ${(r.bytes / 1000).toFixed(1)} KB |`,
    ),
    '',
    `Median of ${runs} in-process boots per app, interleaved round by round after 5 warm-up rounds. The allocator apps also allocate, free and print their figures in main.`,
  ].join('\n');
}
