// `-drive` parsing and backend creation (QEMU blockdev.c drive_new): raw files only, if=none.
import { OptReader, splitOpts } from '../net/qemu-opts';
import type { BlockBackend } from './backend';
import { FileBlockBackend } from './file';

export interface DriveSpec {
  readonly id: string;
  readonly file: string;
  readonly readOnly: boolean;
}

/**
 * Parses `-drive file=disk.img,if=none,format=raw,id=d0[,readonly=on]`.
 * @throws Error naming the bad key (unknown key, format other than raw, if other than none).
 */
export function parseDrive(text: string): DriveSpec {
  const o = splitOpts('-drive', text);
  if (o.head !== null)
    throw new Error(`-drive: '${o.head}' is not key=value (did you mean file=${o.head}?)`);
  const r = new OptReader('-drive', o);
  const file = r.need('file');
  const id = r.need('id');
  const iface = r.str('if') ?? 'none';
  if (iface !== 'none')
    throw new Error(
      `-drive id=${id}: if=${iface} is not supported; use if=none and -device virtio-blk-device,drive=${id}`,
    );
  const format = r.str('format') ?? 'raw';
  if (format !== 'raw')
    throw new Error(`-drive id=${id}: format=${format} is not supported (raw only)`);
  const readOnly = r.bool('readonly', false);
  const cache = r.str('cache');
  if (
    cache !== undefined &&
    !['writeback', 'none', 'writethrough', 'directsync', 'unsafe'].includes(cache)
  )
    throw new Error(`-drive id=${id}: cache=${cache} is not a QEMU cache mode`);
  r.done();
  return { id, file, readOnly };
}

/** Opens the host file of a parsed drive. @throws Error if the file cannot be opened. */
export function createBlockBackend(spec: DriveSpec): BlockBackend {
  return new FileBlockBackend(spec.id, spec.file, spec.readOnly);
}
