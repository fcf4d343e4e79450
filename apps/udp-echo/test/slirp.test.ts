// udp-echo with no netdev.ip= (so DHCP) behind user-mode networking: QEMU 7.2's own slirp (a
// `qemu-system-riscv64 -M none` with `-netdev user,restrict=on` joined by a hub to `-netdev stream`,
// which the machine's StreamNetBackend connects to) and the machine's UserNetBackend. The guest
// must lease 10.0.2.15/24 and ping the gateway 10.0.2.2. Nothing leaves the host: with
// restrict=on, QEMU's DHCP offers no router or DNS option, so the lease has no default gateway.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetdev } from '../../../platforms/qemu-riscv/src/machine/backends/net/args';
import type { NetBackend } from '../../../platforms/qemu-riscv/src/machine/backends/net/backend';
import { StreamNetBackend } from '../../../platforms/qemu-riscv/src/machine/backends/net/stream';
import { UserNetBackend } from '../../../platforms/qemu-riscv/src/machine/backends/net/user/backend';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { parseMac, VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

const QEMU = 'qemu-system-riscv64';
const noQemu =
  spawnSync(QEMU, ['--version']).status === 0
    ? null
    : `${QEMU} is not installed (apt-get install qemu-system-misc)`;
if (noQemu) console.log(`[skip] udp-echo behind QEMU's slirp: ${noQemu}`);

async function run(
  entry: GuestImage,
  backend: NetBackend,
): Promise<{ out: string; status: number }> {
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    clock: 'host',
    memory: 64 << 20,
    append: '-- ping=10.0.2.2,2 wait=300',
  });
  m.plugVirtio(new VirtioNet(backend, { mac: parseMac('52:54:00:12:34:56') }));
  const exit = await m.boot(entry);
  return { out, status: exit.status };
}

describe('udp-echo: DHCP and ping behind user-mode networking', () => {
  let entry: GuestImage;
  beforeAll(async () => {
    const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
    entry = loadImage(imagePath);
  }, 60_000);

  describe.skipIf(noQemu !== null)("QEMU 7.2's slirp", () => {
    let dir = '';
    let qemu: ChildProcess | undefined;
    afterAll(() => {
      qemu?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('leases 10.0.2.15/24 from QEMU and pings its gateway', async () => {
      dir = mkdtempSync(join(tmpdir(), 'rk-udpecho-slirp-'));
      const sock = join(dir, 'q.sock');
      qemu = spawn(
        QEMU,
        [
          '-M',
          'none',
          '-nographic',
          '-monitor',
          'none',
          '-serial',
          'none',
          '-netdev',
          `stream,id=s0,server=on,addr.type=unix,addr.path=${sock}`,
          '-netdev',
          'hubport,id=h0,hubid=0,netdev=s0',
          '-netdev',
          'user,id=q0,restrict=on',
          '-netdev',
          'hubport,id=h1,hubid=0,netdev=q0',
        ],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 200 && !existsSync(sock); i++)
        await new Promise((r) => setTimeout(r, 20));
      const theirs = new StreamNetBackend('q', { type: 'unix', path: sock }, false);
      await theirs.ready;
      const { out, status } = await run(entry, theirs);
      await theirs.close();
      expect(out).toMatch(/udp-echo: 10\.0\.2\.15\/24 gateway 0\.0\.0\.0 \(dhcp\)/);
      expect(out).toMatch(/ping: 2 transmitted, 2 received/);
      expect(status, out).toBe(0);
    }, 60_000);
  });

  it("leases from the machine's -netdev user and pings its gateway", async () => {
    const spec = parseNetdev('user,id=u0,restrict=on');
    if (spec.type !== 'user') throw new Error('parseNetdev: not a user netdev');
    const ours = await UserNetBackend.open('u0', spec.config, { dnsUpstream: null });
    const { out, status } = await run(entry, ours);
    await ours.close();
    expect(out).toMatch(/udp-echo: 10\.0\.2\.15\/24 gateway 0\.0\.0\.0 \(dhcp\)/);
    expect(out).toMatch(/ping: 2 transmitted, 2 received/);
    expect(status, out).toBe(0);
  }, 60_000);
});
