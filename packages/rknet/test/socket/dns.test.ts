import { Errno } from '@runikraft/errno';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { RkNetStack } from '../../src/stack';
import { ARP_REPLY } from '../../src/wire/arp';
import { type DnsRepr, dnsLen, emitDns, parseDns } from '../../src/wire/dns';
import {
  arpFrame,
  bumpAlloc,
  decode,
  frame,
  GUEST_IP,
  GUEST_MAC,
  ipv4,
  ok,
  PEER_IP,
  toGuest,
  udp,
  wireDevice,
} from '../peer';

const SECOND_DNS = 0x0a090003;

/** A stack whose DNS servers are [a dead one, PEER_IP]; `zone` answers for the live one. */
function setup(zone: Record<string, number[] | 'nxdomain'>, servers = [SECOND_DNS, PEER_IP]) {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 8 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const { dev, drv } = wireDevice(plat.memory.phys);
  const stack = new RkNetStack({
    sched,
    dev,
    phys: plat.memory.phys,
    memalign: bumpAlloc(plat.memory.phys),
    config: { addr: GUEST_IP, prefixLen: 24, gateway: 0, dns: servers },
    rxBufs: 32,
    txBufs: 32,
  });
  stack.start();
  const queries: string[] = [];
  // The peer: answers ARP for every address and DNS queries sent to PEER_IP.
  const serve = () => {
    for (const f of drv.transmitted.splice(0).map(decode)) {
      if (f.arp?.op === 1)
        drv.inject(arpFrame(ARP_REPLY, f.arp.tpa, GUEST_IP, GUEST_MAC, GUEST_MAC));
      if (f.udp?.dstPort !== 53) continue;
      const q = ok(parseDns(f.udp.payload));
      queries.push(`${f.ip!.dst === PEER_IP ? 'live' : 'dead'}:${q.questions[0].name}`);
      if (f.ip!.dst !== PEER_IP) continue;
      const z = zone[q.questions[0].name];
      const r: DnsRepr = {
        ...q,
        response: true,
        recursionAvailable: true,
        rcode: z === 'nxdomain' ? 3 : 0,
        answers: Array.isArray(z)
          ? z.map((a) => ({
              name: q.questions[0].name,
              type: 1,
              class: 1,
              ttl: 60,
              data: Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255),
            }))
          : [],
      };
      const b = new Uint8Array(dnsLen(r));
      emitDns(r, b);
      drv.inject(frame(toGuest, ipv4({ proto: 17, payload: udp(53, f.udp.srcPort, b) })));
    }
  };
  sched.spawn(
    'peer',
    async () => {
      for (;;) {
        serve();
        await sched.sleep(1e6);
      }
    },
    { detached: true },
  );
  return { sched, stack, queries };
}

describe('RkDnsResolver', () => {
  it('asks the servers in turn, returns the A records, and answers again from its cache', async () => {
    const t = setup({ 'web.example.test': [0x0a090063, 0x0a090064] });
    await t.sched.runMain(async () => {
      expect(await t.stack.resolve('web.example.test')).toEqual([0x0a090063, 0x0a090064]);
      expect(t.queries).toEqual(['dead:web.example.test', 'live:web.example.test']);
      expect(await t.stack.resolve('WEB.example.test.')).toEqual([0x0a090063, 0x0a090064]);
      expect(t.queries).toHaveLength(2);
      return 0;
    });
  });

  it('maps NXDOMAIN to -ENOENT, bad names to -EINVAL, a literal to itself, no server to -EHOSTUNREACH', async () => {
    const t = setup({ 'gone.example.test': 'nxdomain' }, [PEER_IP]);
    await t.sched.runMain(async () => {
      expect(await t.stack.resolve('gone.example.test')).toBe(-Errno.ENOENT);
      expect(await t.stack.resolve('a..b')).toBe(-Errno.EINVAL);
      expect(await t.stack.resolve('10.0.2.15')).toEqual([0x0a00020f]);
      return 0;
    });
    const none = setup({}, []);
    await none.sched.runMain(async () => {
      expect(await none.stack.resolve('x.test')).toBe(-Errno.EHOSTUNREACH);
      return 0;
    });
  });

  it('gives up with -ETIMEDOUT after its rounds when no server answers', async () => {
    const t = setup({}, [SECOND_DNS]);
    await t.sched.runMain(async () => {
      const t0 = t.sched.now();
      expect(await t.stack.resolve('slow.example.test')).toBe(-Errno.ETIMEDOUT);
      // 1 s + 2 s + 4 s of waiting over three rounds.
      expect(Math.round((t.sched.now() - t0) / 1e9)).toBe(7);
      expect(t.queries).toHaveLength(3);
      return 0;
    });
  });
});
