// CFI flash at 0x20000000: the same qtest script against real QEMU 7.2 and the model, without drives,
// with two read-write images (the images must end equal too) and with a read-only one; the drive
// checks (size, units) with QEMU's messages. Skips the QEMU comparisons, saying why, without QEMU.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createQtestSession, Machine, openPflashDrives } from '../../src/machine';
import { PFLASH_SCRIPT } from './pflash-script';
import { runQemuQtest } from './qemu-run';

const dir = mkdtempSync(join(tmpdir(), 'rk-pflash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BANK = 32 * 1024 * 1024;
const image = (name: string, fill: (i: number) => number) => {
  const b = new Uint8Array(BANK);
  for (let i = 0; i < BANK; i++) b[i] = fill(i);
  writeFileSync(join(dir, name), b);
  return join(dir, name);
};
const img0 = image('f0.img', (i) => (i * 7 + (i >> 12)) & 0xff);
const img1 = image('f1.img', () => 0xaa);
/** A fresh copy of each image for one run. */
const copies = (tag: string) =>
  [img0, img1].map((p, i) => {
    const c = join(dir, `${tag}-${i}.img`);
    copyFileSync(p, c);
    return c;
  });
const pflashArgs = (files: string[], ro = '') =>
  files.flatMap((f) => ['-drive', `if=pflash,format=raw,file=${f}${ro}`]);

const q = copies('qemu');
const qro = copies('qemu-ro');
const unbacked = await runQemuQtest(PFLASH_SCRIPT);
const backed = await runQemuQtest(PFLASH_SCRIPT, pflashArgs(q));
const readOnly = await runQemuQtest(PFLASH_SCRIPT, pflashArgs(qro, ',readonly=on'));
if (typeof unbacked === 'string') console.log(`pflash: QEMU comparison skipped: ${unbacked}`);

function runModel(drives: string[]): string[] {
  const m = new Machine({ bios: 'none', console: 'none', pflash: openPflashDrives(drives) });
  const session = createQtestSession(m.qtest);
  const out = PFLASH_SCRIPT.map((l) => `${l} => ${session(l)}`);
  for (const b of m.options.pflash) b?.close();
  return out;
}
const theirs = (r: string[] | string) =>
  PFLASH_SCRIPT.map((l, i) => `${l} => ${(r as string[])[i]}`);

describe.skipIf(typeof unbacked === 'string')('CFI flash matches QEMU 7.2 over qtest', () => {
  it('without drives (banks read 0 and take programs and erases)', () => {
    expect(runModel([])).toEqual(theirs(unbacked));
  });

  it('with two read-write images, which end byte-equal', () => {
    const m = copies('model');
    const drives = m.map((f) => `if=pflash,format=raw,file=${f}`);
    expect(runModel(drives)).toEqual(theirs(backed));
    for (let i = 0; i < 2; i++) expect(readFileSync(m[i]).equals(readFileSync(q[i]))).toBe(true);
    expect(readFileSync(m[0]).equals(readFileSync(img0))).toBe(false);
  });

  it('with read-only images: program and erase errors in the status, images untouched', () => {
    const m = copies('model-ro');
    expect(runModel(m.map((f) => `if=pflash,format=raw,readonly=on,file=${f}`))).toEqual(
      theirs(readOnly),
    );
    expect(readFileSync(m[0]).equals(readFileSync(img0))).toBe(true);
  });
});

describe('CFI flash reset', () => {
  it('a system reset returns both banks to read-array mode with status ready', () => {
    const m = new Machine({ bios: 'none', console: 'none' });
    const q = m.qtest;
    q.write(0x20000000n, 4, 0x40n);
    q.write(0x20000010n, 4, 0xabcdn); // program, status now readable
    q.write(0x22000000n, 4, 0x98n); // bank 1 in CFI query mode
    expect([q.read(0x20000000n, 4), q.read(0x22000040n, 4)]).toEqual([0x800080n, 0x510051n]);
    m.board.reset();
    expect([q.read(0x20000010n, 4), q.read(0x22000040n, 4)]).toEqual([0xabcdn, 0n]);
  });
});

describe('-drive if=pflash', () => {
  it('numbers units as QEMU does and refuses a third bank, a taken unit and a wrong size', () => {
    const [a, b] = copies('units');
    const banks = openPflashDrives([`if=pflash,unit=1,file=${a}`, `if=pflash,file=${b}`]);
    expect(banks.map((x) => x?.id)).toEqual(['pflash0', 'pflash1']);
    for (const x of banks) x?.close();
    expect(() => openPflashDrives([`if=pflash,unit=2,file=${a}`])).toThrow(
      `-drive if=pflash,unit=2,file=${a}: machine type does not support if=pflash,bus=0,unit=2`,
    );
    expect(() =>
      openPflashDrives([`if=pflash,file=${a}`, `if=pflash,file=${b}`, `if=pflash,file=${a}`]),
    ).toThrow('machine type does not support if=pflash,bus=0,unit=2');
    expect(() => openPflashDrives([`if=pflash,file=${a}`, `if=pflash,unit=0,file=${b}`])).toThrow(
      'drive with bus=0, unit=0 (index=0) exists',
    );
    expect(() => openPflashDrives([`if=pflash,file=${a},format=qcow2`])).toThrow(
      'format=qcow2 is not supported (raw only)',
    );
    const small = join(dir, 'small.img');
    writeFileSync(small, new Uint8Array(4096));
    expect(
      () => new Machine({ console: 'none', pflash: openPflashDrives([`if=pflash,file=${small}`]) }),
    ).toThrow('device requires 33554432 bytes, block backend provides 4096 bytes');
  });
});
