// Unpacks a cpio newc archive into the file tree (Unikraft's vfscore rootfs=initrd with ukcpio):
// directories, files, symlinks, hard links, device and fifo nodes, with modes, owners and mtimes.
import { Errno, errnoName } from '@runikraft/errno';
import { type RkCpioEntry, readCpio } from '@runikraft/rkcpio';
import {
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  O_CREAT,
  O_TRUNC,
  O_WRONLY,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from './constants';
import { mkdirs } from './mounts';
import type { RkVfsCore } from './vfs';

/** A problem while unpacking: names the entry, the step and the errno. */
export class RkInitrdError extends Error {
  override name = 'RkInitrdError';
}

// created on first use: the guest's TextDecoder exists only once rkboot has installed it
let decoder: InstanceType<typeof TextDecoder> | undefined;

/** The archive name as a path under `root`, or null for the root itself; throws for "..". */
function targetOf(e: RkCpioEntry, index: number, root: string): string | null {
  const parts = e.name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new RkInitrdError(`initrd: entry ${index} '${e.name}': name: '..' would leave the root`);
  if (parts.length === 0) return null;
  return `${root === '/' ? '' : root}/${parts.join('/')}`;
}

/**
 * Unpacks `archive` below the directory `root` of `vfs`.
 * @returns the number of entries; throws RkCpioError (malformed archive) or RkInitrdError (naming the
 * entry, the step and the errno) — the tree keeps what was unpacked before the failure.
 */
export async function unpackCpio(vfs: RkVfsCore, archive: Uint8Array, root = '/'): Promise<number> {
  const entries = readCpio(archive);
  const links = new Map<string, string>();
  const dirs: { path: string; e: RkCpioEntry }[] = [];
  const old = vfs.umask(0);
  try {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const path = targetOf(e, i, root);
      if (path === null) continue;
      const must = async (what: string, r: unknown) => {
        const v = await r;
        if (typeof v === 'number' && v < 0)
          throw new RkInitrdError(
            `initrd: entry ${i} '${e.name}': ${what} failed with ${errnoName(v)}`,
          );
      };
      const parent = path.slice(0, path.lastIndexOf('/'));
      if (parent) await must(`creating its directory ${parent}`, mkdirs(vfs.st, parent));
      const type = e.mode & S_IFMT;
      const key = `${e.devmajor}:${e.devminor}:${e.ino}`;
      const first = type !== S_IFDIR && e.nlink > 1 ? links.get(key) : undefined;
      if (first) await must(`link to ${first}`, vfs.link(first, path));
      else if (type === S_IFDIR) {
        const r = await vfs.mkdir(path, e.mode & 0o7777);
        if (r < 0 && r !== -Errno.EEXIST) await must('mkdir', Promise.resolve(r));
        dirs.push({ path, e });
      } else if (type === S_IFLNK)
        await must('symlink', vfs.symlink((decoder ??= new TextDecoder()).decode(e.data), path));
      else if (type === S_IFCHR || type === S_IFBLK || type === S_IFIFO || type === S_IFSOCK)
        await must('mknod', vfs.mknod(path, e.mode, (e.rdevmajor << 8) | e.rdevminor));
      else if (type !== S_IFREG)
        throw new RkInitrdError(
          `initrd: entry ${i} '${e.name}': mode: ${e.mode.toString(8)} is no file type`,
        );
      if (type !== S_IFDIR && e.nlink > 1 && !first) links.set(key, path);
      if (type === S_IFREG && (!first || e.data.length > 0))
        await writeFile(vfs, path, e.data, must);
      if (type !== S_IFLNK) await must('chmod', vfs.chmod(path, e.mode & 0o7777));
      await must('chown', vfs.lchown(path, e.uid, e.gid));
      if (type !== S_IFDIR) await setTime(vfs, path, e, must);
    }
    // directories last: creating their entries moved their mtimes
    for (let i = dirs.length - 1; i >= 0; i--) {
      const { path, e } = dirs[i]!;
      await setTime(vfs, path, e, async (what, r: unknown) => {
        const v = await r;
        if (typeof v === 'number' && v < 0)
          throw new RkInitrdError(
            `initrd: directory '${e.name}': ${what} failed with ${errnoName(v)}`,
          );
      });
    }
  } finally {
    vfs.umask(old);
  }
  return entries.length;
}

type Must = (what: string, r: unknown) => Promise<void>;

async function writeFile(
  vfs: RkVfsCore,
  path: string,
  data: Uint8Array,
  must: Must,
): Promise<void> {
  const fd = await vfs.open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600);
  await must('open', Promise.resolve(fd));
  for (let at = 0; at < data.length; ) {
    const n = await vfs.write(fd, data.subarray(at));
    await must(`write at ${at}`, Promise.resolve(n));
    at += n;
  }
  await must('close', vfs.close(fd));
}

function setTime(vfs: RkVfsCore, path: string, e: RkCpioEntry, must: Must): Promise<void> {
  const t = { sec: e.mtime, nsec: 0 };
  return must('utimensat', vfs.utimensat(AT_FDCWD, path, [t, t], AT_SYMLINK_NOFOLLOW));
}
