// The device tree an S-mode kernel receives: QEMU's tree after OpenSBI v1.1's fix-ups. Recorded from real
// QEMU + OpenSBI by fixtures/probe/dtdump.c (rng-seed masked); compared through dtc, and re-recorded
// against QEMU when riscv64-unknown-elf-gcc and qemu-system-riscv64 are installed.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { have, probeDir, qemuToolsFor, runProbeOnQemu } from './baremetal';
import { runGuest } from './guest';

const dir = probeDir;
const expected = readFileSync(join(dir, 'opensbi-virt-default.dts'), 'utf8');
const mask = (dts: string) => dts.replace(/rng-seed = <[^>]*>/, 'rng-seed = <MASKED>');

function dts(blob: Uint8Array): string {
  const f = join(tmpdir(), `rk-dt-${process.pid}.dtb`);
  writeFileSync(f, blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', f], { encoding: 'utf8' });
  return mask(r.stdout);
}

describe('the S-mode device tree (after OpenSBI v1.1)', () => {
  if (!have('dtc'))
    console.log('opensbi-dt: skipped: dtc is not installed (apt-get install device-tree-compiler)');
  it.skipIf(!have('dtc'))(
    'matches what OpenSBI hands the kernel on QEMU 7.2 (-m 128M)',
    async () => {
      let blob = new Uint8Array(0);
      const { exit } = await runGuest({ clock: 'virtual', memory: 128 << 20 }, (h, _a0, a1) => {
        const off = a1 - h.ram.base;
        blob = h.ram.u8.slice(off, off + h.ram.view.getUint32(off + 4, false));
        return 0;
      });
      expect(exit.status).toBe(0);
      expect(dts(blob)).toBe(expected);
    },
  );

  const tools = qemuToolsFor('opensbi-dt', ['dtc']);
  it.skipIf(!tools)('the recording still matches qemu-system-riscv64 with OpenSBI', () => {
    const r = runProbeOnQemu(
      'dtdump',
      { linkScript: 'slink.ld', start: 'sprobe-start.S', source: 'dtdump.c' },
      ['-m', '128M'],
    );
    expect(r.ccErrors).toBe('');
    const line = r.stdout.split('\n').find((l) => l.startsWith('#')) ?? '#';
    expect(dts(Uint8Array.from(Buffer.from(line.slice(1), 'hex')))).toBe(expected);
  });
});
