// security_model=mapped-file (QEMU 9p-local.c): guest ownership, mode and device numbers live in
// `<dir>/.virtfs_metadata/<name>` (the root's in `.virtfs_metadata_root`), as text lines
// `virtfs.uid=N`, `virtfs.gid=N`, `virtfs.mode=N`, `virtfs.rdev=N`; host files stay owned by the
// server with modes 0600/0700, symlinks and device nodes are regular files (a link's target is
// its content). Only files the guest created or changed have metadata; others show host values.
import { closeSync, constants, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ShareRoot } from './confine';
import { METADATA_DIR, METADATA_ROOT } from './names';
import type { Attr } from './stat';

export interface Cred {
  uid?: number;
  gid?: number;
  mode?: number;
  rdev?: number;
}

/** Host mode bits of files and directories in a mapped share (QEMU SM_LOCAL_MODE_BITS). */
export const MAPPED_FILE_MODE = 0o600;
export const MAPPED_DIR_MODE = 0o700;

export class MappedFile {
  constructor(private readonly root: ShareRoot) {}

  /** Runs `fn` with the host path of the metadata file of `path`, inside the share. */
  private meta<T>(path: readonly string[], fn: (p: string, dirPath: string) => T): T {
    if (path.length === 0) return this.root.inDir([], (d) => fn(`${d}/${METADATA_ROOT}`, d));
    return this.root.inDir(path.slice(0, -1), (d) =>
      fn(`${d}/${METADATA_DIR}/${path[path.length - 1]}`, `${d}/${METADATA_DIR}`),
    );
  }

  /** The stored credentials of `path` (empty when it has none). */
  read(path: readonly string[]): Cred {
    let text: string;
    try {
      text = this.meta(path, (p) => {
        const fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          return readFileSync(fd, 'utf8');
        } finally {
          closeSync(fd);
        }
      });
    } catch {
      return {};
    }
    const c: Cred = {};
    for (const line of text.split('\n')) {
      const m = /^virtfs\.(uid|gid|mode|rdev)=(-?\d+)$/.exec(line);
      if (m) c[m[1] as keyof Cred] = Number(m[2]);
    }
    return c;
  }

  /** Merges `cred` into the stored credentials of `path` (creating the metadata file). */
  write(path: readonly string[], cred: Cred): void {
    const c = { ...this.read(path), ...stripUndef(cred) };
    const text = (['uid', 'gid', 'mode', 'rdev'] as const)
      .filter((k) => c[k] !== undefined)
      .map((k) => `virtfs.${k}=${c[k]}\n`)
      .join('');
    this.meta(path, (p, dir) => {
      if (path.length > 0) {
        try {
          mkdirSync(dir, MAPPED_DIR_MODE);
        } catch (e) {
          if ((e as { code?: string }).code !== 'EEXIST') throw e;
        }
      }
      const flags =
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
      const fd = openSync(p, flags, MAPPED_FILE_MODE);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    });
  }

  /** Applies stored credentials to host attributes (QEMU local_mapped_file_attr). */
  overlay(path: readonly string[], a: Attr): Attr {
    const c = this.read(path);
    if (c.uid !== undefined) a.uid = c.uid;
    if (c.gid !== undefined) a.gid = c.gid;
    if (c.mode !== undefined) a.mode = c.mode;
    if (c.rdev !== undefined) a.rdev = BigInt(c.rdev);
    return a;
  }

  /** Host path of the metadata file for `name` in the directory at host path `dirPath`. */
  static entry(dirPath: string, name: string): string {
    return `${dirPath}/${METADATA_DIR}/${name}`;
  }
}

function stripUndef(c: Cred): Cred {
  const out: Cred = {};
  for (const k of ['uid', 'gid', 'mode', 'rdev'] as const) if (c[k] !== undefined) out[k] = c[k];
  return out;
}
