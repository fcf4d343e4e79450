// Writes a cpio newc archive (what `rk build` packs an app's rootfs into, and what Linux's
// gen_init_cpio and `cpio -H newc` produce): entries in the given order, then TRAILER!!!.
import {
  CPIO_FIELDS,
  CPIO_HEADER_SIZE,
  CPIO_NEWC_MAGIC,
  CPIO_TRAILER,
  pad4,
  type RkCpioEntry,
} from './format';

// created on first use: the guest's TextEncoder exists only once rkboot has installed it
let encoder: InstanceType<typeof TextEncoder> | undefined;

/** An entry to write; missing numeric fields are 0 (nlink 1), `data` empty. */
export type RkCpioInput = Partial<RkCpioEntry> & { name: string; mode: number };

function hex8(n: number, field: string, name: string): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`cpio: entry '${name}': ${field} ${n} does not fit 8 hexadecimal digits`);
  return n.toString(16).padStart(8, '0');
}

/** The archive bytes. Throws RangeError naming the entry for a field that does not fit. */
export function writeCpio(entries: readonly RkCpioInput[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (e: RkCpioInput, ino: number) => {
    const name = (encoder ??= new TextEncoder()).encode(e.name);
    const data = e.data ?? new Uint8Array(0);
    const values: Record<string, number> = {
      ino,
      mode: e.mode,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      nlink: e.nlink ?? 1,
      mtime: e.mtime ?? 0,
      filesize: data.length,
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
      rdevmajor: e.rdevmajor ?? 0,
      rdevminor: e.rdevminor ?? 0,
      namesize: name.length + 1,
      check: 0,
    };
    const header = CPIO_NEWC_MAGIC + CPIO_FIELDS.map((f) => hex8(values[f]!, f, e.name)).join('');
    const headLen = pad4(CPIO_HEADER_SIZE + name.length + 1);
    const rec = new Uint8Array(headLen + pad4(data.length));
    rec.set((encoder ??= new TextEncoder()).encode(header), 0);
    rec.set(name, CPIO_HEADER_SIZE);
    rec.set(data, headLen);
    parts.push(rec);
    size += rec.length;
  };
  for (const [i, e] of entries.entries()) push(e, e.ino ?? i + 1);
  push({ name: CPIO_TRAILER, mode: 0, nlink: 1 }, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
