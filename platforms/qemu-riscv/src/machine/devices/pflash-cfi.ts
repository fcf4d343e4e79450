// The CFI query table of one x16 part in virt's flash bank (JEDEC JESD68.01 layout, values as QEMU 7.2's
// pflash_cfi01 fills them for width 4, device-width 2, 256 KiB sectors, 128 blocks).

/** One bank: 32 MiB (virt's VIRT_FLASH is two of them). */
export const PFLASH_BANK_BYTES = 32 * 1024 * 1024;
/** Erase block of the bank (both parts together). */
export const PFLASH_SECTOR_BYTES = 256 * 1024;
/** Parts in the 4-byte bank. */
const PARTS = 2;
/** Write-buffer block: 2^11 bytes per part, times the parts. */
export const PFLASH_WRITEBLOCK_BYTES = (1 << 11) * PARTS;

/** @returns the 0x52-byte table a CFI query (0x98) reads, one byte per 4-byte bank address. */
export function cfiTable(): Uint8Array {
  const blocks = PFLASH_BANK_BYTES / PFLASH_SECTOR_BYTES;
  const sectorPerPart = PFLASH_SECTOR_BYTES / PARTS;
  const partBytes = sectorPerPart * blocks;
  const t = new Uint8Array(0x52);
  const put = (at: number, ...bytes: number[]) => t.set(bytes, at);
  put(0x10, 0x51, 0x52, 0x59); // "QRY"
  put(0x13, 0x01, 0x00); // primary command set: Intel
  put(0x15, 0x31, 0x00); // primary extended table at 0x31
  put(0x1b, 0x45, 0x55); // Vcc min / max
  put(0x1f, 0x07, 0x07, 0x0a, 0x00, 0x04, 0x04, 0x04, 0x00); // typical / max timeouts
  put(0x27, Math.log2(partBytes)); // device size, 2^n
  put(0x28, 0x02, 0x00); // x8/x16 interface
  put(0x2a, 0x0b, 0x00); // write buffer: 2^11 bytes
  put(0x2c, 0x01); // one erase block region
  put(
    0x2d,
    (blocks - 1) & 0xff,
    (blocks - 1) >> 8,
    (sectorPerPart >> 8) & 0xff,
    sectorPerPart >> 16,
  );
  put(0x31, 0x50, 0x52, 0x49, 0x31, 0x30); // "PRI1.0"
  put(0x3f, 0x01); // protection fields
  return t;
}
