// The qtest protocol (QEMU softmmu/qtest.c): transcripts, argument parsing, the clock commands, and
// serveQtest over a stream pair.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createQtestSession, Machine, parseQtestU64, serveQtest } from '../../src/machine';

const transcript = (m: Machine, script: string) => {
  const q = createQtestSession(m.qtest);
  return script
    .trim()
    .split('\n')
    .map((l) => `${l} => ${q(l)}`);
};

describe('qtest', () => {
  it('answers a transcript as QEMU does', () => {
    const m = new Machine({ bios: 'none', console: 'none' });
    expect(
      transcript(
        m,
        `readl 0x10001000
readb 0x10001000
writeq 0x80000000 0x0102030405060708
read 0x80000000 8
b64read 0x80000000 4
write 0x80000008 3 0xaabbcc
readl 0x80000008
memset 0x8000000c 2 0x1ff
readw 0x8000000c
b64write 0x80000010 4 AQIDBA==
readl 0x80000010
write 0x80000000 2 1
endianness
clock_step
writeq 0x2004000 10
clock_step
clock_step 1000
clock_set 5
readq 0x200bff8
nope 1
 readl 0x0
irq_intercept_in /machine/soc/plic
inl 0x3f8`,
      ),
    ).toEqual([
      'readl 0x10001000 => OK 0x0000000074726976',
      'readb 0x10001000 => OK 0x0000000000000076',
      'writeq 0x80000000 0x0102030405060708 => OK',
      'read 0x80000000 8 => OK 0x0807060504030201',
      'b64read 0x80000000 4 => OK CAcGBQ==',
      'write 0x80000008 3 0xaabbcc => OK',
      'readl 0x80000008 => OK 0x0000000000ccbbaa',
      'memset 0x8000000c 2 0x1ff => OK',
      'readw 0x8000000c => OK 0x000000000000ffff',
      'b64write 0x80000010 4 AQIDBA== => OK',
      'readl 0x80000010 => OK 0x0000000004030201',
      'write 0x80000000 2 1 => ERR invalid argument size',
      'endianness => OK little',
      'clock_step => OK 0',
      'writeq 0x2004000 10 => OK',
      'clock_step => OK 1000',
      'clock_step 1000 => OK 2000',
      'clock_set 5 => OK 2000',
      'readq 0x200bff8 => OK 0x0000000000000014',
      "nope 1 => FAIL Unknown command 'nope'",
      " readl 0x0 => FAIL Unknown command ''",
      'irq_intercept_in /machine/soc/plic => FAIL Unknown device',
      'inl 0x3f8 => OK 0xffffffff',
    ]);
  });

  it('answers ERR where QEMU would abort on a malformed argument', () => {
    const q = createQtestSession(new Machine({ console: 'none' }).qtest);
    expect(q('readl')).toMatch(/^ERR readl: /);
    expect(q('readl 0xzz')).toMatch(/^ERR/);
    expect(q('read 0x80000000 0')).toMatch(/^ERR/);
    expect(q('writel 0x10')).toMatch(/^ERR/);
    expect(q('read 0x80000000 0x100000000')).toMatch(/exceeds/);
  });

  it('parses numbers like qemu_strtou64 (base 0, negatives wrap)', () => {
    expect(parseQtestU64('0x10')).toBe(16n);
    expect(parseQtestU64('010')).toBe(8n);
    expect(parseQtestU64('10')).toBe(10n);
    expect(parseQtestU64('-1')).toBe(0xffffffffffffffffn);
    expect(() => parseQtestU64('0x')).toThrow();
    expect(() => parseQtestU64('1 ')).toThrow();
  });

  it('refuses addresses qemu_strtou64 refuses (QEMU 7.2 aborts on each, measured) and wraps negatives', () => {
    const q = createQtestSession(new Machine({ bios: 'none', console: 'none' }).qtest);
    for (const a of ['nan', 'inf', '0x80000000.5', '1e3', '18446744073709551616', '0x', ''])
      for (const cmd of ['readb', 'readw', 'readl', 'readq', 'read', 'b64read', 'memset'])
        expect(q(`${cmd} ${a} 1 0`), `${cmd} ${a}`).toMatch(/^ERR /);
    for (const a of ['nan', '0x80000000.5', '-inf'])
      for (const cmd of ['writeb', 'writew', 'writel', 'writeq'])
        expect(q(`${cmd} ${a} 1`), `${cmd} ${a}`).toMatch(/^ERR /);
    expect(q('writeb 0x80000000 7')).toBe('OK');
    expect(q('readb -0x80000000')).toBe('OK 0x0000000000000000'); // 0xffffffff80000000: a hole
    expect(q('readb 0X80000000')).toBe('OK 0x0000000000000007');
  });

  it("the goldfish RTC follows host time while qtest holds the machine (QEMU's -rtc clock=host)", async () => {
    const rtcNs = (q: (l: string) => string) => {
      const lo = BigInt(q('readl 0x101000').slice(3));
      return (BigInt(q('readl 0x101004').slice(3)) << 32n) | lo;
    };
    const host = createQtestSession(new Machine({ console: 'none' }).qtest);
    const vm = createQtestSession(new Machine({ console: 'none', rtcClock: 'vm' }).qtest);
    const virtual = createQtestSession(new Machine({ console: 'none', clock: 'virtual' }).qtest);
    const before = [rtcNs(host), rtcNs(vm), rtcNs(virtual)];
    await new Promise((r) => setTimeout(r, 30));
    const after = [rtcNs(host), rtcNs(vm), rtcNs(virtual)];
    expect(after[0] - before[0]).toBeGreaterThanOrEqual(20_000_000n);
    expect(after[1] - before[1]).toBe(0n); // clock=vm: the held machine clock
    expect(after[2] - before[2]).toBe(0n); // the virtual clock defaults to clock=vm (deterministic)
    expect(vm('clock_step 1000')).toBe('OK 1000');
    expect(rtcNs(vm) - after[1]).toBe(1000n);
  });

  it('serveQtest answers line by line on a stream pair and ends with its input', async () => {
    const m = new Machine({ console: 'none' });
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => {
      text += d.toString();
    });
    const done = serveQtest(m, input, output);
    input.write('readl 0x1000\nread');
    input.end('l 0x10001004\n');
    await done;
    expect(text).toBe('OK 0x0000000000000297\nOK 0x0000000000000001\n');
  });

  it('machine.qtest offers the rk CLI target (bigint read/write/clock)', () => {
    const t = new Machine({ console: 'none' }).qtest;
    t.write(0x80000000n, 4, 0xdeadbeefn);
    expect(t.read(0x80000000n, 4)).toBe(0xdeadbeefn);
    expect(t.read(0xffffffffffffff00n, 8)).toBe(0n);
    t.clockSet(100n);
    expect(t.clockNs()).toBe(100n);
    t.clockStep(50n);
    expect(t.clockNs()).toBe(150n);
  });
});
