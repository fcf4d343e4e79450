import type { RkRegistry } from '@runikraft/rkboot';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { expect, it } from 'vitest';
import { RkNetStack } from '../src/stack';
import { ARP_REPLY } from '../src/wire/arp';
import main from './example';
import {
  arpFrame,
  bumpAlloc,
  decode,
  frame,
  GUEST_IP,
  GUEST_MAC,
  ipv4,
  PEER_IP,
  toGuest,
  udp,
  wireDevice,
} from './peer';

it("the README example echoes a datagram and stops on 'quit'", async () => {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 8 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const { dev, drv } = wireDevice(plat.memory.phys);
  const stack = new RkNetStack({
    sched,
    dev,
    phys: plat.memory.phys,
    memalign: bumpAlloc(plat.memory.phys),
    config: { addr: GUEST_IP, prefixLen: 24, gateway: 0, dns: [] },
    rxBufs: 32,
    txBufs: 32,
  });
  stack.start();
  const registry = { get: () => stack } as unknown as RkRegistry;
  const at = (ms: number, f: Uint8Array) => plat.at(ms * 1e6, () => drv.inject(f));
  at(1, arpFrame(ARP_REPLY, PEER_IP, GUEST_IP, GUEST_MAC, GUEST_MAC));
  at(
    2,
    frame(
      toGuest,
      ipv4({ proto: 17, payload: udp(5555, 7, new TextEncoder().encode('hi there')) }),
    ),
  );
  at(
    5,
    frame(toGuest, ipv4({ proto: 17, payload: udp(5555, 7, new TextEncoder().encode('quit')) })),
  );
  expect(await sched.runMain(() => main({ registry }))).toBe(0);
  const echo = drv.transmitted.map(decode).find((f) => f.udp);
  expect(echo?.udp).toMatchObject({ srcPort: 7, dstPort: 5555 });
  expect(new TextDecoder().decode(echo!.udp!.payload)).toBe('hi there');
  stack.stop();
});
