// IPv4 addresses as unsigned 32-bit numbers (the slirp side keeps every address in this form), and
// MAC helpers. Independent of the guest stack in packages/rknet on purpose (issue 9).

/** Parses dotted-quad IPv4 (`10.0.2.15`). @returns the address, or null if the text is not one. */
export function parseIp4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return null;
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/** Formats an address as dotted quad. */
export function formatIp4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** Reads a big-endian IPv4 address at `off`. */
export function readIp4(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** Writes a big-endian IPv4 address at `off`. */
export function writeIp4(b: Uint8Array, off: number, a: number): void {
  b[off] = a >>> 24;
  b[off + 1] = (a >>> 16) & 255;
  b[off + 2] = (a >>> 8) & 255;
  b[off + 3] = a & 255;
}

/** slirp's MAC for one of its own addresses: 52:55 followed by the IPv4 address (gateway 52:55:0a:00:02:02). */
export function slirpMac(a: number): Uint8Array {
  const m = Uint8Array.of(0x52, 0x55, 0, 0, 0, 0);
  writeIp4(m, 2, a);
  return m;
}

export const BROADCAST_MAC = new Uint8Array(6).fill(0xff);
export const IP4_BROADCAST = 0xffffffff;
