// A qtest script for the CFI flash banks at 0x20000000/0x22000000: read-array at every width and alignment,
// CFI query, device ID, status, program (0x10/0x40), block erase, write-to-buffer, lock, clear status and
// unknown commands, in both banks. Replies (and the images afterwards) are compared with QEMU 7.2.
const lines: string[] = [];
const add = (...l: string[]) => lines.push(...l);
const F0 = 0x20000000;
const F1 = 0x22000000;
const a = (x: number) => `0x${x.toString(16)}`;
const cmd = (bank: number, v: number, off = 0) => add(`writel ${a(bank + off)} ${a(v)}`);

// read-array: widths, alignment, across the two banks, the boot ROM's jump words
for (const off of [0, 1, 2, 3, 0x200, 0x3fffc]) add(`readb ${a(F0 + off)}`, `readl ${a(F0 + off)}`);
// (QEMU 7.2 crashes on a qtest readl/readq straddling the two banks; `read` across them works.)
add(`readw ${a(F0 + 2)}`, `readq ${a(F0 + 8)}`, `readq ${a(F0 + 0x1fffff8)}`);
add(`readq ${a(F1 + 0x1fffff8)}`, `readl ${a(F1 + 0x2000000)}`);
add(`read ${a(F0)} 16`, `read ${a(F1 - 8)} 16`, `readq ${a(F1)}`, `readq 0x1018`, `readq 0x1038`);
// CFI query: the whole table and past it, narrow and odd-address reads, writes that do not leave query mode
cmd(F0, 0x98);
for (let off = 0x40; off < 0x158; off += 4) add(`readl ${a(F0 + off)}`);
add(
  `readb ${a(F0 + 0x41)}`,
  `readw ${a(F0 + 0x42)}`,
  `readb ${a(F0 + 0x43)}`,
  `readq ${a(F0 + 0x40)}`,
);
add(`read ${a(F0 + 0x40)} 12`, `readl ${a(F0 + 0x41)}`, `readl ${a(F0 + 0x10000040)}`);
cmd(F0, 0x00);
add(`readl ${a(F0 + 0x44)}`);
cmd(F0, 0x90);
add(`readl ${a(F0 + 0x44)}`);
cmd(F0, 0xff);
add(`readl ${a(F0 + 0x44)}`);
// device ID: manufacturer, device, other offsets, the 0xff mask on the address
cmd(F0, 0x90);
for (const off of [0, 2, 4, 8, 0xc, 0x400, 0x404, 0x3fc]) add(`readl ${a(F0 + off)}`);
add(`readw ${a(F0 + 4)}`, `readb ${a(F0 + 5)}`, `readq ${a(F0)}`);
cmd(F0, 0xff);
// status register
cmd(F0, 0x70);
add(`readl ${a(F0)}`, `readw ${a(F0 + 2)}`, `readb ${a(F0 + 3)}`, `readq ${a(F0 + 0x1000)}`);
cmd(F0, 0xff);
// program at each width, with both opcodes, over programmed data; status between
cmd(F0, 0x40);
add(`writel ${a(F0 + 0x100)} 0x12345678`, `readl ${a(F0 + 0x100)}`, `readb ${a(F0)}`);
cmd(F0, 0x10);
add(`writew ${a(F0 + 0x106)} 0xbeef`);
cmd(F0, 0x40);
add(`writeb ${a(F0 + 0x109)} 0x5a`);
cmd(F0, 0x40);
add(`writel ${a(F0 + 0x100)} 0x0f0f0f0f`);
cmd(F0, 0xff);
add(`read ${a(F0 + 0x100)} 16`);
// block erase of sector 1 from an address inside it; a bad confirm; clear status
cmd(F0, 0x40);
add(`writel ${a(F0 + 0x40000)} 0x11111111`);
cmd(F0, 0x40);
add(`writel ${a(F0 + 0x7fffc)} 0x22222222`);
cmd(F0, 0x20, 0x40010);
add(`readl ${a(F0 + 0x40000)}`);
cmd(F0, 0xd0, 0x40010);
add(`readl ${a(F0)}`);
cmd(F0, 0xff);
add(`readl ${a(F0 + 0x3fffc)}`, `readl ${a(F0 + 0x40000)}`, `readl ${a(F0 + 0x7fffc)}`);
add(`readl ${a(F0 + 0x80000)}`, `readq ${a(F0 + 0x40008)}`);
cmd(F0, 0x20, 0x80000);
cmd(F0, 0x55, 0x80000);
add(`readl ${a(F0 + 0x80000)}`);
cmd(F0, 0x50);
add(`readl ${a(F0)}`);
cmd(F0, 0x70);
add(`readl ${a(F0)}`);
// unknown commands and the AMD probe go back to read-array
for (const c of [0x33, 0xf0, 0x28, 0x00]) {
  cmd(F0, 0x70);
  cmd(F0, c);
  add(`readl ${a(F0 + 0x100)}`);
}
// lock/unlock: 0x01 and 0xd0 confirm, anything else reads the array
for (const c of [0x01, 0xd0, 0x77, 0xff]) {
  cmd(F0, 0x60);
  add(`readl ${a(F0)}`);
  cmd(F0, c);
  add(`readl ${a(F0 + 0x100)}`);
}
// write to buffer: count 3 (4 words), confirm; then one aborted with another command
cmd(F0, 0xe8, 0x1000);
add(`readl ${a(F0 + 0x1000)}`);
cmd(F0, 3, 0x1000);
for (let i = 0; i < 4; i++) add(`writel ${a(F0 + 0x1000 + 4 * i)} ${a(0xa0a0a0a0 + i)}`);
add(`readl ${a(F0 + 0x1000)}`);
cmd(F0, 0xd0, 0x1000);
add(`readl ${a(F0 + 0x1000)}`);
cmd(F0, 0xff);
add(`read ${a(F0 + 0x1000)} 20`);
cmd(F0, 0xe8, 0x2000);
cmd(F0, 0x10000, 0x2000);
add(
  `writel ${a(F0 + 0x2000)} 0x77777777`,
  `writel ${a(F0 + 0x2000)} 0x12`,
  `readl ${a(F0 + 0x2000)}`,
);
add(`readl ${a(F0 + 0x2004)}`);
// the count write picks the write block: words outside it are programming errors, the confirm aborts
cmd(F0, 0xe8, 0x3000);
cmd(F0, 1, 0x3000);
add(`writel ${a(F0 + 0x4000)} 0x99999999`, `writel ${a(F0 + 0x4004)} 0x88888888`, `readl ${a(F0)}`);
cmd(F0, 0xd0, 0x4000);
add(`readl ${a(F0)}`, `readl ${a(F0 + 0x4000)}`);
cmd(F0, 0x50);
// one 8-byte qtest write is two 4-byte commands; a misaligned write is split in halves
add(`writeq ${a(F0)} 0x000000ff00000098`, `readl ${a(F0 + 0x40)}`);
add(`writeq ${a(F0)} 0x000000ff00000090`, `readl ${a(F0)}`);
cmd(F0, 0x40);
add(`writel ${a(F0 + 0x202)} 0xcafef00d`, `readl ${a(F0)}`);
cmd(F0, 0xff);
add(`read ${a(F0 + 0x200)} 8`);
// bank 1 is independent: query there while bank 0 reads the array
cmd(F1, 0x98);
add(`readl ${a(F1 + 0x40)}`, `readl ${a(F0 + 0x40)}`);
cmd(F1, 0xff);
cmd(F1, 0x40, 0x10);
add(`writel ${a(F1 + 0x10)} 0x01020304`);
cmd(F1, 0x20, 0x1fffff0);
cmd(F1, 0xd0, 0x1fffff0);
cmd(F1, 0xff);
add(`readl ${a(F1 + 0x10)}`, `readl ${a(F1 + 0x1fffffc)}`, `readl ${a(F1 + 0x1fc0000)}`);

export const PFLASH_SCRIPT: readonly string[] = lines;
