// One qtest script, two machines: real QEMU 7.2 (spawned with `-qtest stdio`) and ours (the qtest
// session over Machine.qtest). Differential tests write a scenario once against `Side` and compare.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { NetHub } from '../../src/machine/backends/net/hub';
import { Machine } from '../../src/machine/machine';
import { createQtestSession } from '../../src/machine/qtest';
import type { VirtioDevice } from '../../src/machine/virtio-mmio/device';

export const QEMU = 'qemu-system-riscv64';
/** Why QEMU differentials are skipped here, or null when qemu-system-riscv64 runs. */
export const qemuMissing: string | null =
  spawnSync(QEMU, ['--version']).status === 0 ? null : `${QEMU} is not installed`;

export const h = (n: number) => `0x${n.toString(16)}`;
const le = (v: number, n: number) =>
  Array.from({ length: n }, (_, i) => Math.floor(v / 256 ** i) & 0xff);

/** A machine driven by qtest lines, with an optional wire to inject Ethernet frames into its NIC. */
export class Side {
  constructor(
    readonly name: string,
    readonly cmd: (line: string) => Promise<string>,
    readonly inject: (frame: Uint8Array) => Promise<void>,
    readonly close: () => Promise<void>,
  ) {}
  async rl(a: number): Promise<number> {
    return Number((await this.cmd(`readl ${h(a)}`)).split(' ')[1]);
  }
  async rw(a: number): Promise<number> {
    return Number((await this.cmd(`readw ${h(a)}`)).split(' ')[1]);
  }
  async wl(a: number, v: number): Promise<void> {
    await this.cmd(`writel ${h(a)} ${h(v >>> 0)}`);
  }
  async wr(a: number, bytes: ArrayLike<number>): Promise<void> {
    await this.cmd(`write ${h(a)} ${bytes.length} 0x${Buffer.from(bytes).toString('hex')}`);
  }
  async rd(a: number, n: number): Promise<string> {
    return (await this.cmd(`read ${h(a)} ${n}`)).split(' ')[1];
  }
  /** Writes descriptor `i` of the table at `table`. */
  desc(table: number, i: number, addr: number, len: number, flags: number, next = 0) {
    return this.wr(table + 16 * i, [
      ...le(addr, 8),
      ...le(len, 4),
      ...le(flags, 2),
      ...le(next, 2),
    ]);
  }
  /** Polls the u16 at `a` until it reads `want` (QEMU completes asynchronously); at most ~3 s. */
  async until(a: number, want: number): Promise<number> {
    let v = await this.rw(a);
    for (let t = 0; t < 300 && v !== want; t++) {
      await new Promise((r) => setTimeout(r, 10));
      v = await this.rw(a);
    }
    return v;
  }
  /** Lets the machine run ~`ms` (for things that must NOT happen). */
  settle(ms = 150): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /**
   * Modern init of the device at `base` (REFERENCE §4 sequence): features `lo`/`hi`, queues `rings`
   * of 8 entries, desc at ring, avail at ring+0x1000, used at ring+0x2000, then DRIVER_OK.
   */
  async initModern(base: number, lo: number, hi: number, rings: number[]): Promise<void> {
    for (const s of [0, 1, 3]) await this.wl(base + 0x70, s);
    await this.wl(base + 0x24, 0);
    await this.wl(base + 0x20, lo);
    await this.wl(base + 0x24, 1);
    await this.wl(base + 0x20, hi);
    await this.wl(base + 0x70, 0xb);
    for (let i = 0; i < rings.length; i++) {
      await this.wl(base + 0x30, i);
      await this.wl(base + 0x38, 8);
      for (const [reg, a] of [
        [0x80, rings[i]],
        [0x90, rings[i] + 0x1000],
        [0xa0, rings[i] + 0x2000],
      ]) {
        await this.wl(base + reg, a);
        await this.wl(base + reg + 4, 0);
      }
      await this.wl(base + 0x44, 1);
    }
    await this.wl(base + 0x70, 0xf);
  }

  /** Makes `heads` available in the ring at `ring` (avail at +0x1000) from slot `from`, then notifies. */
  async offer(base: number, q: number, ring: number, from: number, heads: number[]) {
    for (let k = 0; k < heads.length; k++)
      await this.wr(ring + 0x1000 + 4 + 2 * ((from + k) % 8), le(heads[k], 2));
    await this.wr(ring + 0x1002, le(from + heads.length, 2));
    await this.wl(base + 0x50, q);
  }
}

function lineReader(p: ChildProcessWithoutNullStreams): (line: string) => Promise<string> {
  let buf = '';
  const waiters: ((l: string) => void)[] = [];
  p.stdout.on('data', (d) => {
    buf += String(d);
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (/^(OK|FAIL|ERR)/.test(line)) waiters.shift()?.(line);
    }
  });
  return (line) =>
    new Promise((res) => {
      waiters.push(res);
      p.stdin.write(`${line}\n`);
    });
}

const bound = (s: Socket) =>
  new Promise<number>((r) => s.bind(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

/**
 * Real QEMU with `devices` (-device arguments, first → slot 7). With `net`, a UDP socket netdev `n0`
 * lets `inject` deliver one frame per datagram to the NIC; `extra` are more arguments (e.g. -drive).
 */
export async function qemuSide(
  devices: string[],
  net = false,
  extra: string[] = [],
): Promise<Side> {
  const args = [
    '-M',
    'virt',
    '-m',
    '64M',
    '-bios',
    'none',
    '-nodefaults',
    '-display',
    'none',
    '-qtest',
    'stdio',
    '-global',
    'virtio-mmio.force-legacy=false',
  ];
  let sink: Socket | null = null;
  let nicPort = 0;
  if (net) {
    sink = createSocket('udp4');
    const sinkPort = await bound(sink);
    const probe = createSocket('udp4');
    nicPort = await bound(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    args.push('-netdev', `socket,id=n0,udp=127.0.0.1:${sinkPort},localaddr=127.0.0.1:${nicPort}`);
  }
  for (const d of devices) args.push('-device', d);
  args.push(...extra);
  const p = spawn(QEMU, args);
  // QEMU logs every qtest command on stderr: drain it, or a long script fills the pipe and QEMU stalls.
  if (process.env.RK_SHOW) p.stderr.on('data', (d) => process.stderr.write(`[qemu] ${d}`));
  else p.stderr.resume();
  const cmd = lineReader(p);
  return new Side(
    'qemu',
    cmd,
    (frame) =>
      new Promise<void>((r, j) =>
        sink
          ? sink.send(frame, nicPort, '127.0.0.1', (e) => (e ? j(e) : r()))
          : j(new Error('no net')),
      ),
    async () => {
      p.kill();
      if (sink) await new Promise<void>((r) => sink?.close(() => r()));
    },
  );
}

/** Our machine with `devices` plugged in order (first → slot 7); `nic` receives injected frames. */
export function oursSide(devices: VirtioDevice[], hub?: NetHub): Side {
  const m = new Machine({ console: 'none', memory: 64 << 20, virtioForceLegacy: false });
  for (const d of devices) m.plugVirtio(d);
  const session = createQtestSession(m.qtest);
  const wire = (hub ?? new NetHub()).port('wire');
  return new Side(
    'ours',
    async (l) => session(l),
    async (frame) => wire.send(frame),
    async () => m.powerOff(0),
  );
}
