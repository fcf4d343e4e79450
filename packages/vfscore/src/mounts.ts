// The mount table (Unikraft vfscore mount.c): mount/umount, and fstab lines as Unikraft's `vfs.fstab`
// parameter writes them: `source:target:type[:flags[:options[:ukopts]]]` (ukopts `mkmp` creates the
// mount point).
import { Errno, errnoName } from '@runikraft/errno';
import type { RkMountInfo } from './api';
import { AT_FDCWD, S_IFDIR } from './constants';
import type { RkVfsState } from './core';
import { RkMount } from './dentry';
import { pathOf } from './namei';
import { mkdirat } from './names';

/** MS_RDONLY: mount read-only. */
export const MS_RDONLY = 1;

export async function mount(
  st: RkVfsState,
  source: string,
  target: string,
  typeName: string,
  flags: number,
  options: string,
): Promise<number> {
  const type = st.fsTypes.get(typeName);
  if (!type) return -Errno.ENODEV;
  let covered = null;
  if (st.hasRoot) {
    const d = await st.resolve(AT_FDCWD, target, true);
    if (typeof d === 'number') return d;
    if (d.type !== S_IFDIR) return -Errno.ENOTDIR;
    covered = d;
  } else if (target !== '/') return -Errno.ENOENT;
  const readonly = (flags & MS_RDONLY) !== 0;
  const path = covered ? pathOf(covered, st.root) : '/';
  const r = type.mount({ source, target: path, options, readonly, env: st.env });
  const fs = r instanceof Promise ? await r : r;
  if (typeof fs === 'number') return fs;
  const m = new RkMount(st.nextMountId++, fs, typeName, source, options, readonly, covered);
  st.mountList.push(m);
  if (covered) covered.mounted = m;
  else st.setRoot(m.root);
  return 0;
}

export async function umount(st: RkVfsState, target: string): Promise<number> {
  const d = await st.resolve(AT_FDCWD, target, true);
  if (typeof d === 'number') return d;
  const m = d.mount;
  if (d.parent !== null || d !== m.root) return -Errno.EINVAL;
  if (!m.covered || m.busy > 0) return -Errno.EBUSY;
  if (st.mountList.some((o) => o !== m && o.covered?.mount === m)) return -Errno.EBUSY;
  const r = m.fs.unmount();
  const n = r instanceof Promise ? await r : r;
  if (n < 0) return n;
  m.covered.mounted = null;
  st.mountList.splice(st.mountList.indexOf(m), 1);
  return 0;
}

export function mountInfo(st: RkVfsState): RkMountInfo[] {
  return st.mountList.map((m) => ({
    source: m.source,
    target: m.covered ? pathOf(m.covered, st.root) : '/',
    type: m.type,
    options: m.options,
    readonly: m.readonly,
  }));
}

/** One parsed fstab entry. */
export interface RkFstabEntry {
  source: string;
  target: string;
  type: string;
  flags: number;
  options: string;
  /** Create the mount point (and its parents) first (Unikraft's `mkmp`). */
  mkmp: boolean;
}

/**
 * Parses fstab entries separated by whitespace (or given as separate strings).
 * @returns the entries, or a message naming the entry and the field that is wrong.
 */
export function parseFstab(text: string | readonly string[]): RkFstabEntry[] | string {
  const lines = typeof text === 'string' ? text.split(/\s+/).filter(Boolean) : text;
  const out: RkFstabEntry[] = [];
  for (const line of lines) {
    const f = line.split(':');
    const [source, target, type, flags = '', options = '', ukopts = ''] = f;
    if (f.length < 3 || f.length > 6)
      return `fstab entry '${line}': want source:target:type[:flags[:options[:ukopts]]], got ${f.length} fields`;
    if (!source) return `fstab entry '${line}': empty source`;
    if (!target?.startsWith('/'))
      return `fstab entry '${line}': target '${target}' is not an absolute path`;
    if (!type) return `fstab entry '${line}': empty type`;
    const n = flags === '' ? 0 : Number(flags);
    if (!Number.isInteger(n) || n < 0)
      return `fstab entry '${line}': flags '${flags}' is not a number`;
    const uk = ukopts.split(',').filter(Boolean);
    const bad = uk.find((o) => o !== 'mkmp');
    if (bad) return `fstab entry '${line}': unknown ukopt '${bad}' (known: mkmp)`;
    out.push({ source, target, type, flags: n, options, mkmp: uk.includes('mkmp') });
  }
  return out;
}

/** Creates `path` and its missing parents as directories (mode 0755), as `mkdir -p`. */
export async function mkdirs(st: RkVfsState, path: string): Promise<number> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    const r = await mkdirat(st, AT_FDCWD, at, 0o755);
    if (r < 0 && r !== -Errno.EEXIST) return r;
  }
  return 0;
}

/** Mounts every entry in order. @returns 0, or a message naming the failed entry and its errno. */
export async function mountFstab(
  st: RkVfsState,
  entries: readonly RkFstabEntry[],
): Promise<string | 0> {
  for (const e of entries) {
    if (e.mkmp && st.hasRoot) {
      const r = await mkdirs(st, e.target);
      if (r < 0) return `fstab: creating mount point ${e.target}: ${errnoName(r)}`;
    }
    const r = await mount(st, e.source, e.target, e.type, e.flags, e.options);
    if (r < 0) return `fstab: mounting ${e.source} on ${e.target} (${e.type}): ${errnoName(r)}`;
  }
  return 0;
}
