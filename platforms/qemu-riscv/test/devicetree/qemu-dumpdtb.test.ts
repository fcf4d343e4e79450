// Live differential of the device tree against `qemu-system-riscv64 -machine virt,dumpdtb=` for RAM sizes
// that move the PCIe 64-bit window (RAM end rounded up to 16 GiB) and with virtio-pci devices in every
// transport mode plugged (QEMU's tree never changes for PCI devices: they are found through ECAM).
// Complements virt-dtb.test.ts, whose reference blobs are stored. Skipped without QEMU.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fdt } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { virtDumpDtb } from '../../src/machine/machine';

const QEMU = 'qemu-system-riscv64';
const missing = spawnSync(QEMU, ['--version']).status === 0 ? null : `${QEMU} is not installed`;
if (missing) console.log(`[skip] live dumpdtb differential: ${missing}`);
const GiB = 2 ** 30;

/** QEMU's blob cut to its header's totalsize (dumpdtb writes a 1 MiB buffer). */
function qemuDtb(args: string[]): Uint8Array {
  const f = join(mkdtempSync(join(tmpdir(), 'rk-dumpdtb-')), 'virt.dtb');
  const r = spawnSync(QEMU, ['-machine', `virt,dumpdtb=${f}`, '-display', 'none', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`${QEMU} ${args.join(' ')}: ${r.stderr}`);
  const b = new Uint8Array(readFileSync(f));
  return b.subarray(0, new DataView(b.buffer, b.byteOffset).getUint32(4));
}

const PCI_DEVICES = [
  '-device',
  'virtio-rng-pci,addr=5',
  '-device',
  'virtio-net-pci,disable-legacy=on,romfile=',
  '-device',
  'virtio-rng-pci,disable-modern=on,addr=1f.0',
  '-device',
  'virtio-rng-device',
];

const CASES: [string, number, string[]][] = [
  ['-m 8G', 8 * GiB, []],
  ['-m 16G (window at 32 GiB)', 16 * GiB, []],
  ['-m 17G', 17 * GiB, []],
  ['-m 1G with virtio-pci devices in all three modes', GiB, PCI_DEVICES],
];

describe.skipIf(missing !== null)('virtDumpDtb against live QEMU 7.2 dumpdtb', () => {
  for (const [name, memory, extra] of CASES)
    it(name, () => {
      const theirs = qemuDtb(['-m', `${memory / GiB}G`, ...extra]);
      const seed = Fdt.open(theirs).chosen().rngSeed?.slice();
      const ours = virtDumpDtb({ memory, rngSeed: seed });
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      const pci = Fdt.open(ours).getNode('/soc/pci@30000000');
      const high = Math.ceil((0x80000000 + memory) / (16 * GiB)) * 16 * GiB;
      expect(Fdt.open(ours).getPropCells(pci, 'ranges')?.slice(15, 17)).toEqual([
        Math.floor(high / 2 ** 32),
        high % 2 ** 32,
      ]);
    }, 30_000);
});
