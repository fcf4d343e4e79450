// virtio-blk-rw: on disk 0 writes a 64-sector pattern, flushes, reads it back; reads sector 4096
// (the test injects a host I/O error there: expects EIO); writes disk 1 if present (read-only:
// expects EROFS); prints where rkswrand got its seed.
import { errnoName } from '@runikraft/errno';
import type {} from '@runikraft/rkalloc';
import type {} from '@runikraft/rkblkdev';
import type { RkMainArgs } from '@runikraft/rkboot';
import type {} from '@runikraft/rkswrand';

export default async function main({ registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`${s}\n`);
  const disks = registry.get('rkblkdev');
  const d0 = disks.get(0);
  if (!d0) {
    say('virtio-blk-rw: no disk');
    return 1;
  }
  const info = d0.info();
  say(
    `virtio-blk-rw: disk0 ${d0.name} ${info.sectors} sectors of ${info.sectorSize} B${info.readOnly ? ' (ro)' : ''}`,
  );
  const phys = plat.memory.phys;
  const n = 64;
  const bytes = n * info.sectorSize;
  const pa = registry.get('rkalloc').default.memalign(4096, bytes);
  const buf = phys.u8.subarray(pa - phys.base, pa - phys.base + bytes);
  for (let i = 0; i < bytes; i++) buf[i] = (i * 7 + (i >> 9)) & 0xff;
  const w = await d0.write(0, n, pa);
  const f = await d0.flush();
  buf.fill(0);
  const r = await d0.read(0, n, pa);
  let bad = -1;
  for (let i = 0; i < bytes && bad < 0; i++) if (buf[i] !== ((i * 7 + (i >> 9)) & 0xff)) bad = i;
  say(
    `virtio-blk-rw: write ${errnoName(w)} flush ${errnoName(f)} read ${errnoName(r)} compare ${bad < 0 ? 'ok' : `mismatch at ${bad}`}`.replace(
      /E\?0/g,
      'ok',
    ),
  );
  const e = await d0.read(4096, 1, pa);
  say(`virtio-blk-rw: read sector 4096: ${e === 0 ? 'ok' : errnoName(e)}`);
  const d1 = disks.get(1);
  if (d1) {
    const x = await d1.write(0, 1, pa);
    say(
      `virtio-blk-rw: disk1${d1.info().readOnly ? ' (ro)' : ''} write: ${x === 0 ? 'ok' : errnoName(x)}`,
    );
  }
  const rand = registry.tryGet('rkswrand');
  if (rand) say(`virtio-blk-rw: rkswrand seeded from ${rand.seedSource}`);
  say(
    `virtio-blk-rw: stats writes ${d0.stats.writes} reads ${d0.stats.reads} flushes ${d0.stats.flushes} errors ${d0.stats.errors}`,
  );
  return w === 0 && f === 0 && r === 0 && bad < 0 ? 0 : 1;
}
