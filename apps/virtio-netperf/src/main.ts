// virtio-netperf: argv = tx|rx <count> <frame-bytes>. tx sends <count> frames as fast as the ring
// takes them; rx counts frames (interrupt mode) until <count> arrived or 300 ms pass without one,
// and reports the guest-time rate between the first and the last frame.
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import { netbufWrite, type RkNetbuf, RkNetbufPool } from '@runikraft/rknetdev';

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`${s}\n`);
  const [role, countArg, sizeArg] = argv.slice(1);
  const dev = registry.get('rknetdev').get(0);
  if (!dev || (role !== 'tx' && role !== 'rx')) {
    say('usage: virtio-netperf tx|rx <count> <frame-bytes> (and a virtio-net device)');
    return 2;
  }
  const count = Number(countArg ?? 100000);
  const size = Number(sizeArg ?? 64);
  const pa = registry.get('rkalloc').default.memalign(4096, 1024 * 2048);
  const pool = new RkNetbufPool(plat.memory.phys, pa, 1024, 2048, 64);
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, 256, {
    allocRx: (k) => pool.allocBurst(k),
    callback: () => {},
  });
  dev.txqConfigure(0, 256);
  dev.start();
  const now = () => plat.time.monotonicNs();
  if (role === 'tx') {
    const f = new Uint8Array(size);
    f.fill(0xff, 0, 6);
    f.set(dev.hwaddr(), 6);
    f.set([0x88, 0xb5], 12);
    const t0 = now();
    let sent = 0;
    while (sent < count) {
      const nb = pool.alloc();
      if (!nb) break;
      netbufWrite(plat.memory.phys, nb, f);
      const r = dev.txOne(0, nb);
      if (r <= 0) nb.free();
      else sent++;
      if ((sent & 255) === 0) {
        const p = plat.lcpu.poll();
        if (p) await p;
      }
    }
    const ns = now() - t0;
    say(
      `netperf tx: ${sent} frames of ${size} B in ${(ns / 1e6).toFixed(1)} ms = ${Math.round(sent / (ns / 1e9))} pps`,
    );
    return 0;
  }
  dev.rxIntrEnable(0);
  const out: RkNetbuf[] = new Array(64);
  let got = 0;
  let first = 0;
  let last = 0;
  let idleSince = now();
  const startDeadline = now() + 10e9;
  while (got < count) {
    const n = dev.rxBurst(0, out, 64);
    for (let i = 0; i < n; i++) out[i].free();
    if (n > 0) {
      if (got === 0) first = now();
      got += n;
      last = now();
      idleSince = last;
      continue;
    }
    if (got > 0 ? now() - idleSince > 300e6 : now() > startDeadline) break;
    await plat.lcpu.haltUntil(now() + 300e6);
  }
  const ns = Math.max(1, last - first);
  say(
    `netperf rx: ${got} frames of ${size} B in ${(ns / 1e6).toFixed(1)} ms = ${Math.round(got / (ns / 1e9))} pps`,
  );
  return got > 0 ? 0 : 1;
}
