// virtio-net-arp: a minimal ARP speaker (RFC 826) over rknetdev/virtio-net. argv: <my-ip> <peer-ip>
// [wait-ms]. Asks who-has <peer-ip>, prints the answer, and answers who-has <my-ip> until it has
// answered `answers` (argv[4], default 1) requests or the wait ends.
import type {} from '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';
import { netbufRead, netbufWrite, RkNetbufPool } from '@runikraft/rknetdev';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (s: string) => Uint8Array.from(s.split('.').map(Number));
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function arp(
  op: 1 | 2,
  sha: Uint8Array,
  spa: Uint8Array,
  tha: Uint8Array,
  tpa: Uint8Array,
  dst: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(60);
  f.set(dst, 0);
  f.set(sha, 6);
  f.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, op], 12);
  f.set(sha, 22);
  f.set(spa, 28);
  f.set(tha, 32);
  f.set(tpa, 38);
  return f;
}

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`${s}\n`);
  const dev = registry.get('rknetdev').get(0);
  if (!dev || argv.length < 3) {
    say('usage: virtio-net-arp <my-ip> <peer-ip> [wait-ms] [answers] (and a virtio-net device)');
    return 2;
  }
  const [me, peer] = [ip4(argv[1]), ip4(argv[2])];
  const waitNs = Number(argv[3] ?? 8000) * 1e6;
  const wantAnswers = Number(argv[4] ?? 1);
  const pa = registry.get('rkalloc').default.memalign(4096, 512 * 2048);
  const pool = new RkNetbufPool(plat.memory.phys, pa, 512, 2048, 64);
  dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
  dev.rxqConfigure(0, 128, {
    allocRx: (k) => pool.allocBurst(k),
    callback: () => {},
  });
  dev.txqConfigure(0, 0);
  dev.start();
  dev.rxIntrEnable(0);
  const mac = dev.hwaddr();
  const send = (f: Uint8Array) => {
    const nb = pool.alloc();
    if (nb && netbufWrite(plat.memory.phys, nb, f)) dev.txOne(0, nb);
  };
  send(arp(1, mac, me, new Uint8Array(6), peer, new Uint8Array(6).fill(0xff)));
  say(`virtio-net-arp: ${argv[1]} (${hex(mac)}) asks who-has ${argv[2]}`);
  let resolved = false;
  let answered = 0;
  const deadline = plat.time.monotonicNs() + waitNs;
  while ((!resolved || answered < wantAnswers) && plat.time.monotonicNs() < deadline) {
    for (let r = dev.rxOne(0); r.pkt; r = dev.rxOne(0)) {
      const f = netbufRead(plat.memory.phys, r.pkt);
      r.pkt.free();
      if (f.length < 42 || f[12] !== 0x08 || f[13] !== 0x06) continue;
      const op = f[21];
      const sha = f.subarray(22, 28);
      const spa = f.subarray(28, 32);
      const tpa = f.subarray(38, 42);
      if (op === 2 && eq(spa, peer) && !resolved) {
        resolved = true;
        say(`virtio-net-arp: ${argv[2]} is-at ${hex(sha)}`);
      } else if (op === 1 && eq(tpa, me)) {
        send(arp(2, mac, me, sha.slice(), spa.slice(), sha.slice()));
        answered++;
        say(`virtio-net-arp: answered who-has ${argv[1]} from ${Array.from(spa).join('.')}`);
      }
    }
    if (!resolved || answered < wantAnswers) await plat.lcpu.haltUntil(deadline);
  }
  say(`virtio-net-arp: resolved ${resolved}, answered ${answered}`);
  return resolved && answered >= wantAnswers ? 0 : 1;
}
