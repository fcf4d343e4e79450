// virtio-net-hub: sends N raw Ethernet frames (ethertype 0x88b5, "hello <i> from <mac>") and waits for N
// frames from a peer, using rknetdev in interrupt mode over virtio-net. argv[1] = N (default 16),
// argv[2] = how long to wait for the peer, in ms (default 10000).
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import { netbufRead, netbufWrite, RkNetbufPool } from '@runikraft/rknetdev';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`${s}\n`);
  const dev = registry.get('rknetdev').get(0);
  if (!dev) {
    say('virtio-net-hub: no network device');
    return 1;
  }
  const n = Number(argv[1] ?? 16);
  const alloc = registry.get('rkalloc').default;
  const poolPa = alloc.memalign(4096, 512 * 2048);
  if (poolPa === 0) {
    say('virtio-net-hub: out of memory for netbufs');
    return 1;
  }
  const pool = new RkNetbufPool(plat.memory.phys, poolPa, 512, 2048, 64);
  let irqs = 0;
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, 128, {
    allocRx: (k) => pool.allocBurst(k),
    callback: () => {
      irqs++;
    },
  });
  dev.txqConfigure(0, 0);
  const st = dev.start();
  if (st < 0) {
    say(`virtio-net-hub: start failed ${st}`);
    return 1;
  }
  dev.rxIntrEnable(0);
  const mac = dev.hwaddr();
  say(
    `virtio-net-hub: ${dev.name} mac ${hex(mac)} mtu ${dev.mtu()} link ${dev.linkUp() ? 'up' : 'down'}`,
  );
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    const payload = enc.encode(`hello ${i} from ${hex(mac)}`);
    const f = new Uint8Array(Math.max(60, 14 + payload.length));
    f.fill(0xff, 0, 6);
    f.set(mac, 6);
    f.set([0x88, 0xb5], 12);
    f.set(payload, 14);
    const nb = pool.alloc();
    if (!nb) {
      say(`virtio-net-hub: out of netbufs at frame ${i}`);
      return 1;
    }
    netbufWrite(plat.memory.phys, nb, f);
    if (dev.txOne(0, nb) <= 0) {
      say(`virtio-net-hub: tx ${i} failed`);
      return 1;
    }
  }
  const dec = new TextDecoder();
  const deadline = plat.time.monotonicNs() + Number(argv[2] ?? 10000) * 1e6;
  let got = 0;
  let inOrder = true;
  let peer = '';
  while (got < n && plat.time.monotonicNs() < deadline) {
    for (let r = dev.rxOne(0); r.pkt; r = dev.rxOne(0)) {
      const f = netbufRead(plat.memory.phys, r.pkt);
      r.pkt.free();
      if (f[12] !== 0x88 || f[13] !== 0xb5) continue;
      const text = dec.decode(f.subarray(14)).replace(/\0+$/, '');
      const m = /^hello (\d+) from (\S+)$/.exec(text);
      if (!m) continue;
      if (Number(m[1]) !== got) inOrder = false;
      peer = m[2];
      got++;
    }
    if (got < n) await plat.lcpu.haltUntil(deadline);
  }
  say(
    `virtio-net-hub: sent ${n}, received ${got} from ${peer || 'nobody'}${inOrder ? ' in order' : ' OUT OF ORDER'}, ${irqs} rx interrupts`,
  );
  say(`virtio-net-hub: stats tx ${dev.stats.txPackets} rx ${dev.stats.rxPackets}`);
  return got === n && inOrder ? 0 : 1;
}
