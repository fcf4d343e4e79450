// udp-echo against Linux's own stack through a TAP device in a network namespace the test creates
// and removes (root only; skipped with the reason elsewhere): Linux pings the guest (incl. a
// 3000-byte ping the guest reassembles and answers in fragments), the guest pings Linux with an
// ICMP echo socket, UDP both ways with socat, and the guest's TX netbufs all return.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  for (const [tool, pkg] of [
    ['ping', 'iputils-ping'],
    ['socat', 'socat'],
  ])
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install ${pkg})`;
    }
  return null;
}
const skip = why();
if (skip) console.log(`[skip] udp-echo TAP test: ${skip}`);

const ns = `rkudp${process.pid}`;
const ifname = `rku${process.pid % 100000}`;
const inNs = (...a: string[]) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, ...a]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });

describe.skipIf(skip !== null)('udp-echo on rknet against Linux through TAP', () => {
  let entry: GuestImage;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
    entry = loadImage(imagePath);
  }, 60_000);
  afterAll(() => {
    for (const c of children) c.kill();
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {}
  });

  it('ping both ways (incl. 3000 bytes), UDP both ways, no netbuf leak', async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    const tap = await TapNetBackend.open('t0', ifname);
    execFileSync('ip', ['link', 'set', ifname, 'netns', ns]);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.79.0.1/24', 'dev', ifname]);
    execFileSync('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    // Linux's UDP echo for the guest's send= (socat answers each datagram with the same bytes).
    const echo = spawn('ip', ['netns', 'exec', ns, 'socat', 'UDP-RECVFROM:9999,fork', 'EXEC:cat']);
    children.push(echo);
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
      append:
        'netdev.ip=10.79.0.2/24:10.79.0.1 -- ping=10.79.0.1,3 send=10.79.0.1:9999:hello-linux echo=7 wait=25000',
    });
    m.plugVirtio(new VirtioNet(tap, { mac: parseMac('52:54:00:12:34:60') }));
    const booted = m.boot(entry);
    await Promise.race([listening, booted]);
    if (!out.includes('listening')) throw new Error(`guest did not come up:\n${out}`);
    const small = await inNs('ping', '-c', '3', '-i', '0.2', '-W', '2', '10.79.0.2');
    const big = await inNs('ping', '-c', '2', '-i', '0.3', '-W', '2', '-s', '3000', '10.79.0.2');
    const udp = await inNs('sh', '-c', 'echo hello-guest | socat -t 2 - UDP:10.79.0.2:7');
    const closed = await inNs('sh', '-c', 'echo x | socat -t 1 - UDP:10.79.0.2:9; echo rc=$?');
    await inNs('sh', '-c', 'echo quit | socat -t 0.2 - UDP:10.79.0.2:7');
    const exit = await booted;
    await tap.close();
    expect(small.out, small.out).toMatch(/3 packets transmitted, 3 received, 0% packet loss/);
    expect(big.out, big.out).toMatch(/3008 bytes from 10\.79\.0\.2/);
    expect(big.out).toMatch(/2 received, 0% packet loss/);
    expect(udp.out.trim()).toBe('hello-guest');
    // The guest answered the datagram to a closed port with ICMP port unreachable, which Linux
    // turns into ECONNREFUSED on the connected socat socket.
    expect(closed.out, closed.out).toMatch(/Connection refused/);
    expect(out).toMatch(/udp-echo: 10\.79\.0\.2\/24 gateway 10\.79\.0\.1 \(static\)/);
    expect(out).toMatch(/ping: 3 transmitted, 3 received/);
    expect(out).toMatch(/reply from 10\.79\.0\.1:9999: hello-linux/);
    expect(out).toMatch(/echoed 1 datagrams/);
    const pools =
      /netbufs: tx (\d+) free \((\d+) at start, (\d+) in all\), rx (\d+) free \((\d+) at start\)/.exec(
        out,
      );
    expect(pools, out).not.toBeNull();
    expect(pools![1]).toBe(pools![2]);
    expect(Number(pools![3]) - Number(pools![1])).toBeLessThanOrEqual(1);
    expect(pools![4]).toBe(pools![5]);
    expect(exit.status, out).toBe(0);
  }, 60_000);
});
