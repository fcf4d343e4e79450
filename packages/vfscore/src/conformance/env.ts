// The kit's subject and helpers: a freshly mounted file system, awaiting plain-or-promise results,
// and failures that name the operation (checks throw, so they run under vitest or in a booted image).
import { errnoName } from '@runikraft/errno';
import type { RkFs, RkFsAttr, RkFsNode, RkFsResult, RkFsStatfs } from '../driver';

/** A freshly mounted, empty, writable file system and how to dispose of it. */
export interface RkFsKitSubject {
  readonly fs: RkFs<any, any>;
  close?(): void | Promise<void>;
}

export type RkFsKitFactory = () => RkFsKitSubject | Promise<RkFsKitSubject>;

/** What the subject supports; the kit skips checks for features declared absent. */
export interface RkFsKitCaps {
  /** Symbolic links (default true). */
  readonly symlinks?: boolean;
  /** Hard links (default true). */
  readonly hardlinks?: boolean;
  /** fast-check runs of the random-I/O property (default 100). */
  readonly numRuns?: number;
}

/** One named check; `run` throws (RkFsKitFailure) on failure. */
export interface RkFsCheck {
  readonly name: string;
  run(): Promise<void>;
}

export class RkFsKitFailure extends Error {
  override name = 'RkFsKitFailure';
}

export function fail(message: string): never {
  throw new RkFsKitFailure(message);
}

export function expectThat(cond: boolean, message: string): void {
  if (!cond) fail(message);
}

/** Awaits a driver result; a number < 0 fails with the operation and errno named. */
export async function ok<T>(what: string, r: RkFsResult<T | number>): Promise<T> {
  const v = await r;
  if (typeof v === 'number' && v < 0) fail(`${what} failed with ${errnoName(v)}`);
  return v as T;
}

/** Awaits a driver result that must be exactly -`errno`. */
export async function refuses(what: string, r: RkFsResult<unknown>, errno: number): Promise<void> {
  const v = await r;
  if (v !== -errno)
    fail(
      `${what}: expected ${errnoName(errno)}, got ${typeof v === 'number' ? (v < 0 ? errnoName(v) : v) : 'success'}`,
    );
}

export function emptyAttr(): RkFsAttr {
  const t = () => ({ sec: 0, nsec: 0 });
  return {
    ino: 0,
    mode: 0,
    nlink: 0,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blocks: 0,
    blksize: 0,
    atime: t(),
    mtime: t(),
    ctime: t(),
  };
}

export function emptyStatfs(): RkFsStatfs {
  return {
    type: 0,
    bsize: 0,
    blocks: 0,
    bfree: 0,
    bavail: 0,
    files: 0,
    ffree: 0,
    namelen: 0,
    frsize: 0,
    flags: 0,
  };
}

export async function attrOf(fs: RkFs<any, any>, node: RkFsNode): Promise<RkFsAttr> {
  const a = emptyAttr();
  await ok('getattr', fs.getattr(node, a));
  return a;
}

/** Every entry name of a directory (opened and closed here), in the driver's order. */
export async function listDir(
  fs: RkFs<any, any>,
  dir: RkFsNode,
  batch = 1 << 30,
): Promise<string[]> {
  const h = await ok<object>('open(dir)', fs.open(dir, 0));
  const names: string[] = [];
  let cookie = 0;
  for (let rounds = 0; rounds < 1 << 16; rounds++) {
    let taken = 0;
    let ended = true;
    await ok(
      'readdir',
      fs.readdir(h, cookie, (name, _ino, _t, next) => {
        if (taken === batch) {
          ended = false;
          return false;
        }
        names.push(name);
        cookie = next;
        taken++;
        return true;
      }),
    );
    if (ended) break;
  }
  await ok('close(dir)', fs.close(h));
  return names;
}

/** Runs `fn` on a fresh subject and disposes of it whatever happens. */
export async function withFs(
  make: RkFsKitFactory,
  fn: (fs: RkFs<any, any>) => Promise<void>,
): Promise<void> {
  const s = await make();
  try {
    await fn(s.fs);
  } finally {
    await s.close?.();
  }
}
