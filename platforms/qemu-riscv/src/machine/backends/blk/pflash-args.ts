// `-drive if=pflash[,unit=N|index=N],file=F[,format=raw][,readonly=on]` (QEMU blockdev.c drive_new for
// IF_PFLASH): unit numbering, QEMU's messages, and the raw image files behind virt's two flash banks.

import { OptReader, splitOpts } from '../net/qemu-opts';
import type { BlockBackend } from './backend';
import { FileBlockBackend } from './file';

/** virt has two flash banks. */
const UNITS = 2;

/** True for a `-drive` argument with `if=pflash` (the others are virtio-blk backends). */
export function isPflashDrive(text: string): boolean {
  try {
    return splitOpts('-drive', text).values.get('if') === 'pflash';
  } catch {
    return false;
  }
}

interface PflashSpec {
  readonly text: string;
  readonly unit: number;
  readonly file: string;
  readonly readOnly: boolean;
}

function parse(text: string, taken: Set<number>): PflashSpec {
  const r = new OptReader(`-drive ${text}`, splitOpts('-drive', text));
  r.str('if');
  r.str('id');
  const file = r.need('file');
  const unitArg = r.int('unit', 0, 2 ** 31 - 1) ?? r.int('index', 0, 2 ** 31 - 1);
  const format = r.str('format') ?? 'raw';
  if (format !== 'raw')
    throw new Error(`-drive ${text}: format=${format} is not supported (raw only)`);
  const readOnly = r.bool('readonly', false);
  r.done();
  let unit = unitArg ?? 0;
  if (unitArg === undefined) while (taken.has(unit)) unit++;
  if (taken.has(unit))
    throw new Error(`-drive ${text}: drive with bus=0, unit=${unit} (index=${unit}) exists`);
  if (unit >= UNITS)
    throw new Error(`-drive ${text}: machine type does not support if=pflash,bus=0,unit=${unit}`);
  taken.add(unit);
  return { text, unit, file, readOnly };
}

/**
 * Opens the `if=pflash` drives among `drives` (others are skipped) as the banks' backings, by unit.
 * @returns [bank 0, bank 1], null where no drive was given.
 * @throws Error with QEMU's message (duplicate unit, unit past 1, unopenable file); nothing stays open.
 */
export function openPflashDrives(drives: readonly string[]): (BlockBackend | null)[] {
  const taken = new Set<number>();
  const specs = drives.filter(isPflashDrive).map((t) => parse(t, taken));
  const banks: (BlockBackend | null)[] = [null, null];
  try {
    for (const s of specs)
      banks[s.unit] = new FileBlockBackend(`pflash${s.unit}`, s.file, s.readOnly);
  } catch (e) {
    for (const b of banks) b?.close();
    throw e;
  }
  return banks;
}
