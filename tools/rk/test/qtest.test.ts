// Tests for the qtest protocol session (src/qtest.ts) against a fake bus; replies are QEMU 7.2's
// (recorded from qemu-system-riscv64 -machine virt -qtest stdio -S).
import { describe, expect, it } from 'vitest';
import { createQtestSession, parseQtestNumber, type QtestTarget } from '../src/qtest';

function fakeTarget() {
  const ram = new Uint8Array(4096);
  const base = 0x8000_0000n;
  let clock = 0n;
  // A RAM page at 0x8000_0000 and virtio-mmio slot 0's MagicValue/Version at 0x1000_1000.
  const mmio = new Uint8Array([0x76, 0x69, 0x72, 0x74, 0x01, 0, 0, 0]);
  const target: QtestTarget = {
    read(addr, len) {
      const out = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        const a = addr + BigInt(i);
        if (a >= base && a < base + 4096n) out[i] = ram[Number(a - base)];
        else if (a >= 0x1000_1000n && a < 0x1000_1008n) out[i] = mmio[Number(a - 0x1000_1000n)];
      }
      return out;
    },
    write(addr, data) {
      for (let i = 0; i < data.length; i++) {
        const a = addr + BigInt(i);
        if (a >= base && a < base + 4096n) ram[Number(a - base)] = data[i];
      }
    },
    clockNs: () => clock,
    clockStep: (ns) => void (clock += ns ?? 1_000_000n),
    clockSet: (ns) => void (clock = ns > clock ? ns : clock),
  };
  return { target, ram };
}

describe('qtest session', () => {
  it('replays the QEMU transcript byte for byte', () => {
    const q = createQtestSession(fakeTarget().target);
    const transcript: [string, string][] = [
      ['readl 0x10001000', 'OK 0x0000000074726976'],
      ['readw 0x10001000', 'OK 0x0000000000006976'],
      ['readq 0x10001000', 'OK 0x0000000174726976'],
      ['writel 0x80000000 0x12345678', 'OK'],
      ['read 0x80000000 6', 'OK 0x785634120000'],
      ['write 0x80000000 3 0xaabb', 'OK'],
      ['read 0x80000000 4', 'OK 0xaabb0012'],
      ['b64read 0x80000000 4', 'OK qrsAEg=='],
      ['b64write 0x80000000 2 qrs=', 'OK'],
      ['memset 0x80000000 2 0x41', 'OK'],
      ['read 0x80000000 4', 'OK 0x41410012'],
      ['write 0x80000000 2 ab', 'ERR invalid argument size'],
      ['readl 0x0', 'OK 0x0000000000000000'],
      ['endianness', 'OK little'],
      ['foo bar', "FAIL Unknown command 'foo'"],
    ];
    for (const [cmd, reply] of transcript) expect(q(cmd), cmd).toBe(reply);
  });

  it('masks written values to the access width', () => {
    const { target, ram } = fakeTarget();
    const q = createQtestSession(target);
    expect(q('writeb 0x80000010 0x1ff')).toBe('OK');
    expect(ram[0x10]).toBe(0xff);
    expect(ram[0x11]).toBe(0);
    expect(q('writeq 0x80000020 0xffffffffffffffff')).toBe('OK');
    expect(q('readq 0x80000020')).toBe('OK 0xffffffffffffffff');
  });

  it('steps and sets the clock and replies with the new time', () => {
    const q = createQtestSession(fakeTarget().target);
    expect(q('clock_step 1000')).toBe('OK 1000');
    expect(q('clock_step')).toBe('OK 1001000');
    expect(q('clock_set 5000000')).toBe('OK 5000000');
    expect(q('clock_set 10')).toBe('OK 5000000');
  });

  it('answers malformed commands with ERR instead of aborting like QEMU', () => {
    const q = createQtestSession(fakeTarget().target);
    expect(q('readl')).toBe("ERR readl: address '' is not a number");
    expect(q('readl zz')).toBe("ERR readl: address 'zz' is not a number");
    expect(q('writel 0x80000000')).toBe("ERR writel: value '' is not a number");
    expect(q('read 0x80000000 0')).toBe('ERR read: size must be at least 1');
    expect(q('memset 0x80000000 99999999999 1')).toBe(
      'ERR memset: size 99999999999 exceeds 16777216 bytes',
    );
    expect(q('b64write 0x80000000 2 !!!')).toBe('ERR invalid base64 data');
    expect(q('')).toBe("FAIL Unknown command ''");
  });

  it('parses numbers as qemu_strtou64 does', () => {
    expect(parseQtestNumber('0x10')).toBe(16n);
    expect(parseQtestNumber('010')).toBe(8n);
    expect(parseQtestNumber('10')).toBe(10n);
    expect(parseQtestNumber('0')).toBe(0n);
    expect(parseQtestNumber('-1')).toBe(0xffff_ffff_ffff_ffffn);
    expect(parseQtestNumber('0x10000000000000000')).toBeUndefined();
    expect(parseQtestNumber('08')).toBeUndefined();
  });
});
