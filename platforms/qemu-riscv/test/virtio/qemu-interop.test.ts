// Our stream netdev backend against real QEMU 7.2's `-netdev socket`: QEMU's own virtio-net, driven
// through qtest (modern virtio-mmio), transmits a frame that our backend must receive byte-exact, and
// receives a frame our backend sends (used.len = 12 + 64 as REFERENCE §7). Skipped without QEMU.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetBackend } from '../../src/machine/backends/net/backend';
import { StreamNetBackend } from '../../src/machine/backends/net/stream';

const QEMU = 'qemu-system-riscv64';
const skip =
  spawnSync(QEMU, ['--version']).status === 0
    ? null
    : `${QEMU} is not installed (apt-get install qemu-system-misc)`;
if (skip) console.log(`[skip] QEMU interop: ${skip}`);

class Qtest {
  private buf = '';
  private waiters: ((l: string) => void)[] = [];
  constructor(private readonly p: ChildProcessWithoutNullStreams) {
    p.stdout.on('data', (d) => {
      this.buf += String(d);
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (/^(OK|FAIL|ERR)/.test(line)) this.waiters.shift()?.(line);
      }
    });
  }
  cmd(line: string): Promise<string> {
    return new Promise((res) => {
      this.waiters.push(res);
      this.p.stdin.write(`${line}\n`);
    });
  }
  async writel(a: number, v: number) {
    expect(await this.cmd(`writel 0x${a.toString(16)} 0x${(v >>> 0).toString(16)}`)).toBe('OK');
  }
  async readl(a: number): Promise<number> {
    return Number((await this.cmd(`readl 0x${a.toString(16)}`)).split(' ')[1]);
  }
  async readw(a: number): Promise<number> {
    return Number((await this.cmd(`readw 0x${a.toString(16)}`)).split(' ')[1]);
  }
  async write(a: number, bytes: Uint8Array) {
    const hex = Buffer.from(bytes).toString('hex');
    expect(await this.cmd(`write 0x${a.toString(16)} ${bytes.length} 0x${hex}`)).toBe('OK');
  }
  async read(a: number, n: number): Promise<Uint8Array> {
    const r = await this.cmd(`read 0x${a.toString(16)} ${n}`);
    return new Uint8Array(Buffer.from(r.split(' ')[1].replace(/^0x/, ''), 'hex'));
  }
}

const NET = 0x10008000;
const RXQ = 0x80100000;
const TXQ = 0x80110000;
const BUF = 0x80200000;

function desc(addr: number, len: number, flags: number): Uint8Array {
  const d = new Uint8Array(16);
  const v = new DataView(d.buffer);
  v.setUint32(0, addr, true);
  v.setUint32(8, len, true);
  v.setUint16(12, flags, true);
  return d;
}

describe.skipIf(skip !== null)('stream backend ↔ real QEMU -netdev socket', () => {
  let qemu: ChildProcessWithoutNullStreams | null = null;
  let backend: StreamNetBackend | null = null;
  afterAll(async () => {
    qemu?.kill();
    await backend?.close();
  });

  it('QEMU virtio-net TX reaches us; our frame reaches QEMU virtio-net RX', async () => {
    backend = new StreamNetBackend('n0', { type: 'inet', host: '127.0.0.1', port: 0 }, true);
    await backend.listening();
    const got: Uint8Array[] = [];
    (backend as NetBackend).attach({ receive: (f) => got.push(f) > 0 });
    qemu = spawn(QEMU, [
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
      '-netdev',
      `socket,id=n0,connect=127.0.0.1:${backend.localPort}`,
      '-device',
      'virtio-net-device,netdev=n0',
    ]);
    const q = new Qtest(qemu);
    await backend.ready;
    expect(await q.readl(NET + 8)).toBe(1);
    for (const s of [0, 1, 3]) await q.writel(NET + 0x70, s);
    await q.writel(NET + 0x24, 0);
    await q.writel(NET + 0x20, 0);
    await q.writel(NET + 0x24, 1);
    await q.writel(NET + 0x20, 1); // VERSION_1 only
    await q.writel(NET + 0x70, 0xb);
    for (const [i, base] of [
      [0, RXQ],
      [1, TXQ],
    ]) {
      await q.writel(NET + 0x30, i);
      await q.writel(NET + 0x38, 8);
      await q.writel(NET + 0x80, base);
      await q.writel(NET + 0x84, 0);
      await q.writel(NET + 0x90, base + 0x1000);
      await q.writel(NET + 0x94, 0);
      await q.writel(NET + 0xa0, base + 0x2000);
      await q.writel(NET + 0xa4, 0);
      await q.writel(NET + 0x44, 1);
    }
    await q.writel(NET + 0x70, 0xf);
    // TX: 12-byte header + a 60-byte frame
    const frame = Uint8Array.from({ length: 60 }, (_, i) => (i < 6 ? 0xff : i * 3) & 0xff);
    await q.write(BUF, new Uint8Array(12));
    await q.write(BUF + 12, frame);
    await q.write(TXQ, desc(BUF, 72, 0));
    await q.write(TXQ + 0x1000, Uint8Array.of(0, 0, 1, 0, 0, 0));
    await q.writel(NET + 0x50, 1);
    for (let i = 0; i < 600 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got[0]).toEqual(frame);
    // RX: post a 1526-byte buffer, then our backend sends a 64-byte frame
    await q.write(RXQ, desc(BUF + 0x1000, 1526, 2));
    await q.write(RXQ + 0x1000, Uint8Array.of(0, 0, 1, 0, 0, 0));
    await q.writel(NET + 0x50, 0);
    const reply = Uint8Array.from({ length: 64 }, (_, i) => (255 - i) & 0xff);
    backend.send(reply);
    let usedIdx = 0;
    for (let i = 0; i < 600 && usedIdx === 0; i++) {
      usedIdx = await q.readw(RXQ + 0x2002);
      if (!usedIdx) await new Promise((r) => setTimeout(r, 10));
    }
    expect(usedIdx).toBe(1);
    expect(await q.readl(RXQ + 0x2008)).toBe(76);
    expect(await q.read(BUF + 0x1000 + 12, 64)).toEqual(reply);
  }, 20_000);
});
