// The guest against Linux's own network stack through a TAP device in a network namespace (root
// only; skipped with the reason elsewhere): Linux answers the guest's ARP request, and Linux's
// arping gets the guest's ARP replies. Over virtio-mmio and virtio-pci, legacy and modern.
import { execFileSync, spawn } from 'node:child_process';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineOpts, plug, TRANSPORTS } from '../../../packages/virtio/test/transports';
import {
  TapNetBackend,
  tapUnavailableReason,
} from '../../../platforms/qemu-riscv/src/machine/backends/net/tap';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { parseMac, VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';

function why(): string | null {
  const r = tapUnavailableReason();
  if (r) return r;
  try {
    execFileSync('ip', ['netns', 'add', `rkprobe${process.pid}`], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', `rkprobe${process.pid}`], { stdio: 'ignore' });
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
  try {
    execFileSync('arping', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'arping is not installed (apt-get install iputils-arping)';
  }
  return null;
}
const skip = why();
if (skip) console.log(`[skip] virtio-net-arp TAP test: ${skip}`);

const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' }).toString();

describe.skipIf(skip !== null)('virtio-net-arp against Linux through TAP', () => {
  let entry: GuestImage;
  beforeAll(async () => {
    const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
    entry = loadImage(imagePath);
  }, 60_000);

  TRANSPORTS.forEach((tr, ti) => {
    const ns = `rkarp${process.pid}t${ti}`;
    const ifname = `rka${process.pid % 10000}t${ti}`;
    afterAll(() => {
      try {
        ip('netns', 'del', ns);
      } catch {}
    });

    it(`${tr.name}: Linux answers the guest's ARP; arping gets the guest's replies`, async () => {
      ip('netns', 'add', ns);
      const tap = await TapNetBackend.open('t0', ifname);
      ip('link', 'set', ifname, 'netns', ns);
      ip('-n', ns, 'addr', 'add', '10.78.0.1/24', 'dev', ifname);
      ip('-n', ns, 'link', 'set', ifname, 'up');
      let out = '';
      const m = new Machine({
        console: (t) => (out += t),
        clock: 'host',
        ...machineOpts(tr),
        memory: 64 << 20,
        append: '-- 10.78.0.2 10.78.0.1 8000 2',
      });
      plug(m, new VirtioNet(tap, { mac: parseMac('52:54:00:12:34:57') }), tr);
      const arping = spawn('ip', [
        'netns',
        'exec',
        ns,
        'arping',
        '-c',
        '3',
        '-w',
        '6',
        '-I',
        ifname,
        '10.78.0.2',
      ]);
      let arpOut = '';
      arping.stdout.on('data', (d) => (arpOut += d));
      const arpingDone = new Promise<number>((r) => arping.on('exit', (c) => r(c ?? -1)));
      const exit = await m.boot(entry);
      const code = await arpingDone;
      await tap.close();
      if (tr.pci) expect(out).toContain(`virtio-pci@0000:00:01.0: net v${tr.legacy ? 1 : 2}`);
      expect(out).toContain('10.78.0.1 is-at');
      expect(out).toMatch(/answered who-has 10\.78\.0\.2 from 10\.78\.0\.1/);
      expect(exit.status, out).toBe(0);
      expect(arpOut).toMatch(/Unicast reply from 10\.78\.0\.2 \[52:54:00:12:34:57\]/i);
      expect(arpOut).toMatch(/Received [1-9]\d* response/);
      void code;
    }, 30_000);
  });
});
