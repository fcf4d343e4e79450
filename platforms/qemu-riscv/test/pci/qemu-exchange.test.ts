// Differential: requests over the virtio-pci transport, driven through qtest on real QEMU 7.2 and on our
// machine — virtio-blk over the modern BAR and over the legacy I/O BAR, virtio-net RX/TX over the
// modern BAR, and guest misbehaviour (overlapping BARs, BARs outside the windows, I/O port 0, DMA with
// bus mastering off) plus MSI-X delivery. Registers, statuses, used lengths and data must match.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import { h, qemuMissing, qemuSide, type Side } from '../virtio/qtest-sides';
import { cfgAddr, MMIO, oursPciSide, PIO } from './sides';

if (qemuMissing) console.log(`[skip] virtio-pci exchange differential: ${qemuMissing}`);

type Out = Record<string, number | string>;
const le = (v: number, n: number) =>
  Array.from({ length: n }, (_, i) => Math.floor(v / 256 ** i) & 0xff);
const RING = 0x80100000;
const BUF = 0x80200000;

async function rb(s: Side, a: number): Promise<number> {
  return Number((await s.cmd(`readb ${h(a)}`)).split(' ')[1]);
}
async function wb(s: Side, a: number, v: number) {
  await s.cmd(`writeb ${h(a)} ${h(v)}`);
}
async function ww(s: Side, a: number, v: number) {
  await s.cmd(`writew ${h(a)} ${h(v)}`);
}

/** Places BAR `bar` of 00:slot.0 at `addr` (64-bit BARs get the high half too). */
async function setBar(s: Side, slot: number, bar: number, addr: number, wide = bar === 4) {
  await s.wl(cfgAddr(slot, 0, 0x10 + 4 * bar), addr % 2 ** 32);
  if (wide) await s.wl(cfgAddr(slot, 0, 0x14 + 4 * bar), Math.floor(addr / 2 ** 32));
}

/** Modern init (virtio 1.2 §3.1.1) through the common cfg at `b`: features, 8-entry queues, DRIVER_OK. */
async function modernInit(s: Side, b: number, out: Out, feat: [number, number], queues: number[]) {
  for (const st of [0, 1, 3]) await wb(s, b + 0x14, st);
  for (const sel of [0, 1]) {
    await s.wl(b, sel);
    out[`df${sel}`] = await s.rl(b + 4);
  }
  for (const sel of [0, 1]) {
    await s.wl(b + 8, sel);
    await s.wl(b + 0xc, feat[sel]);
  }
  await wb(s, b + 0x14, 0xb);
  out.featuresOk = await rb(s, b + 0x14);
  out.numQueues = await s.rw(b + 0x12);
  for (let q = 0; q < queues.length; q++) {
    const r = queues[q];
    await ww(s, b + 0x16, q);
    out[`q${q}.size`] = await s.rw(b + 0x18);
    out[`q${q}.noff`] = await s.rw(b + 0x1e);
    await ww(s, b + 0x18, 8);
    for (const [off, a] of [
      [0x20, r],
      [0x28, r + 0x1000],
      [0x30, r + 0x2000],
    ]) {
      await s.wl(b + off, a);
      await s.wl(b + off + 4, 0);
    }
    await ww(s, b + 0x1c, 1);
    out[`q${q}.enable`] = await s.rw(b + 0x1c);
  }
  await wb(s, b + 0x14, 0xf);
  out.status = await rb(s, b + 0x14);
}

/** The blk requests of test/virtio/qemu-diff.test.ts on a ring laid out as `ring` says. */
async function blkRequests(
  s: Side,
  out: Out,
  ring: { desc: number; avail: number; used: number; size: number },
  notify: () => Promise<void>,
) {
  const reqs: [string, number, number, number, boolean][] = [
    ['out', 1, 0, 512, false],
    ['in', 0, 0, 512, true],
    ['getid', 8, 0, 20, true],
    ['flush', 4, 0, 0, false],
    ['in-oor', 0, 32768, 512, true],
    ['unsupp', 0x1234, 0, 512, true],
    ['in-8', 0, 8, 1024, true],
  ];
  for (let i = 0; i < reqs.length; i++) {
    const [name, type, sector, len, write] = reqs[i];
    const hdr = BUF + i * 0x2000;
    await s.wr(hdr, [...le(type, 4), 0, 0, 0, 0, ...le(sector, 8)]);
    await s.wr(hdr + 0x100, new Array(Math.max(len, 1)).fill(0x5a + i));
    await s.wr(hdr + 0x1800, [0xee]);
    const d0 = (i % 2) * 3;
    await s.desc(ring.desc, d0, hdr, 16, 1, d0 + 1);
    if (len) {
      await s.desc(ring.desc, d0 + 1, hdr + 0x100, len, write ? 3 : 1, d0 + 2);
      await s.desc(ring.desc, d0 + 2, hdr + 0x1800, 1, 2);
    } else await s.desc(ring.desc, d0 + 1, hdr + 0x1800, 1, 2);
    await s.wr(ring.avail + 4 + 2 * (i % ring.size), le(d0, 2));
    await s.wr(ring.avail + 2, le(i + 1, 2));
    await notify();
    out[`${name}.usedIdx`] = await s.until(ring.used + 2, i + 1);
    out[`${name}.used`] = await s.rd(ring.used + 4 + 8 * (i % ring.size), 8);
    out[`${name}.status`] = await rb(s, hdr + 0x1800);
    if (write) out[`${name}.data`] = await s.rd(hdr + 0x100, Math.min(len, 32));
  }
}

function diskImage(): Uint8Array {
  const b = new Uint8Array(16 << 20);
  for (let i = 0; i < 8192; i++) b[4096 + i] = (i * 7) & 0xff;
  return b;
}
function diskFile(): string {
  const p = join(mkdtempSync(join(tmpdir(), 'rk-pci-x-')), 'disk.img');
  writeFileSync(p, diskImage());
  return p;
}
const drive = () => ['-drive', `file=${diskFile()},if=none,format=raw,id=d0`];

async function both(qemu: () => Promise<Side>, ours: () => Side, run: (s: Side) => Promise<Out>) {
  const q = await qemu();
  let theirs: Out;
  try {
    theirs = await run(q);
  } finally {
    await q.close();
  }
  const o = ours();
  try {
    return { theirs, mine: await run(o) };
  } finally {
    await o.close();
  }
}

describe.skipIf(qemuMissing !== null)('virtio-pci requests: our machine vs real QEMU 7.2', () => {
  it('virtio-blk over the modern BAR: features, queue setup, used lengths, data, ISR and INTx status', async () => {
    const { theirs, mine } = await both(
      () => qemuSide(['virtio-blk-pci,drive=d0,disable-legacy=on'], false, drive()),
      () =>
        oursPciSide([
          {
            dev: new VirtioBlk(new MemoryBlockBackend('d0', diskImage())),
            opts: { disableLegacy: true },
          },
        ]),
      async (s) => {
        const out: Out = {};
        const b = MMIO;
        await setBar(s, 1, 4, b);
        await s.wl(cfgAddr(1, 0, 4), 0x6);
        await modernInit(s, b, out, [0, 1], [RING]);
        out.config = await s.rd(b + 0x2000, 0x40);
        await blkRequests(
          s,
          out,
          { desc: RING, avail: RING + 0x1000, used: RING + 0x2000, size: 8 },
          () => ww(s, b + 0x3000, 0),
        );
        out.pciStatus = await s.rw(cfgAddr(1, 0, 6));
        out.isr = await rb(s, b + 0x1000);
        out.pciStatusAfter = await s.rw(cfgAddr(1, 0, 6));
        out.isrAgain = await rb(s, b + 0x1000);
        return out;
      },
    );
    expect(theirs).toMatchObject({
      status: 0xf,
      'in.status': 0,
      'in-oor.status': 1,
      'unsupp.status': 2,
    });
    expect(mine).toEqual(theirs);
  }, 60_000);

  it('virtio-blk over the legacy I/O BAR (transitional): PFN rings, host features, ISR', async () => {
    const { theirs, mine } = await both(
      () => qemuSide(['virtio-blk-pci,drive=d0'], false, drive()),
      () => oursPciSide([{ dev: new VirtioBlk(new MemoryBlockBackend('d0', diskImage())) }]),
      async (s) => {
        const out: Out = {};
        const p = PIO + 0x1000;
        await setBar(s, 1, 0, 0x1000);
        await s.wl(cfgAddr(1, 0, 4), 0x5);
        for (const st of [0, 1, 3]) await wb(s, p + 18, st);
        out.host = await s.rl(p);
        await s.wl(p + 4, 0xffffffff);
        out.guest = await s.rl(p + 4);
        await s.wl(p + 4, 0x00000254);
        out.guest2 = await s.rl(p + 4);
        await ww(s, p + 14, 0);
        out.num = await s.rw(p + 12);
        await s.wl(p + 8, RING / 4096);
        out.pfn = await s.rl(p + 8);
        await wb(s, p + 18, 7);
        out.status = await rb(s, p + 18);
        out.config = await s.rd(p + 20, 0x3c);
        out.reserved = `${await rb(s, p + 1)} ${await s.rw(p + 16)} ${await s.rl(p + 20)}`;
        // qtest's in/out reach the CPU's I/O space, which RISC-V does not have: not the PIO window
        await s.cmd('outb 0x1012 0');
        out.inout = `${await s.cmd('inb 0x1012')} ${await s.cmd('inl 0x1000')} ${await rb(s, p + 18)}`;
        const n = out.num as number;
        await blkRequests(
          s,
          out,
          { desc: RING, avail: RING + 16 * n, used: RING + 0x2000, size: n },
          () => ww(s, p + 16, 0),
        );
        out.isr = await rb(s, p + 19);
        out.isrAgain = await rb(s, p + 19);
        await s.wl(p + 8, 0);
        out.afterPfnReset = `${await rb(s, p + 18)} ${await s.rl(p + 8)} ${await s.rl(p + 4)}`;
        return out;
      },
    );
    expect(theirs).toMatchObject({ num: 256, 'in.status': 0 });
    expect(mine).toEqual(theirs);
  }, 60_000);

  it('virtio-net over the modern BAR: an injected frame lands with its header, TX completes', async () => {
    const hub = new NetHub();
    const { theirs, mine } = await both(
      () => qemuSide(['virtio-net-pci,netdev=n0,disable-legacy=on,romfile='], true),
      () =>
        oursPciSide([{ dev: new VirtioNet(hub.port('nic')), opts: { disableLegacy: true } }], hub),
      async (s) => {
        const out: Out = {};
        const b = MMIO;
        await setBar(s, 1, 4, b);
        await s.wl(cfgAddr(1, 0, 4), 0x6);
        const rx = RING;
        const tx = RING + 0x10000;
        await modernInit(s, b, out, [1 << 5, 1], [rx, tx]);
        out.mac = await s.rd(b + 0x2000, 8);
        for (let i = 0; i < 2; i++) {
          await s.desc(rx, i, BUF + i * 0x1000, 1526, 2);
          await s.wr(rx + 0x1000 + 4 + 2 * i, le(i, 2));
        }
        await s.wr(rx + 0x1002, le(2, 2));
        await ww(s, b + 0x3000, 0);
        const frame = Uint8Array.from({ length: 74 }, (_, i) => (i < 6 ? 0xff : (i * 13) & 0xff));
        await s.inject(frame);
        out.rxIdx = await s.until(rx + 0x2002, 1);
        out.rxUsed = await s.rd(rx + 0x2004, 8);
        out.rxData = await s.rd(BUF, 12 + 74);
        const pkt = BUF + 0x8000;
        await s.wr(pkt, [...new Array(12).fill(0), ...frame]);
        await s.desc(tx, 0, pkt, 12 + 74, 0);
        await s.wr(tx + 0x1004, le(0, 2));
        await s.wr(tx + 0x1002, le(1, 2));
        await s.wl(b + 0x3000 + 4, 1);
        out.txIdx = await s.until(tx + 0x2002, 1);
        out.txUsed = await s.rd(tx + 0x2004, 8);
        out.isr = await rb(s, b + 0x1000);
        return out;
      },
    );
    expect(theirs).toMatchObject({ rxIdx: 1, txIdx: 1, status: 0xf });
    expect(mine).toEqual(theirs);
  }, 60_000);

  it('bus mastering cleared before the driver resets the device: the reset re-enables it, as on QEMU', async () => {
    const { theirs, mine } = await both(
      () => qemuSide(['virtio-rng-pci,disable-legacy=on']),
      () => oursPciSide([{ dev: new VirtioRng(counterRng()), opts: { disableLegacy: true } }]),
      async (s) => {
        const out: Out = {};
        await setBar(s, 1, 4, MMIO);
        await s.wl(cfgAddr(1, 0, 4), 0x2); // memory only: QEMU marks the device disabled ...
        await modernInit(s, MMIO, out, [0, 1], [RING]); // ... and its status-0 reset clears that
        await s.desc(RING, 0, BUF, 16, 2);
        await s.wr(RING + 0x1004, le(0, 2));
        await s.wr(RING + 0x1002, le(1, 2));
        await ww(s, MMIO + 0x3000, 0);
        out.used = await s.until(RING + 0x2002, 1);
        out.len = await s.rl(RING + 0x2008);
        return out;
      },
    );
    expect(theirs).toMatchObject({ status: 0xf, used: 1, len: 16 });
    expect(mine).toEqual(theirs);
  }, 60_000);

  it('misbehaviour: overlapping BARs, BARs outside the windows, I/O port 0, DMA without bus mastering, MSI-X', async () => {
    const { theirs, mine } = await both(
      () => qemuSide(['virtio-rng-pci,disable-legacy=on', 'virtio-rng-pci'], false),
      () =>
        oursPciSide([
          { dev: new VirtioRng(counterRng()), opts: { disableLegacy: true } },
          { dev: new VirtioRng(counterRng()) },
        ]),
      async (s) => {
        const out: Out = {};
        const A = MMIO;
        const B = MMIO + 0x10000;
        // both BAR4s at A: the one mapped last decodes
        await setBar(s, 1, 4, A);
        await s.wl(cfgAddr(1, 0, 4), 0x2);
        await setBar(s, 2, 4, A);
        await s.wl(cfgAddr(2, 0, 4), 0x2);
        await s.wl(A, 7);
        await setBar(s, 2, 4, B);
        out.overlap1 = `${await s.rl(A)} ${await s.rl(B)}`;
        await setBar(s, 1, 4, B);
        await s.wl(B, 9);
        await setBar(s, 1, 4, A);
        out.overlap2 = `${await s.rl(A)} ${await s.rl(B)}`;
        // outside the CPU windows: over RAM, over ECAM, at the top of the 64-bit space; then the high window
        await s.wl(0x80000000, 0x12345678);
        for (const [name, at] of [
          ['ram', 0x80000000],
          ['ecam', 0x30000000],
          ['top', 2 ** 64 - 0x4000],
          ['high', 0x400000000],
        ] as const) {
          const hiPart = Math.floor(at / 2 ** 32);
          await s.wl(cfgAddr(1, 0, 0x20), at % 2 ** 32);
          await s.wl(cfgAddr(1, 0, 0x24), hiPart >= 2 ** 32 ? 0xffffffff : hiPart);
          out[`out.${name}`] = `${await s.rl(name === 'top' ? 0x7ffffffc : at)} ${await s.rl(A)}`;
        }
        out.highDfselect = await s.rl(0x400000000);
        // the 32-bit window's last bytes and just past it
        await setBar(s, 1, 4, 0x7fffc000);
        out.edge = `${await s.rl(0x7fffc000)} ${await s.rl(0x7fffc000 + 0x1000)}`;
        // I/O BAR at port 0 does not decode; at 0xffe0 it does
        await s.wl(cfgAddr(2, 0, 0x10), 0);
        await s.wl(cfgAddr(2, 0, 4), 0x3);
        out.port0 = `${await rb(s, PIO + 18)} ${await s.rl(PIO)}`;
        await s.wl(cfgAddr(2, 0, 0x10), 0xffe0);
        out.portTop = `${await s.rl(PIO + 0xffe0)} ${await rb(s, PIO + 0xffe0 + 12)}`;
        // DMA with bus mastering off: the request waits; clearing BME also drops DRIVER_OK
        await setBar(s, 1, 4, A);
        await s.wl(cfgAddr(1, 0, 4), 0x6);
        await modernInit(s, A, out, [0, 1], [RING]);
        await s.wl(cfgAddr(1, 0, 4), 0x2);
        out.statusNoBme = await rb(s, A + 0x14);
        await s.desc(RING, 0, BUF, 16, 2);
        await s.wr(RING + 0x1004, le(0, 2));
        await s.wr(RING + 0x1002, le(1, 2));
        await ww(s, A + 0x3000, 0);
        await s.settle(150);
        out.usedNoBme = await s.rw(RING + 0x2002);
        await s.wl(cfgAddr(1, 0, 4), 0x6);
        await wb(s, A + 0x14, 0xf);
        await ww(s, A + 0x3000, 0);
        out.usedBme = await s.until(RING + 0x2002, 1);
        out.usedLen = await s.rl(RING + 0x2008);
        out.isr = await rb(s, A + 0x1000);
        // MSI-X: enable, unmask vector 0 with a message aimed at RAM, route queue 0 to it
        await setBar(s, 1, 1, MMIO + 0x20000, false);
        await s.wl(MMIO + 0x20000, 0x80300000);
        await s.wl(MMIO + 0x20004, 0);
        await s.wl(MMIO + 0x20008, 0xcafe);
        await s.wl(MMIO + 0x2000c, 0);
        await wb(s, cfgAddr(1, 0, 0x98 + 3), 0x80);
        await ww(s, A + 0x16, 0);
        await ww(s, A + 0x1a, 0);
        await ww(s, A + 0x10, 5);
        out.vectors = `${await s.rw(A + 0x1a)} ${await s.rw(A + 0x10)}`;
        await s.desc(RING, 1, BUF + 0x100, 16, 2);
        await s.wr(RING + 0x1006, le(1, 2));
        await s.wr(RING + 0x1002, le(2, 2));
        await ww(s, A + 0x3000, 0);
        out.used2 = await s.until(RING + 0x2002, 2);
        out.msi = await s.until(0x80300000, 0xcafe);
        out.isrMsix = await rb(s, A + 0x1000);
        out.pba = await s.rl(MMIO + 0x20800);
        // a driver bug with MSI-X off: NEEDS_RESET and ISR 3, but a broken device interrupts no more
        await wb(s, cfgAddr(1, 0, 0x98 + 3), 0);
        await ww(s, A + 0x1c, 0);
        out.bug = `${await rb(s, A + 0x14)} ${await s.rw(cfgAddr(1, 0, 6))} ${await rb(s, A + 0x15)}`;
        out.bugIsr = await rb(s, A + 0x1000);
        return out;
      },
    );
    expect(theirs).toMatchObject({ usedBme: 1, msi: 0xcafe });
    expect(mine).toEqual(theirs);
  }, 60_000);
});
