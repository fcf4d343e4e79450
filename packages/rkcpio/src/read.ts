// Reads a cpio newc archive without copying file data; every length and offset is checked against
// the archive, and each problem is an RkCpioError naming the entry and the field.
import {
  CPIO_CRC_MAGIC,
  CPIO_FIELDS,
  CPIO_HEADER_SIZE,
  CPIO_NEWC_MAGIC,
  CPIO_TRAILER,
  pad4,
  type RkCpioEntry,
  RkCpioError,
} from './format';

const HEX = /^[0-9a-fA-F]{8}$/;
// created on first use: the guest's TextDecoder exists only once rkboot has installed it
let decoder: InstanceType<typeof TextDecoder> | undefined;

function ascii(b: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

/**
 * Parses every entry before TRAILER!!! (the trailer itself is not returned).
 * @returns the entries; throws RkCpioError for a truncated or malformed archive or a missing trailer.
 */
export function readCpio(archive: Uint8Array): RkCpioEntry[] {
  const out: RkCpioEntry[] = [];
  let off = 0;
  for (let index = 0; ; index++) {
    const fail = (field: string, reason: string, name: string | null = null): never => {
      throw new RkCpioError(off, index, name, field, reason);
    };
    if (off >= archive.length) fail('header', `archive ends without a ${CPIO_TRAILER} entry`);
    if (archive.length - off < CPIO_HEADER_SIZE)
      fail('header', `needs ${CPIO_HEADER_SIZE} bytes, ${archive.length - off} left`);
    const magic = ascii(archive, off, 6);
    if (magic !== CPIO_NEWC_MAGIC && magic !== CPIO_CRC_MAGIC)
      fail('magic', `'${magic}' is not ${CPIO_NEWC_MAGIC} (newc) or ${CPIO_CRC_MAGIC} (crc)`);
    const f = {} as Record<(typeof CPIO_FIELDS)[number], number>;
    CPIO_FIELDS.forEach((name, i) => {
      const text = ascii(archive, off + 6 + i * 8, 8);
      if (!HEX.test(text)) fail(name, `'${text}' is not 8 hexadecimal digits`);
      f[name] = Number.parseInt(text, 16);
    });
    const nameAt = off + CPIO_HEADER_SIZE;
    if (f.namesize === 0) fail('namesize', 'is 0 (a name needs at least its NUL)');
    if (nameAt + f.namesize > archive.length)
      fail('namesize', `${f.namesize} bytes run past the end of the archive (${archive.length})`);
    if (archive[nameAt + f.namesize - 1] !== 0)
      fail('name', 'is not NUL-terminated within namesize');
    const raw = archive.subarray(nameAt, nameAt + f.namesize - 1);
    // non-fatal decoding (the guest's TextDecoder has no `fatal`); a replacement character that was
    // not in the bytes betrays an ill-formed sequence
    const name = (decoder ??= new TextDecoder()).decode(raw);
    if (name.includes('\uFFFD') && !hasReplacementChar(raw)) fail('name', 'is not valid UTF-8');
    if (name.includes('\0')) fail('name', 'contains a NUL before namesize', name);
    if (name === CPIO_TRAILER) return out;
    const dataAt = pad4(nameAt + f.namesize);
    if (dataAt + f.filesize > archive.length)
      fail(
        'filesize',
        `${f.filesize} bytes at offset ${dataAt} run past the end of the archive (${archive.length})`,
        name,
      );
    const data = archive.subarray(dataAt, dataAt + f.filesize);
    if (magic === CPIO_CRC_MAGIC) {
      let sum = 0;
      for (let i = 0; i < data.length; i++) sum = (sum + data[i]!) >>> 0;
      if (sum !== f.check)
        fail(
          'check',
          `data sums to ${sum.toString(16)}, header says ${f.check.toString(16)}`,
          name,
        );
    }
    out.push({
      name,
      ino: f.ino,
      mode: f.mode,
      uid: f.uid,
      gid: f.gid,
      nlink: f.nlink,
      mtime: f.mtime,
      devmajor: f.devmajor,
      devminor: f.devminor,
      rdevmajor: f.rdevmajor,
      rdevminor: f.rdevminor,
      data,
    });
    off = pad4(dataAt + f.filesize);
  }
}

/** Whether `b` holds U+FFFD itself (EF BF BD). */
function hasReplacementChar(b: Uint8Array): boolean {
  for (let i = 0; i + 2 < b.length; i++)
    if (b[i] === 0xef && b[i + 1] === 0xbf && b[i + 2] === 0xbd) return true;
  return false;
}
