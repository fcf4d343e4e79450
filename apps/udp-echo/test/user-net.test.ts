// udp-echo through `-netdev user` (the machine's slirp counterpart), no root needed: the guest takes
// its address from the backend's DHCP server (rknet's client against the machine's server, two
// independent implementations), pings the gateway, reaches a UDP echo on the host's loopback through
// the NAT (10.0.2.2), and answers a host datagram arriving through hostfwd=udp — with the NIC on
// virtio-mmio (QEMU's default, legacy) and on virtio-pci (modern and legacy).
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineOpts, plug, TRANSPORTS } from '../../../packages/virtio/test/transports';
import {
  OptReader,
  splitOpts,
} from '../../../platforms/qemu-riscv/src/machine/backends/net/qemu-opts';
import { UserNetBackend } from '../../../platforms/qemu-riscv/src/machine/backends/net/user/backend';
import { parseUserOpts } from '../../../platforms/qemu-riscv/src/machine/backends/net/user/config';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { parseMac, VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

describe('udp-echo on rknet through -netdev user', () => {
  let entry: GuestImage;
  const hostEcho = createSocket('udp4');
  beforeAll(async () => {
    const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
    entry = loadImage(imagePath);
    hostEcho.on('message', (m, r) =>
      hostEcho.send(Buffer.concat([Buffer.from('host:'), m]), r.port, r.address),
    );
    hostEcho.bind(0, '127.0.0.1');
    await once(hostEcho, 'listening');
  }, 60_000);
  afterAll(() => hostEcho.close());

  for (const tr of [TRANSPORTS[0]!, TRANSPORTS[2]!, TRANSPORTS[3]!])
    it(`${tr.name}: DHCP lease, ping 10.0.2.2, UDP out through the NAT and in through hostfwd=udp`, async () => {
      const text = 'user,id=u0,hostfwd=udp:127.0.0.1:0-:7';
      const cfg = parseUserOpts(
        '-netdev user',
        new OptReader('-netdev user', splitOpts('-netdev', text, ['hostfwd'])),
      );
      const user = await UserNetBackend.open('u0', cfg, {
        dnsUpstream: null,
        allowOutbound: (host) => host === '127.0.0.1',
      });
      const echoPort = (hostEcho.address() as { port: number }).port;
      let out = '';
      let onListen: () => void = () => {};
      const listening = new Promise<void>((r) => (onListen = r));
      const m = new Machine({
        console: (t) => {
          out += t;
          if (out.includes('udp-echo: listening')) onListen();
        },
        clock: 'host',
        memory: 64 << 20,
        ...machineOpts(tr),
        append: `-- ping=10.0.2.2,3 send=10.0.2.2:${echoPort}:hello-host echo=7 wait=20000`,
      });
      plug(m, new VirtioNet(user, { mac: parseMac('52:54:00:12:34:56') }), tr);
      const booted = m.boot(entry);
      await Promise.race([listening, booted]);
      if (!out.includes('listening')) throw new Error(`guest did not come up:\n${out}`);
      const client = createSocket('udp4');
      client.bind(0, '127.0.0.1');
      await once(client, 'listening');
      const reply = once(client, 'message');
      client.send('hello-guest', user.hostfwdPorts[0], '127.0.0.1');
      const [msg] = (await Promise.race([
        reply,
        new Promise((_, rej) => setTimeout(() => rej(new Error(`no echo:\n${out}`)), 10_000)),
      ])) as [Buffer];
      client.send('quit', user.hostfwdPorts[0], '127.0.0.1');
      const exit = await booted;
      client.close();
      await user.close();
      expect(String(msg)).toBe('hello-guest');
      expect(out).toMatch(/udp-echo: 10\.0\.2\.15\/24 gateway 10\.0\.2\.2/);
      expect(out).toMatch(/ping: 3 transmitted, 3 received/);
      expect(out).toMatch(/reply from 10\.0\.2\.2:\d+: host:hello-host/);
      if (tr.pci) expect(out).toContain(`virtio-pci@0000:00:01.0: net v${tr.legacy ? 1 : 2}`);
      expect(exit.status, out).toBe(0);
    }, 60_000);
});
