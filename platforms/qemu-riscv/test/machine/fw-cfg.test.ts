// fw_cfg at 0x10100000: qtest replies against real QEMU 7.2 (selector, data, directory, DMA), user items
// (`-fw_cfg`, which QEMU 7.2's virt refuses, so checked against the directory format QEMU uses) and the
// option's error messages. Skips the QEMU comparison, saying why, when QEMU is not installed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createQtestSession, Machine, parseFwCfgArg } from '../../src/machine';
import { FW_CFG_SCRIPT, FW_CFG_SMP_SCRIPT } from './fw-cfg-script';
import { runQemuQtest } from './qemu-run';

const reference = await runQemuQtest(FW_CFG_SCRIPT);
const smp3 = await runQemuQtest(FW_CFG_SMP_SCRIPT, ['-smp', '3']);
if (typeof reference === 'string') console.log(`fw-cfg: QEMU comparison skipped: ${reference}`);

describe.skipIf(typeof reference === 'string')('fw_cfg matches QEMU 7.2 over qtest', () => {
  it('selector, data widths, file directory, DMA register and DMA transfers', () => {
    const m = new Machine({ bios: 'none', console: 'none' });
    const session = createQtestSession(m.qtest);
    const ours = FW_CFG_SCRIPT.map((l) => `${l} => ${session(l)}`);
    const theirs = FW_CFG_SCRIPT.map((l, i) => `${l} => ${(reference as string[])[i]}`);
    expect(ours).toEqual(theirs);
  });

  it('FW_CFG_NB_CPUS follows -smp', () => {
    const m = new Machine({ bios: 'none', console: 'none', smp: 3 });
    const session = createQtestSession(m.qtest);
    expect(FW_CFG_SMP_SCRIPT.map((l) => session(l))).toEqual(smp3);
  });
});

/** Reads item `key` through the selector and the 8-byte data register. */
function readItem(m: Machine, key: number, len: number): Uint8Array {
  const q = m.qtest;
  q.writeBytes(0x10100008n, Uint8Array.of(key >> 8, key & 0xff));
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i += 8) out.set(q.readBytes(0x10100000n, 8).subarray(0, len - i), i);
  return out;
}

function directory(m: Machine): { name: string; size: number; select: number }[] {
  const dir = readItem(m, 0x19, 4 + 64 * 32);
  const v = new DataView(dir.buffer);
  const files = [];
  for (let i = 0; i < v.getUint32(0); i++) {
    const at = 4 + 64 * i;
    const raw = dir.subarray(at + 8, at + 64);
    const name = new TextDecoder().decode(raw.subarray(0, raw.indexOf(0)));
    files.push({ name, size: v.getUint32(at), select: v.getUint16(at + 4) });
  }
  return files;
}

describe('fw_cfg reset', () => {
  it('a system reset selects the signature again', () => {
    const m = new Machine({ bios: 'none', console: 'none' });
    const q = m.qtest;
    q.writeBytes(0x10100008n, Uint8Array.of(0, 1));
    expect(q.read(0x10100000n, 4)).toBe(3n);
    m.board.reset();
    expect(q.read(0x10100000n, 4)).toBe(0x554d4551n);
  });
});

describe('fw_cfg user items', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rk-fwcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const enc = new TextEncoder();

  it('joins the directory in strcmp order, renumbering selectors, and reads back', () => {
    const m = new Machine({
      bios: 'none',
      console: 'none',
      fwCfg: [
        { name: 'opt/zz', data: enc.encode('last') },
        { name: 'opt/a', data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9) },
        { name: 'Opt/upper', data: enc.encode('U') },
      ],
    });
    expect(directory(m)).toEqual([
      { name: 'Opt/upper', size: 1, select: 0x20 },
      { name: 'bios-geometry', size: 0, select: 0x21 },
      { name: 'bootorder', size: 0, select: 0x22 },
      { name: 'etc/boot-fail-wait', size: 4, select: 0x23 },
      { name: 'opt/a', size: 9, select: 0x24 },
      { name: 'opt/zz', size: 4, select: 0x25 },
    ]);
    expect([...readItem(m, 0x24, 16)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(readItem(m, 0x25, 4))).toBe('last');
  });

  it('refuses duplicates, long names and more items than directory slots', () => {
    const item = (name: string) => ({ name, data: new Uint8Array(1) });
    expect(() => new Machine({ console: 'none', fwCfg: [item('opt/x'), item('opt/x')] })).toThrow(
      'duplicate fw_cfg file name: opt/x',
    );
    expect(() => new Machine({ console: 'none', fwCfg: [item('bootorder')] })).toThrow(
      'duplicate fw_cfg file name: bootorder',
    );
    expect(() => new Machine({ console: 'none', fwCfg: [item(`opt/${'x'.repeat(52)}`)] })).toThrow(
      'name too long (max. 55 char)',
    );
    expect(
      () => new Machine({ console: 'none', fwCfg: [item(`opt/${'x'.repeat(51)}`)] }),
    ).not.toThrow();
    const many = Array.from({ length: 30 }, (_, i) => item(`opt/${i}`));
    expect(() => new Machine({ console: 'none', fwCfg: many })).toThrow('32 directory slots');
    expect(() => new Machine({ console: 'none', fwCfg: many.slice(1) })).not.toThrow();
  });

  it('parses -fw_cfg as QEMU does, with its messages', () => {
    const f = join(dir, 'blob.bin');
    writeFileSync(f, Uint8Array.of(9, 8, 7));
    expect(parseFwCfgArg(`name=opt/f,file=${f}`)).toEqual({
      item: { name: 'opt/f', data: Uint8Array.of(9, 8, 7) },
    });
    expect(parseFwCfgArg('opt/s,string=a,,b')).toEqual({
      item: { name: 'opt/s', data: enc.encode('a,b') },
    });
    expect(parseFwCfgArg('name=etc/x,string=v').warning).toBe(
      'externally provided fw_cfg item names should be prefixed with "opt/"',
    );
    const err = (t: string) => () => parseFwCfgArg(t);
    expect(err('name=opt/x,foo=1')).toThrow("-fw_cfg: Invalid parameter 'foo'");
    const needed = '-fw_cfg: name, plus exactly one of file, string and gen_id, are needed';
    expect(err('name=opt/x')).toThrow(needed);
    expect(err('string=a')).toThrow(needed);
    expect(err(`name=opt/x,string=a,file=${f}`)).toThrow(needed);
    expect(err('name=opt/x,string=')).toThrow(needed);
    expect(err(`name=opt/${'y'.repeat(52)},file=/nonexistent`)).toThrow(
      '-fw_cfg: name too long (max. 55 char)',
    );
    expect(err('name=opt/x,file=/nonexistent/blob')).toThrow(
      "-fw_cfg: can't load /nonexistent/blob: Failed to open file “/nonexistent/blob”: No such file or directory",
    );
    expect(err('name=opt/x,gen_id=g0')).toThrow("-fw_cfg: Cannot find object ID 'g0'");
  });
});
