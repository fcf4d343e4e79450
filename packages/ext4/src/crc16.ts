// CRC-16 (ANSI, reflected polynomial 0xA001), the group-descriptor checksum of uninit_bg (gdt_csum)
// file systems without metadata_csum.
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** Folds `b[from, to)` into `crc`. @returns the new 16-bit value. */
export function crc16(crc: number, b: Uint8Array, from = 0, to = b.length): number {
  let c = crc & 0xffff;
  for (let i = from; i < to; i++) c = (c >>> 8) ^ TABLE[(c ^ b[i]!) & 0xff]!;
  return c;
}
