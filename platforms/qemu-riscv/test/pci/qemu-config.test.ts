// Differential: config space of the host bridge and of every virtio-*-pci device in each transport mode
// (transitional, disable-legacy=on, disable-modern=on), walked through ECAM by one qtest script on real
// QEMU 7.2 and on our machine: all 256 bytes, the capability chain, BAR sizes after writing all ones,
// every register's writable bits, reads past the function, of empty slots and of bus 1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { h, qemuMissing, qemuSide, type Side } from '../virtio/qtest-sides';
import { cfgAddr, KINDS, MODES, modeOpts, modeProps, oursPciSide } from './sides';

if (qemuMissing) console.log(`[skip] PCI config-space differential: ${qemuMissing}`);

type Out = Record<string, number | string>;

async function dump(s: Side, slot: number): Promise<string> {
  return s.rd(cfgAddr(slot), 256);
}

/** The scenario: identical on both machines. */
async function walk(s: Side): Promise<Out> {
  const out: Out = {};
  out.bridge = await dump(s, 0);
  out.device = await dump(s, 1);
  // capability chain: ids and offsets in list order
  const chain: string[] = [];
  for (let p = (await s.rl(cfgAddr(1, 0, 0x34))) & 0xff, n = 0; p && n < 48; n++) {
    const w = await s.rl(cfgAddr(1, 0, p));
    chain.push(`${h(p)}:${h(w & 0xff)}`);
    p = (w >>> 8) & 0xff;
  }
  out.chain = chain.join(' ');
  // BAR sizing as a kernel does it: all ones, read back the mask, restore
  for (let bar = 0; bar < 6; bar++) {
    const a = cfgAddr(1, 0, 0x10 + 4 * bar);
    const old = await s.rl(a);
    await s.wl(a, 0xffffffff);
    out[`bar${bar}`] = await s.rl(a);
    await s.wl(a, old);
  }
  // reads that find nothing
  for (const [name, a] of [
    ['past-256', cfgAddr(1, 0, 0x100)],
    ['last', cfgAddr(1, 0, 0xffc)],
    ['empty-slot', cfgAddr(2)],
    ['fn1', cfgAddr(1, 1)],
    ['bus1', cfgAddr(0, 0, 0, 1)],
    ['bus255', cfgAddr(31, 7, 0, 255)],
  ] as const)
    out[name] = await s.rl(a);
  out.readb = (await s.cmd(`readb ${h(cfgAddr(1, 0, 0x3d))}`)).split(' ')[1];
  out.readw1 = await s.rw(cfgAddr(1, 0, 1));
  out.readl2 = await s.rl(cfgAddr(1, 0, 2));
  // writable bits of every register: write all ones, read, write zeros, read
  for (const slot of [0, 1])
    for (let r = 0; r < 0x100; r += 4) {
      const a = cfgAddr(slot, 0, r);
      await s.wl(a, 0xffffffff);
      const ones = await s.rl(a);
      await s.wl(a, 0);
      out[`w${slot}.${h(r)}`] = `${h(ones)}/${h(await s.rl(a))}`;
    }
  return out;
}

function diskFile(): string {
  const p = join(mkdtempSync(join(tmpdir(), 'rk-pci-')), 'disk.img');
  writeFileSync(p, new Uint8Array(16 << 20));
  return p;
}

describe.skipIf(qemuMissing !== null)(
  'PCIe config space: our machine vs real QEMU 7.2 (qtest over ECAM)',
  () => {
    for (const kind of KINDS)
      for (const mode of MODES)
        it(`${kind.name}-pci ${mode}`, async () => {
          const q = kind.qemu(modeProps(mode));
          const extra = q.extra.map((a) =>
            a === 'DRIVE' ? `file=${diskFile()},if=none,format=raw,id=d0` : a,
          );
          const qemu = await qemuSide([q.device], false, extra);
          let theirs: Out;
          try {
            theirs = await walk(qemu);
          } finally {
            await qemu.close();
          }
          // the script reached QEMU's devices: Red Hat's bridge and a virtio function at 00:01.0
          expect(String(theirs.bridge).slice(0, 10)).toBe('0x361b0800');
          expect(String(theirs.device).slice(0, 6)).toBe('0xf41a');
          const ours = oursPciSide([{ dev: kind.ours(), opts: modeOpts(mode) }]);
          try {
            expect(await walk(ours)).toEqual(theirs);
          } finally {
            await ours.close();
          }
        }, 30_000);
  },
);
