// A qtest script for fw_cfg at 0x10100000: selector, data widths, the file directory, the DMA register and
// DMA transfers (read, skip, select, write, no-op) with descriptors and buffers in RAM, at its edge and in
// holes. Replies are compared with real QEMU 7.2 (fw-cfg.test.ts).
const lines: string[] = [];
const add = (...l: string[]) => lines.push(...l);
const hex = (v: number | bigint, bytes: number) => v.toString(16).padStart(2 * bytes, '0');
const FW = 0x10100000;
const DATA = `0x${FW.toString(16)}`;
const CTL = `0x${(FW + 8).toString(16)}`;
const DMA = FW + 16;
const RAM_END = 0x88000000;
/** Selector writes are big-endian: the 16-bit key's bytes in order. */
const select = (key: number) => add(`write ${CTL} 2 0x${hex(key, 2)}`);
/** A DMA descriptor (BE control, length, address) at `at`, then a 64-bit start at the DMA register. */
const dma = (at: number, control: number, length: number, address: number | bigint) => {
  add(`write 0x${at.toString(16)} 16 0x${hex(control, 4)}${hex(length, 4)}${hex(address, 8)}`);
  add(`write 0x${DMA.toString(16)} 8 0x${hex(at, 8)}`, `read 0x${at.toString(16)} 4`);
};
const D = 0x80001000;
const B = 0x80002000;

// The signature after reset, the ID, item widths, reads past an item's end, invalid offsets and widths
add(`readl ${DATA}`, `readl ${DATA}`, `readq ${DATA}`);
for (const key of [0, 1, 2, 4, 5, 0x0e, 0x19, 0x20, 0x21, 0x22, 0x23, 0x3f, 0x40, 0x8000, 0xc000]) {
  select(key);
  add(`readq ${DATA}`, `readl ${DATA}`, `readw ${DATA}`, `readb ${DATA}`, `readq ${DATA}`);
}
select(0x4000);
add(`readb ${DATA}`, `readb 0x${(FW + 1).toString(16)}`, `readw 0x${(FW + 2).toString(16)}`);
add(`readl 0x${(FW + 4).toString(16)}`, `readb ${DATA}`, `writeb ${DATA} 0x55`, `readb ${DATA}`);
add(`read ${DATA} 32`, `read ${DATA} 8`, `b64read ${DATA} 8`);
// the file directory, read 8 bytes at a time
select(0x19);
for (let i = 0; i < 30; i++) add(`readq ${DATA}`);
// selector: reads are invalid; writel covers the 2-byte region only; byte and misaligned writes are refused
add(`readw ${CTL}`, `readl ${CTL}`, `readb ${CTL}`);
add(`writel ${CTL} 0x01000000`, `readl ${DATA}`);
add(
  `writeb ${CTL} 0x00`,
  `readl ${DATA}`,
  `writew 0x${(FW + 9).toString(16)} 0x0000`,
  `readl ${DATA}`,
);
add(`writew ${CTL} 0x0100`, `readl ${DATA}`, `readl 0x${(FW + 10).toString(16)}`);
// the DMA register: the signature at every width and offset; invalid writes are ignored
for (let o = 0; o < 8; o++) add(`readb 0x${(DMA + o).toString(16)}`);
for (const o of [0, 2, 4, 6]) add(`readw 0x${(DMA + o).toString(16)}`);
add(
  `readl 0x${DMA.toString(16)}`,
  `readl 0x${(DMA + 4).toString(16)}`,
  `readq 0x${DMA.toString(16)}`,
);
add(`read 0x${(DMA - 8).toString(16)} 32`, `readl 0x${(DMA + 8).toString(16)}`);
add(`writeb 0x${DMA.toString(16)} 1`, `writew 0x${DMA.toString(16)} 1`);

// DMA transfers
add(`memset 0x${B.toString(16)} 0x100 0xee`);
dma(D, (0x19 << 16) | 0x0a, 0x40, B); // select + read: directory head
add(`read 0x${B.toString(16)} 0x48`);
dma(D, 0x02, 0x20, B + 0x80); // read on, from the same offset
add(`read 0x${(B + 0x80).toString(16)} 0x28`);
dma(D, 0x0a, 12, B + 0xc0); // signature + zero fill past its end
add(`read 0x${(B + 0xc0).toString(16)} 16`);
dma(D, (0x22 << 16) | 0x0c, 2, 0); // select + skip 2 of boot-fail-wait
dma(D, 0x02, 6, B + 0xe0);
add(`read 0x${(B + 0xe0).toString(16)} 8`);
dma(D, (0x22 << 16) | 0x18, 4, B); // write to a read-only item: error
dma(D, (0x22 << 16) | 0x18, 0, B); // zero-length write: no error
dma(D, (0x40 << 16) | 0x18, 4, B); // write past every item: error
dma(D, 0x00, 16, B); // no operation: nothing moves
dma(D, 0x20, 16, B); // unknown bits only
dma(D, (0x40 << 16) | 0x0a, 8, B + 0x10); // invalid key read: zero fill
add(`read 0x${B.toString(16)} 0x20`);
add(`memset 0x${(RAM_END - 8).toString(16)} 8 0xab`);
dma(D, 0x0a, 8, RAM_END - 4); // buffer runs past RAM: the RAM part is written, then the error bit
add(`read 0x${(RAM_END - 8).toString(16)} 8`);
dma(D, 0x0a, 8, 0); // buffer in a hole
dma(D, 0x0a, 8, 0xfffffffffffffffcn); // buffer wraps around 2^64
dma(D, (0x40 << 16) | 0x0a, 8, RAM_END - 4); // zero fill past RAM
add(`read 0x${(RAM_END - 8).toString(16)} 8`);
dma(D, (0x19 << 16) | 0x0c, 0xffffffff, 0); // skip a huge length
dma(RAM_END - 8, 0x0a, 4, B); // descriptor runs past RAM: error written into its control word
add(`read 0x${(RAM_END - 8).toString(16)} 8`);
// descriptor in a hole: nothing readable, nothing written; the selection stays
select(0x01);
add(`write 0x${DMA.toString(16)} 8 0x0000000000000000`, `readl ${DATA}`);
// 32-bit halves: the high half alone does not start a transfer; the low half does
add(`write 0x${D.toString(16)} 16 0x0000000a00000004${hex(B + 0x40, 8)}`);
add(`write 0x${DMA.toString(16)} 4 0x00000000`, `read 0x${D.toString(16)} 4`);
add(`write 0x${(DMA + 4).toString(16)} 4 0x${hex(D, 4)}`, `read 0x${D.toString(16)} 4`);
add(`read 0x${(B + 0x40).toString(16)} 8`);
// the low half on its own after a transfer (the address restarts at 0)
add(`write 0x${D.toString(16)} 16 0x0000000a00000004${hex(B + 0x50, 8)}`);
add(`write 0x${(DMA + 4).toString(16)} 4 0x${hex(D, 4)}`, `read 0x${D.toString(16)} 4`);
add(`read 0x${(B + 0x50).toString(16)} 8`);
// a 4-byte write at +2 (split into refused 2-byte writes) starts nothing
add(`write 0x${D.toString(16)} 16 0x0000000a00000004${hex(B + 0x60, 8)}`);
add(`write 0x${(DMA + 2).toString(16)} 4 0x${hex(D, 4)}`, `read 0x${D.toString(16)} 4`);
add(`read 0x${(B + 0x60).toString(16)} 8`);

export const FW_CFG_SCRIPT: readonly string[] = lines;
/** With -smp 3: the CPU count item. */
export const FW_CFG_SMP_SCRIPT: readonly string[] = [
  `write ${CTL} 2 0x0005`,
  `readq ${DATA}`,
  `write ${CTL} 2 0x0001`,
  `readl ${DATA}`,
];
