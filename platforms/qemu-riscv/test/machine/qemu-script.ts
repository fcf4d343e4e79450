// A qtest script that exercises the registers of PLIC, UART, RTC, CLINT, finisher, MROM, virtio-mmio
// (empty slots) and holes; replies are compared with real QEMU 7.2 (qemu-diff.test.ts). Lines whose
// replies depend on the host's clock are marked and masked.
const lines: string[] = [];
const add = (...l: string[]) => lines.push(...l);

// virtio-mmio: every register of an empty slot, several widths, past the decoded 0x200 bytes
for (const slot of [0, 7]) {
  const b = 0x10001000 + slot * 0x1000;
  for (let off = 0; off < 0x110; off += 4) add(`readl 0x${(b + off).toString(16)}`);
  add(`readb 0x${b.toString(16)}`, `readw 0x${b.toString(16)}`, `readb 0x${(b + 1).toString(16)}`);
  add(
    `readq 0x${b.toString(16)}`,
    `readl 0x${(b + 0x1fc).toString(16)}`,
    `readl 0x${(b + 0x200).toString(16)}`,
  );
  add(`writel 0x${(b + 0x70).toString(16)} 0xf`, `readl 0x${(b + 0x70).toString(16)}`);
  add(`read 0x${b.toString(16)} 16`, `b64read 0x${(b + 4).toString(16)} 12`);
}

// PLIC: priorities (mod 8, source 0), pending, enables, thresholds, claim/complete, widths
add('writel 0xc000000 5', 'readl 0xc000000');
for (const v of ['0xffffffff', '8', '7', '3', '0x12345679'])
  add(`writel 0xc000004 ${v}`, 'readl 0xc000004');
add(
  'writel 0xc00017c 6',
  'readl 0xc00017c',
  'readl 0xc000180',
  'readb 0xc000004',
  'readw 0xc000004',
);
add('readq 0xc000004', 'writeq 0xc000008 0x0000000300000005', 'readl 0xc000008', 'readl 0xc00000c');
add(
  'readl 0xc001000',
  'readl 0xc001004',
  'readl 0xc001008',
  'readl 0xc00100c',
  'writel 0xc001000 0xffffffff',
  'readl 0xc001000',
);
add('writel 0xc002000 0xffffffff', 'readl 0xc002000', 'writel 0xc00200c 0x1', 'readl 0xc00200c');
add(
  'writel 0xc002080 0x00000400',
  'readl 0xc002080',
  'readl 0xc002100',
  'writel 0xc002100 1',
  'readl 0xc002100',
);
add('writel 0xc200000 0xffffffff', 'readl 0xc200000', 'writel 0xc201000 9', 'readl 0xc201000');
add('readl 0xc202000', 'readl 0xc201008', 'readl 0xc201004');
// UART THRE interrupt → PLIC source 10 pending; claim in the S context; complete; not re-sampled
add('writel 0xc000028 1', 'writel 0xc201000 0', 'writeb 0x10000001 2', 'readl 0xc001000');
add(
  'writeb 0x10000001 0',
  'readl 0xc001000',
  'readl 0xc201004',
  'readl 0xc001000',
  'readl 0xc201004',
);
add(
  'writel 0xc201004 10',
  'readl 0xc001000',
  'writeb 0x10000001 2',
  'readl 0xc001000',
  'readb 0x10000002',
);
add('writel 0xc201004 10', 'readl 0xc201004', 'writel 0xc201004 0xffff', 'writel 0xc201004 10');

// UART: reset values, widths, misaligned, DLAB, FCR/IIR, scratch, loopback receive
for (let r = 0; r < 8; r++) add(`readb 0x${(0x10000000 + r).toString(16)}`);
add(
  'readw 0x10000004',
  'readl 0x10000004',
  'readq 0x10000000',
  'readl 0x10000005',
  'readq 0x10000002',
);
add('readb 0x10000008', 'readl 0x10000008', 'readb 0x100000ff');
add(
  'writeb 0x10000007 0x1ff',
  'readb 0x10000007',
  'writel 0x10000007 0x12345678',
  'readb 0x10000007',
);
add('writeb 0x10000003 0x80', 'readb 0x10000000', 'readb 0x10000001', 'writeb 0x10000000 0x34');
add(
  'writeb 0x10000001 0x12',
  'readb 0x10000000',
  'readb 0x10000001',
  'writeb 0x10000003 0x03',
  'readb 0x10000003',
);
add('writeb 0x10000002 0x01', 'readb 0x10000002', 'writeb 0x10000002 0xc7', 'readb 0x10000002');
add('writeb 0x10000004 0x10', 'readb 0x10000004', 'readb 0x10000006');
add('writeb 0x10000000 0x41', 'writeb 0x10000000 0x42', 'readb 0x10000005', 'readb 0x10000002');
add(
  'writeb 0x10000001 0x01',
  'readb 0x10000002',
  'readb 0x10000000',
  'readb 0x10000005',
  'readb 0x10000000',
);
add('readb 0x10000005', 'readb 0x10000002', 'readb 0x10000000');
add(
  'writeb 0x10000002 0x00',
  'readb 0x10000002',
  'writeb 0x10000000 0x43',
  'writeb 0x10000000 0x44',
);
add('readb 0x10000005', 'readb 0x10000000', 'readb 0x10000005', 'readb 0x10000005');
add(
  'writeb 0x10000004 0x0f',
  'readb 0x10000006',
  'writeb 0x10000004 0x08',
  'readb 0x10000006',
  'writeb 0x10000001 0',
);

// goldfish RTC: registers other than the time itself; TIME_HIGH before any TIME_LOW read is 0
add('readl 0x101004', 'readl 0x101008', 'readl 0x10100c', 'readl 0x101010', 'readl 0x101018');
add('writel 0x101010 3', 'readl 0x101010', 'writel 0x10100c 0xffffffff', 'readl 0x10100c');
add(
  'writel 0x101008 0x1234',
  'readl 0x101008',
  'readl 0x101018',
  'writel 0x101014 1',
  'readl 0x101018',
);
add('readb 0x101000', 'readw 0x101010', 'readl 0x101020', 'readl 0x101024', 'readl 0x101002');

// CLINT: msip, mtimecmp halves, mtime (frozen at 0 while held), other harts, widths, holes
add(
  'readl 0x2000000',
  'writel 0x2000000 0xffffffff',
  'readl 0x2000000',
  'writel 0x2000000 2',
  'readl 0x2000000',
);
add(
  'writel 0x2000000 1',
  'readq 0x2000000',
  'readb 0x2000000',
  'readl 0x2000004',
  'writel 0x2000000 0',
);
add(
  'readq 0x2004000',
  'writeq 0x2004000 0x123456789',
  'readq 0x2004000',
  'readl 0x2004000',
  'readl 0x2004004',
);
add('writel 0x2004004 0xabcdef', 'readq 0x2004000', 'writel 0x2004000 7', 'readq 0x2004000');
add('readq 0x2004008', 'readq 0x200bff8', 'readl 0x200bffc', 'readb 0x200bff8', 'readw 0x2004000');
add('readl 0x200c000', 'readl 0x2f00000', 'readl 0x2003ffc');

// finisher (reads 0; a write is not sent: it would stop QEMU), MROM, holes, RAM
add('readl 0x100000', 'readw 0x100000', 'readb 0x100000', 'readq 0x100000');
for (let a = 0x1000; a < 0x1060; a += 8) add(`readq 0x${a.toString(16)}`);
add('read 0x1000 0x28', 'writel 0x1000 0', 'readl 0x1000', 'readl 0xfffc', 'readl 0x10000');
add('readl 0x0', 'readq 0x80', 'readl 0x2000', 'readl 0x10000100', 'readq 0xffffffffffffffff');
add(
  'write 0x80000000 4 0x01020304',
  'read 0x80000000 8',
  'memset 0x80000004 3 0x1ab',
  'read 0x80000000 8',
);
add(
  'writeq 0x80000010 0x0102030405060708',
  'readq 0x80000010',
  'readl 0x80000014',
  'b64read 0x80000010 8',
);
add('write 0x80000020 2 0x1', 'read 0x80000020 2', 'write 0x80000020 2 0x1g', 'read 0x80000020 2');
add('write 0x80000020 2 1', 'b64write 0x80000030 4 AQIDBA==', 'readl 0x80000030');
add('readl 10001000', 'readl 268439552', 'readl -1', 'endianness', 'foo', 'READL 0x10001000');
add('readl 0x10001000 extra', 'inb 0x10', 'inw 0x10', 'inl 0x10', 'outb 0x10 1', 'module_load a b');

// b64write: QEMU writes `len` bytes of GLib's in-place decode (decoded bytes, then the text's own
// bytes and NUL; lengths stay within text + NUL, beyond which QEMU reads heap bytes)
[
  '8 AQIDBAUGBwg=',
  '2 AQIDBA==',
  '4 AQ=ID',
  '4 A*Q#I$D',
  '4 AQI',
  '0 AQIDBA==',
  '3 ====',
  '5 AQIDBAU',
  '4 AQ==AQ==',
  '6 -_-_-_-_',
  '4 AB',
  '4 AQIDBA== extra',
  '4 AQIDBA=',
  '4 /w==',
  '4 AQIDBAUG',
  '4 AQIDB',
  '9 AQIDBA==',
  '13 AQIDBAUGBwgJ',
].forEach((d, i) => {
  const a = `0x${(0x80001000 + i * 16).toString(16)}`;
  add(`b64write ${a} ${d}`, `read ${a} 16`);
});

export const QEMU_DIFF_SCRIPT: readonly string[] = lines;
