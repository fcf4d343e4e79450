// The WASI view of descriptors: a WASI fd is the program's POSIX descriptor with the same number
// (packages/posix: one table for files, the console, pipes and sockets), plus what preview1 adds on
// top — rights and, for the directories handed to the program at start, their preopened names.
import type { RkFsResult, RkVfs } from '@runikraft/vfscore';
import {
  andThen,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from '@runikraft/vfscore';
import { Filetype, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_TTY } from './abi';

export interface WasiFdInfo {
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** The name the program sees for a preopened directory (e.g. "/"), else undefined. */
  preopen?: string;
}

/**
 * The WASI file type of an st_mode. Preview1 has no FIFO type: a FIFO (a pipe end) is a byte
 * stream, SOCKET_STREAM, as node:wasi (uvwasi) reports a host FIFO; wasi-libc defines S_IFIFO as
 * S_IFSOCK, so its fstat says S_ISFIFO (wasmtime's UNKNOWN would give no type bits at all).
 */
export function filetypeOf(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return Filetype.REGULAR_FILE;
    case S_IFDIR:
      return Filetype.DIRECTORY;
    case S_IFLNK:
      return Filetype.SYMBOLIC_LINK;
    case S_IFCHR:
      return Filetype.CHARACTER_DEVICE;
    case S_IFBLK:
      return Filetype.BLOCK_DEVICE;
    case S_IFSOCK:
    case S_IFIFO:
      return Filetype.SOCKET_STREAM;
    default:
      return Filetype.UNKNOWN;
  }
}

export interface WasiMaxRights {
  readonly base: bigint;
  readonly inheriting: bigint;
}
const MAX_DIR: WasiMaxRights = { base: RIGHTS_DIR, inheriting: RIGHTS_DIR | RIGHTS_FILE };
const MAX_FILE: WasiMaxRights = { base: RIGHTS_FILE, inheriting: 0n };
const MAX_TTY: WasiMaxRights = { base: RIGHTS_TTY, inheriting: 0n };

/** The rights a descriptor of this type can have at most (shared objects: nothing made per call). */
export function maxRights(filetype: number): WasiMaxRights {
  switch (filetype) {
    case Filetype.DIRECTORY:
      return MAX_DIR;
    case Filetype.REGULAR_FILE:
    case Filetype.BLOCK_DEVICE:
      return MAX_FILE;
    default:
      return MAX_TTY;
  }
}

export class WasiFdTable {
  private readonly info = new Map<number, WasiFdInfo>();
  /** Preopened fds in order (wasi-libc scans 3, 4, … until EBADF, so they must be contiguous). */
  readonly preopens: number[] = [];

  constructor(private readonly vfs: Pick<RkVfs, 'fstat'>) {}

  /**
   * Rights of `fd`: recorded when the program opened it, else derived from its type (descriptors
   * the program inherited, such as 0–2 on /dev/console). @returns null for a closed fd.
   */
  get(fd: number): RkFsResult<WasiFdInfo | null> {
    const known = this.info.get(fd);
    if (known) return known;
    return andThen(this.vfs.fstat(fd), (st) => {
      if (typeof st === 'number') return null;
      const m = maxRights(filetypeOf(st.mode));
      const inf = { rightsBase: m.base, rightsInheriting: m.inheriting };
      this.info.set(fd, inf);
      return inf;
    });
  }
  /** What is recorded for `fd` (no lookup of inherited descriptors). */
  known(fd: number): WasiFdInfo | undefined {
    return this.info.get(fd);
  }
  set(fd: number, info: WasiFdInfo): void {
    this.info.set(fd, info);
  }
  forget(fd: number): void {
    this.info.delete(fd);
    const i = this.preopens.indexOf(fd);
    if (i >= 0) this.preopens.splice(i, 1);
  }
  move(from: number, to: number): void {
    const inf = this.info.get(from);
    this.forget(to);
    this.info.delete(from);
    if (inf) this.info.set(to, inf);
    const i = this.preopens.indexOf(from);
    if (i >= 0) this.preopens[i] = to;
  }
  /** The preopen name of `fd`, if it is one. */
  preopenName(fd: number): string | undefined {
    return this.preopens.includes(fd) ? this.info.get(fd)?.preopen : undefined;
  }
}
