// Two machines on one in-process hub exchange raw Ethernet frames through virtio-net over each
// transport (virtio-mmio and virtio-pci, legacy and modern; and one of each on the same hub), and the
// same with seeded loss on the hub, where the app must report the shortfall.
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  machineOpts,
  plug,
  type TestTransport,
  TRANSPORTS,
} from '../../../packages/virtio/test/transports';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { parseMac, VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

async function pair(
  hub: NetHub,
  transports: readonly [TestTransport, TestTransport],
  n: number,
  waitMs = 10000,
) {
  const outs = ['', ''];
  const ms = [0, 1].map((i) => {
    const m = new Machine({
      console: (t) => (outs[i] += t),
      clock: 'host',
      ...machineOpts(transports[i]!),
      memory: 64 << 20,
      append: `-- ${n} ${waitMs}`,
    });
    const nic = new VirtioNet(hub.port(`m${i}`), { mac: parseMac(`52:54:00:00:00:0${i + 1}`) });
    plug(m, nic, transports[i]!);
    return m;
  });
  const exits = await Promise.all(ms.map((m) => m.boot(entry)));
  return { exits, outs };
}

const MIXED = [TRANSPORTS[1], TRANSPORTS[3]] as const;
for (const pairOf of [...TRANSPORTS.map((t) => [t, t] as const), MIXED]) {
  const what =
    pairOf[0] === pairOf[1] ? pairOf[0].name : `${pairOf[0].name} with ${pairOf[1].name}`;
  describe(`virtio-net-hub app (${what})`, () => {
    it("two machines each send 16 frames and receive the other one's 16, in order", async () => {
      const { exits, outs } = await pair(new NetHub(), pairOf, 16);
      expect(outs[0]).toContain('received 16 from 52:54:00:00:00:02 in order');
      expect(outs[1]).toContain('received 16 from 52:54:00:00:00:01 in order');
      expect(outs[0]).toMatch(/link up/);
      expect(outs[0]).toMatch(/in order, [1-9]\d* rx interrupts/); // interrupt-mode RX callbacks ran
      if (pairOf[0].pci)
        expect(outs[0]).toContain(`virtio-pci@0000:00:01.0: net v${pairOf[0].legacy ? 1 : 2}`);
      expect(
        exits.map((e) => e.status),
        outs.join('\n'),
      ).toEqual([0, 0]);
    });
  });
}

describe('virtio-net-hub app with hub faults', () => {
  it('total loss: each machine times out and reports what it got (exit 1), the host keeps running', async () => {
    const hub = new NetHub(0, { seed: 3, loss: 1 });
    const { exits, outs } = await pair(hub, [TRANSPORTS[2], TRANSPORTS[2]], 4, 500);
    expect(outs[0]).toContain('received 0 from nobody');
    expect(exits.map((e) => e.status)).toEqual([1, 1]);
    expect(hub.stats.lost).toBe(8);
  }, 30_000);
});
