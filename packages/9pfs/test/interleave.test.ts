// Two threads on one directory while 9pfs parks them: vfscore over 9pfs (virtio-9p to the machine's
// 9P server) runs two seeded scripts of file operations concurrently — every driver call awaits the
// device, so the scripts interleave at each request, as two guest threads do — on the same names.
// Whatever the interleaving, vfscore's view (name cache, nodes) must end equal to the host
// directory, every open descriptor must still fstat, and every listed file must open. Found by it:
// under cache=loose a Tgetattr answered while another thread's chmod was in flight cached the old
// mode for good (9pfs now caches a reply only if no change began meanwhile, and drops the cache
// before and after each change). Longer hunts: RK_SEED=<n> RK_RUNS=<n>.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import type { RkP9TransportRegistry } from '@runikraft/rk9p';
import { O_CREAT, O_RDONLY, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import { opDigest, RkOpRunner } from '@runikraft/vfscore/script';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { P9Server } from '../../../platforms/qemu-riscv/src/machine/backends/fs/server';
import { Virtio9p } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/p9';
import { hostTree, opArb, scratchDir } from '../../vfscore/test/helpers/host-fs';
import { probeVirtioMmio } from '../../virtio/src/bus';
import { harness } from '../../virtio/test/harness';
import { create9pfsType } from '../src/index';
import { testEnv } from './helpers';

const top = scratchDir('rk-9pfs-interleave-');
afterAll(() => nfs.rmSync(top, { recursive: true, force: true }));

let runs = 0;
/** Ops started while the other thread's op was still in flight (the test is moot without them). */
let overlapped = 0;
async function mount(cache: string) {
  const dir = join(top, `share-${runs++}`);
  nfs.mkdirSync(dir);
  const dev = new Virtio9p(new P9Server({ root: dir }), 'share');
  const h = harness([dev], false, 32 << 20);
  probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
  const v = new RkVfsCore(testEnv());
  v.registerFsType(create9pfsType(h.registry.get('rk9p') as RkP9TransportRegistry));
  expect(await v.mount('share', '/', '9pfs', 0, `cache=${cache}`)).toBe(0);
  return { v, dir, close: () => dev.close() };
}

const pair = fc.tuple(
  fc.array(opArb, { minLength: 10, maxLength: 40 }),
  fc.array(opArb, { minLength: 10, maxLength: 40 }),
);

for (const cache of ['none', 'loose'])
  describe(`vfscore+9pfs (cache=${cache}): two threads interleaving on one directory`, () => {
    it('ends with vfscore, the open files and the host directory agreeing', async () => {
      await fc.assert(
        fc.asyncProperty(pair, async ([a, b]) => {
          const { v, dir, close } = await mount(cache);
          try {
            v.umask(0o022);
            // a file both threads may hold open while the other renames or unlinks it
            await v.close(await v.open('/a', O_CREAT | O_RDWR, 0o644));
            const ta = new RkOpRunner(v, '', opDigest);
            const tb = new RkOpRunner(v, '', opDigest);
            let inflight = 0;
            const run = async (t: RkOpRunner, ops: typeof a) => {
              for (const op of ops) {
                if (inflight++ > 0) overlapped++;
                await t.run(op);
                inflight--;
              }
            };
            await Promise.all([run(ta, a), run(tb, b)]);
            // what the open descriptors read equals what the host holds under some name, or
            // (unlinked) at least their size agrees with fstat
            for (const t of [ta, tb])
              for (const fd of t.fds)
                if (fd !== null) {
                  const st = await v.fstat(fd);
                  expect(typeof st, `fstat ${fd}: ${st}`).not.toBe('number');
                }
            await ta.closeAll();
            await tb.closeAll();
            expect(await ta.tree()).toEqual(hostTree(dir, opDigest));
            // every name the guest lists opens (no stale node or fid behind a cached name)
            for (const [name, e] of Object.entries(hostTree(dir, opDigest)))
              if ((e as { type: number }).type === 0o100000) {
                const fd = await v.open(`/${name}`, O_RDONLY);
                expect(fd, name).toBeGreaterThanOrEqual(0);
                await v.close(fd);
              }
          } finally {
            close();
          }
        }),
        { seed: Number(process.env.RK_SEED ?? 0x10cc), numRuns: Number(process.env.RK_RUNS ?? 40) },
      );
      expect(overlapped).toBeGreaterThan(500);
      overlapped = 0;
    }, 60_000);
  });
