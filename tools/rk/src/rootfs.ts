// `rk build` packs an app's `runikraft.rootfs` directory into build/initrd.cpio (cpio newc), which
// `rk run` loads as -initrd and vfscore unpacks at boot (vfs.rootfs=initrd).
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type RkCpioInput, writeCpio } from '@runikraft/rkcpio';
import { RkUsageError } from './errors';

/** The directory name an app puts its root file system in. */
export const ROOTFS_DIR = 'runikraft.rootfs';
export const INITRD_FILE = 'initrd.cpio';

/**
 * The archive of `dir` (entries in sorted path order, parents first; hard links share an ino with
 * the data on the first; owners root; modes and mtimes kept) and every path read, for staleness.
 * @throws RkUsageError for a file type cpio cannot carry here (sockets) or an unreadable entry.
 */
export function packRootfs(dir: string, appDir: string): { archive: Uint8Array; inputs: string[] } {
  const entries: RkCpioInput[] = [];
  const inputs: string[] = [relative(appDir, dir)];
  const inos = new Map<string, number>();
  const walk = (abs: string, name: string) => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (e) {
      throw unreadable(abs, appDir, e);
    }
    for (const n of names) {
      const p = join(abs, n);
      const rel = name ? `${name}/${n}` : n;
      const st = lstatSync(p, { bigint: false });
      inputs.push(relative(appDir, p));
      const base = { name: rel, mode: st.mode, mtime: Math.floor(st.mtimeMs / 1000) };
      if (st.isDirectory()) {
        entries.push({ ...base, nlink: 2 });
        walk(p, rel);
      } else if (st.isSymbolicLink()) {
        entries.push({ ...base, data: new TextEncoder().encode(readlinkSync(p)) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? inos.get(key) : undefined;
        const ino = first ?? entries.length + 1;
        if (st.nlink > 1 && first === undefined) inos.set(key, ino);
        entries.push({
          ...base,
          ino,
          nlink: st.nlink,
          data: first === undefined ? new Uint8Array(readFileSync(p)) : new Uint8Array(0),
        });
      } else if (st.isFIFO()) entries.push(base);
      else
        throw new RkUsageError(
          `rk build: ${relative(appDir, p)}: ${ROOTFS_DIR} may hold directories, files, symlinks and fifos only`,
        );
    }
  };
  walk(dir, '');
  return { archive: writeCpio(entries), inputs };
}

function unreadable(p: string, appDir: string, e: unknown): RkUsageError {
  return new RkUsageError(
    `rk build: cannot read ${relative(appDir, p)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
  );
}
