// virtio-blkperf: argv = read|write seq|rand <count> <qd>. Keeps <qd> 4 KiB requests in flight on
// disk 0 until <count> completed (completions arrive as interrupts; the CPU halts while the queue is
// full) and reports the guest-time rate; with rkpci composed, also its enumeration figures.
import { errnoName } from '@runikraft/errno';
import type {} from '@runikraft/rkalloc';
import type { RkBlkreq } from '@runikraft/rkblkdev';
import type { RkMainArgs } from '@runikraft/rkboot';

const BS = 4096;

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`${s}\n`);
  // boot cost up to here (firmware, platform, device discovery and binding), for the benchmarks
  say(`blkperf: main at ${Math.round(plat.time.monotonicNs() / 1000)} us`);
  const [op, pattern, countArg, qdArg] = argv.slice(1);
  const dev = registry.get('rkblkdev').get(0);
  if (!dev || (op !== 'read' && op !== 'write') || (pattern !== 'seq' && pattern !== 'rand')) {
    say('usage: virtio-blkperf read|write seq|rand <count> <qd> (and a virtio-blk disk)');
    return 2;
  }
  const count = Number(countArg ?? 10000);
  const qd = Math.max(1, Math.min(Number(qdArg ?? 1), dev.info().maxQueueDepth));
  const spb = BS / dev.info().sectorSize;
  const blocks = Math.floor(dev.info().sectors / spb);
  const pa = registry.get('rkalloc').default.memalign(BS, qd * BS);
  let seed = 7;
  let seq = 0;
  const next = () =>
    pattern === 'seq'
      ? seq++ % blocks
      : (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % blocks;
  let submitted = 0;
  let done = 0;
  let failed = 0;
  const free: number[] = [...Array(qd).keys()];
  const t0 = plat.time.monotonicNs();
  while (done < count) {
    while (submitted < count && free.length) {
      const slot = free.pop()!;
      const req: RkBlkreq = {
        op,
        sector: next() * spb,
        nbSectors: spb,
        pa: pa + slot * BS,
        callback: (r) => {
          done++;
          if ((r.result ?? 0) < 0) failed++;
          free.push(slot);
        },
      };
      const rc = dev.submit(req);
      if (rc < 0) {
        say(`blkperf: submit: ${errnoName(rc)}`);
        return 1;
      }
      submitted++;
    }
    if (done < count) await plat.lcpu.halt();
  }
  const ns = Math.max(1, plat.time.monotonicNs() - t0);
  say(
    `blkperf: ${done} ${pattern} ${op}s of 4 KiB at QD${qd} in ${(ns / 1e6).toFixed(1)} ms = ${Math.round(done / (ns / 1e9))} IOPS (${failed} failed)`,
  );
  return failed ? 1 : 0;
}
