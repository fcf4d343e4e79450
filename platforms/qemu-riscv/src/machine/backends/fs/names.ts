// Guest-supplied names: what a single path component may be (QEMU 9p.c name_is_illegal, and the
// mapped-file metadata names 9p-local.c hides from the guest).
import { E, p9err } from './errno';
import type { P9Server } from './server';

/** Metadata files of security_model=mapped-file (never visible to the guest). */
export const METADATA_DIR = '.virtfs_metadata';
export const METADATA_ROOT = '.virtfs_metadata_root';

/**
 * Checks one path component from the guest.
 * @throws P9Errno ENOENT for an empty name or one holding '/' (QEMU), EINVAL for a NUL byte or a
 * mapped-file metadata name.
 */
export function checkName(s: P9Server, name: string): void {
  if (name === '' || name.includes('/')) throw p9err(E.ENOENT, `illegal name '${name}'`);
  if (name.includes('\0')) throw p9err(E.EINVAL, 'a name holds a NUL byte');
  if (s.mapped && (name === METADATA_DIR || name === METADATA_ROOT))
    throw p9err(E.EINVAL, `'${name}' holds mapped-file metadata`);
}

/** A name for a new entry: also not `.` or `..` (QEMU answers EEXIST). */
export function checkNewName(s: P9Server, name: string): void {
  checkName(s, name);
  if (name === '.' || name === '..') throw p9err(E.EEXIST, `'${name}' always exists`);
}

/** The path of `name` in directory `dir`, `..` clamped at the root and `.` the directory itself. */
export function child(dir: readonly string[], name: string): string[] {
  if (name === '.') return [...dir];
  if (name === '..') return dir.slice(0, -1);
  return [...dir, name];
}
