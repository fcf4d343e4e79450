// The cpio "newc" format (cpio(5), Linux Documentation/driver-api/early-userspace/buffer-format.rst):
// a 110-byte ASCII header of 13 8-digit hex fields, the NUL-terminated name, data; header+name and
// data each padded to 4 bytes; the archive ends with an entry named TRAILER!!!.

export const CPIO_NEWC_MAGIC = '070701';
/** newc with a checksum: `check` is the 32-bit sum of the data bytes. */
export const CPIO_CRC_MAGIC = '070702';
export const CPIO_HEADER_SIZE = 110;
export const CPIO_TRAILER = 'TRAILER!!!';

/** The header fields after the magic, in order. */
export const CPIO_FIELDS = [
  'ino',
  'mode',
  'uid',
  'gid',
  'nlink',
  'mtime',
  'filesize',
  'devmajor',
  'devminor',
  'rdevmajor',
  'rdevminor',
  'namesize',
  'check',
] as const;
export type RkCpioField = (typeof CPIO_FIELDS)[number];

/** One archive member; `data` is a view into the archive (file contents, or a symlink's target). */
export interface RkCpioEntry {
  name: string;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  devmajor: number;
  devminor: number;
  rdevmajor: number;
  rdevminor: number;
  data: Uint8Array;
}

export const pad4 = (n: number): number => (n + 3) & ~3;

/** A malformed archive: names the entry (index and name when known), the field and the offset. */
export class RkCpioError extends Error {
  constructor(
    readonly offset: number,
    readonly entry: number,
    readonly entryName: string | null,
    readonly field: string,
    readonly reason: string,
  ) {
    super(
      `cpio: entry ${entry}${entryName !== null ? ` '${entryName}'` : ''} at offset ${offset}: ${field}: ${reason}`,
    );
    this.name = 'RkCpioError';
  }
}
