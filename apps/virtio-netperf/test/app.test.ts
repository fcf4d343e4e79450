// virtio-netperf on two machines sharing a hub: the receiver counts what the sender's burst delivers.
import { buildImage } from '@runikraft/rk';
import { beforeAll, expect, it } from 'vitest';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

it('a 2000-frame burst from tx reaches rx (frames beyond the receive queue may drop, never the host)', async () => {
  const hub = new NetHub();
  const outs = ['', ''];
  const roles = ['rx 2000 64', 'tx 2000 64'];
  const ms = roles.map((args, i) => {
    const m = new Machine({
      console: (t) => (outs[i] += t),
      clock: 'host',
      memory: 64 << 20,
      virtioForceLegacy: false,
      append: `-- ${args}`,
    });
    m.plugVirtio(new VirtioNet(hub.port(`p${i}`)));
    return m;
  });
  const exits = await Promise.all(ms.map((m) => m.boot(entry)));
  expect(outs[1]).toMatch(/netperf tx: 2000 frames of 64 B/);
  const got = Number(/netperf rx: (\d+) frames/.exec(outs[0])?.[1]);
  expect(got).toBeGreaterThan(1000);
  expect(
    exits.map((e) => e.status),
    outs.join('\n'),
  ).toEqual([0, 0]);
}, 30_000);
