// Per-program stdio between programs of one image: `libc.spawn(prog, {stdout: 'pipe'})` gives the
// job a stream (the read end of a posix pipe whose write end is the program's descriptor 1), which
// the caller reads or gives to another program as its `stdin` — `libc.start`'s `producer | consumer`
// is exactly that. A stream given to a program is moved (the caller's reference closes, as a shell
// closes its copy after fork), so the reader sees EOF once the writers exit.
import { Errno, RkError } from '@runikraft/errno';
import { createPipe, O_RDONLY, O_WRONLY, RkFdtab, type RkPosix } from '@runikraft/posix';
import type { RkSched } from '@runikraft/rksched';

/** One end of a pipe held by the caller of spawn (a TypeScript main, or libc.start). */
export interface RkLibcStream {
  /** `'read'`: a program's stdout/stderr; `'write'`: a program's stdin. */
  readonly end: 'read' | 'write';
  /** Reads what the program wrote, waiting for data. @returns bytes read, 0 at EOF (every writer gone), or -errno (-EBADF once given away or closed). */
  read(buf: Uint8Array): Promise<number>;
  /** Writes to the program's stdin (waits for room). @returns bytes written or -errno (-EPIPE when it has exited). */
  write(buf: Uint8Array): Promise<number>;
  /** Drops the caller's reference (the reader sees EOF once the writers are gone). @returns 0 or -EBADF. */
  close(): Promise<number>;
}

/** What a program's descriptor 0, 1 or 2 is. */
export type RkLibcStdio = 'inherit' | 'pipe' | RkLibcStream;

const STDIO = ['stdin', 'stdout', 'stderr'] as const;

class LibcStream implements RkLibcStream {
  constructor(
    readonly owner: LibcPipes,
    readonly fd: number,
    readonly end: 'read' | 'write',
  ) {}
  async read(buf: Uint8Array): Promise<number> {
    const of = this.owner.held.get(this.fd);
    return of ? of.file.read(buf, of.flags) : -Errno.EBADF;
  }
  async write(buf: Uint8Array): Promise<number> {
    const of = this.owner.held.get(this.fd);
    return of ? of.file.write(buf, of.flags) : -Errno.EBADF;
  }
  async close(): Promise<number> {
    return this.owner.held.close(this.fd);
  }
}

/** The streams spawn hands out, as descriptors of a table of their own. */
export class LibcPipes {
  readonly held = new RkFdtab();

  constructor(private readonly sched: RkSched) {}

  /**
   * Checks `stdio` before anything is created. @throws RkError EBADF (a stream already given or
   * closed), EINVAL (a stream of another spawn API, or the wrong end: stdin takes a read end,
   * stdout/stderr a write end).
   */
  check(stdio: readonly RkLibcStdio[]): void {
    stdio.forEach((s, i) => {
      if (s === 'inherit' || s === 'pipe') return;
      if (!(s instanceof LibcStream) || s.owner !== this)
        throw new RkError(Errno.EINVAL, `spawn: ${STDIO[i]} is not a stream of this libc`);
      if (!this.held.get(s.fd))
        throw new RkError(
          Errno.EBADF,
          `spawn: the stream given as ${STDIO[i]} was already given to a program or closed`,
        );
      const want = i === 0 ? 'read' : 'write';
      if (s.end !== want)
        throw new RkError(
          Errno.EINVAL,
          `spawn: ${STDIO[i]} needs a ${want} end, got a ${s.end} end (another job's stdout is a read end: give it as stdin)`,
        );
    });
  }

  /**
   * Puts the program's side of `stdio` at descriptors 0–2 of `px` (a fresh process) and moves the
   * streams given. @returns the job's streams for `'pipe'` (null elsewhere).
   */
  attach(px: RkPosix, stdio: readonly RkLibcStdio[]): (RkLibcStream | null)[] {
    const given = new Set<LibcStream>();
    const mine = stdio.map((s, i): RkLibcStream | null => {
      if (s === 'inherit') return null;
      let fd: number;
      let ours: RkLibcStream | null = null;
      if (s === 'pipe') {
        const [r, w] = createPipe(() => this.sched.waitQueue());
        const [child, keep] = i === 0 ? [r, w] : [w, r];
        fd = px.fdtab.install(child, i === 0 ? O_RDONLY : O_WRONLY, false, i);
        const held = this.held.install(keep, i === 0 ? O_WRONLY : O_RDONLY);
        if (held < 0) throw new RkError(-held, `spawn: no descriptor for the ${STDIO[i]} stream`);
        ours = new LibcStream(this, held, i === 0 ? 'write' : 'read');
      } else {
        const st = s as LibcStream;
        fd = px.fdtab.installOpen(this.held.get(st.fd)!, false, i);
        given.add(st);
      }
      // A fresh process: descriptor i is free, so it lands there.
      if (fd !== i) throw new RkError(Errno.EBADF, `spawn: ${STDIO[i]} landed on descriptor ${fd}`);
      return ours;
    });
    for (const st of given) void this.held.close(st.fd);
    return mine;
  }
}
