// Differential test: one qtest script runs against real QEMU 7.2 and against our machine, with the
// same raw image, virtio-blk + virtio-rng, legacy and modern; every register value, config byte,
// request status and used.len must match. Skipped without qemu-system-riscv64.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBlockBackend } from '../../src/machine/backends/blk/file';
import { Machine } from '../../src/machine/machine';
import { createQtestSession } from '../../src/machine/qtest';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';

const QEMU = 'qemu-system-riscv64';
const skip = spawnSync(QEMU, ['--version']).status === 0 ? null : `${QEMU} is not installed`;
if (skip) console.log(`[skip] QEMU differential: ${skip}`);

type Cmd = (line: string) => Promise<string>;

function qemuCmd(p: ChildProcessWithoutNullStreams): Cmd {
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

const BLK = 0x10008000;
const RNG = 0x10007000;
const h = (n: number) => `0x${n.toString(16)}`;

/** The probe: returns every observed value in order. */
async function script(cmd: Cmd, legacy: boolean): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const rl = async (a: number) => Number((await cmd(`readl ${h(a)}`)).split(' ')[1]);
  const rb = async (a: number) => Number((await cmd(`readb ${h(a)}`)).split(' ')[1]);
  const wl = (a: number, v: number) => cmd(`writel ${h(a)} ${h(v >>> 0)}`);
  const wr = (a: number, bytes: number[]) =>
    cmd(`write ${h(a)} ${bytes.length} 0x${Buffer.from(bytes).toString('hex')}`);
  const le = (v: number, n: number) =>
    Array.from({ length: n }, (_, i) => Math.floor(v / 256 ** i) & 0xff);
  for (const [name, base] of [
    ['blk', BLK],
    ['rng', RNG],
  ] as const) {
    for (const off of [0, 4, 8, 0xc, 0x34, 0x70, 0xfc, 0xb0])
      out[`${name}.reg${h(off)}`] = await rl(base + off);
    for (const sel of [0, 1]) {
      await wl(base + 0x14, sel);
      out[`${name}.features${sel}`] = await rl(base + 0x10);
    }
    out[`${name}.readb-magic`] = await rb(base);
  }
  for (let o = 0; o < 0x40; o++) out[`blk.config${h(o)}`] = await rb(BLK + 0x100 + o);
  // init blk and rng with 8-entry queues (REFERENCE §4 sequence)
  for (const [base, ring] of [
    [BLK, 0x80100000],
    [RNG, 0x80110000],
  ]) {
    for (const s of [0, 1, 3]) await wl(base + 0x70, s);
    await wl(base + 0x24, 0);
    await wl(base + 0x20, 0);
    if (!legacy) {
      await wl(base + 0x24, 1);
      await wl(base + 0x20, 1);
      await wl(base + 0x70, 0xb);
    } else await wl(base + 0x28, 4096);
    await wl(base + 0x30, 0);
    await wl(base + 0x38, 8);
    if (legacy) {
      await wl(base + 0x3c, 4096);
      await wl(base + 0x40, ring / 4096);
    } else {
      for (const [reg, a] of [
        [0x80, ring],
        [0x90, ring + 0x80],
        [0xa0, ring + 0x1000],
      ]) {
        await wl(base + reg, a);
        await wl(base + reg + 4, 0);
      }
      await wl(base + 0x44, 1);
    }
    await wl(base + 0x70, legacy ? 7 : 0xf);
    out[`${h(base)}.status`] = await rl(base + 0x70);
  }
  const ring = 0x80100000;
  const reqs: [string, number, number, number, boolean][] = [
    ['out', 1, 0, 512, false],
    ['in', 0, 0, 512, true],
    ['getid', 8, 0, 20, true],
    ['flush', 4, 0, 0, false],
    ['in-oor', 0, 32768, 512, true],
    ['unsupp', 0x1234, 0, 512, true],
    ['in-1024', 0, 8, 1024, true],
  ];
  for (let i = 0; i < reqs.length; i++) {
    const [name, type, sector, len, write] = reqs[i];
    const hdr = 0x80200000 + i * 0x2000;
    await wr(hdr, [...le(type, 4), 0, 0, 0, 0, ...le(sector, 8)]);
    await wr(hdr + 0x100, new Array(Math.max(len, 1)).fill(0x5a));
    await wr(hdr + 0x1800, [0xee]);
    const d = (j: number, addr: number, n: number, flags: number, next: number) =>
      wr(ring + 16 * j, [...le(addr, 8), ...le(n, 4), ...le(flags, 2), ...le(next, 2)]);
    if (len) {
      await d(0, hdr, 16, 1, 1);
      await d(1, hdr + 0x100, len, write ? 3 : 1, 2);
      await d(2, hdr + 0x1800, 1, 2, 0);
    } else {
      await d(0, hdr, 16, 1, 1);
      await d(1, hdr + 0x1800, 1, 2, 0);
    }
    await wr(ring + 0x80 + 4 + 2 * (i % 8), [0, 0]);
    await wr(ring + 0x80 + 2, le(i + 1, 2));
    await wl(BLK + 0x50, 0);
    for (let t = 0; t < 600; t++) {
      if (Number((await cmd(`readw ${h(ring + 0x1002)}`)).split(' ')[1]) === i + 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    out[`${name}.usedlen`] = Number(
      (await cmd(`readl ${h(ring + 0x1008 + 8 * (i % 8))}`)).split(' ')[1],
    );
    out[`${name}.status`] = await rb(hdr + 0x1800);
    if (name === 'getid')
      out['getid.bytes'] = (await cmd(`read ${h(hdr + 0x100)} 21`)).split(' ')[1];
    if (name === 'in') out['in.data'] = (await cmd(`read ${h(hdr + 0x100)} 16`)).split(' ')[1];
  }
  out['blk.isr'] = await rl(BLK + 0x60);
  // rng: 16 bytes requested → used.len
  const rr = 0x80110000;
  await wr(rr, [...le(0x80300000, 8), ...le(16, 4), 2, 0, 0, 0]);
  await wr(rr + 0x80 + 2, [1, 0]);
  await wl(RNG + 0x50, 0);
  for (let t = 0; t < 600; t++) {
    if (Number((await cmd(`readw ${h(rr + 0x1002)}`)).split(' ')[1]) === 1) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  out['rng.usedlen'] = Number((await cmd(`readl ${h(rr + 0x1008)}`)).split(' ')[1]);
  return out;
}

function image(): string {
  const p = join(mkdtempSync(join(tmpdir(), 'rk-diff-')), 'disk.img');
  const b = new Uint8Array(16 << 20);
  for (let i = 0; i < 8192; i++) b[4096 + i] = i & 0xff;
  writeFileSync(p, b);
  return p;
}

describe.skipIf(skip !== null)(
  'virtio-blk and virtio-rng: our machine vs real QEMU 7.2 (qtest)',
  () => {
    for (const legacy of [true, false]) {
      it(`${legacy ? 'legacy' : 'modern'}: identical registers, config, statuses and used.len`, async () => {
        const qimg = image();
        const p = spawn(QEMU, [
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
          `virtio-mmio.force-legacy=${legacy}`,
          '-drive',
          `file=${qimg},if=none,format=raw,id=d0`,
          '-device',
          'virtio-blk-device,drive=d0',
          '-device',
          'virtio-rng-device',
        ]);
        try {
          const theirs = await script(qemuCmd(p), legacy);
          // the probe really reached QEMU: REFERENCE §6/§8 values
          expect(theirs['blk.features0']).toBe(legacy ? 0x31006ed4 : 0x30006e54);
          expect([
            theirs['in.usedlen'],
            theirs['getid.usedlen'],
            theirs['in-oor.status'],
            theirs['unsupp.status'],
          ]).toEqual([513, 21, 1, 2]);
          if (process.env.RK_SHOW) console.log(theirs);
          const m = new Machine({ console: 'none', memory: 64 << 20, virtioForceLegacy: legacy });
          m.plugVirtio(new VirtioBlk(new FileBlockBackend('d0', image(), false)));
          m.plugVirtio(new VirtioRng());
          const session = createQtestSession(m.qtest);
          const ours = await script(async (l) => session(l), legacy);
          expect(ours).toEqual(theirs);
        } finally {
          p.kill();
        }
      }, 30_000);
    }
  },
);
