// Open file descriptions (struct vfscore_file) and the descriptor table with Linux semantics:
// lowest free descriptor, dup/dup2/dup3 sharing the description (offset, status flags), close-on-exec
// per descriptor, RLIMIT_NOFILE.
import { Errno } from '@runikraft/errno';
import type { RkDentry } from './dentry';

export class RkFile {
  /** Descriptors referring to this description. */
  refs = 1;
  /** The file offset; for a directory, the driver's readdir cookie. */
  pos = 0;
  constructor(
    readonly dentry: RkDentry,
    /** The driver's handle; null for O_PATH. */
    readonly handle: object | null,
    /** open(2) flags; F_SETFL changes the status bits. */
    public flags: number,
  ) {}
}

/** The default RLIMIT_NOFILE (Linux's soft limit). */
export const RK_NOFILE = 1024;

export class RkFdTable {
  private readonly files: (RkFile | null)[] = [];
  private readonly cloexec: boolean[] = [];
  /** No descriptor below this is free. */
  private lowFree = 0;

  constructor(readonly limit = RK_NOFILE) {}

  get(fd: number): RkFile | null {
    return this.files[fd] ?? null;
  }

  /** Installs `f` at the lowest free descriptor >= `min`. @returns the fd, or -EMFILE. */
  install(f: RkFile, cloexec: boolean, min = 0): number {
    let fd = Math.max(min, this.lowFree);
    while (fd < this.files.length && this.files[fd]) fd++;
    if (fd >= this.limit) return -Errno.EMFILE;
    this.files[fd] = f;
    this.cloexec[fd] = cloexec;
    if (min <= this.lowFree) this.lowFree = fd + 1;
    return fd;
  }

  /** Whether install() can find a descriptor (checked before open's side effects, as Linux). */
  hasFree(): boolean {
    let fd = this.lowFree;
    while (fd < this.files.length && this.files[fd]) fd++;
    if (fd > this.lowFree) this.lowFree = fd;
    return fd < this.limit;
  }

  /** Puts `f` at `fd` (dup2), returning the description it replaced. */
  replace(fd: number, f: RkFile, cloexec: boolean): RkFile | null {
    const old = this.files[fd] ?? null;
    while (this.files.length < fd) this.files.push(null);
    this.files[fd] = f;
    this.cloexec[fd] = cloexec;
    return old;
  }

  /** Frees `fd`, returning its description (null if it was not open). */
  remove(fd: number): RkFile | null {
    const f = this.files[fd] ?? null;
    if (!f) return null;
    this.files[fd] = null;
    if (fd < this.lowFree) this.lowFree = fd;
    return f;
  }

  getCloexec(fd: number): boolean {
    return this.cloexec[fd] === true;
  }
  setCloexec(fd: number, on: boolean): void {
    this.cloexec[fd] = on;
  }

  /** Every open descriptor. */
  *open(): Iterable<[number, RkFile]> {
    for (let fd = 0; fd < this.files.length; fd++) {
      const f = this.files[fd];
      if (f) yield [fd, f];
    }
  }
}
