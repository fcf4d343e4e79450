// `-serial file:PATH` (`-chardev file,id=…,path=…`): the UART's output appended to a file (QEMU's
// char-file opens it O_WRONLY|O_CREAT|O_TRUNC, or O_APPEND with append=on); no input.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ConsoleBackend } from './backend';
import { OutputBuffer } from './output';

export class FileConsole implements ConsoleBackend {
  private fd: number | null;
  private readonly out = new OutputBuffer((b) => {
    for (let off = 0; off < b.length && this.fd !== null; ) off += writeSync(this.fd, b, off);
  });

  /** @throws Error "Could not open 'PATH': <reason>" (QEMU's words) when the file cannot be opened. */
  constructor(
    readonly path: string,
    append = false,
  ) {
    try {
      this.fd = openSync(path, append ? 'a' : 'w', 0o666);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new Error(`Could not open '${path}': ${describeErrno(err)}`);
    }
  }

  write(byte: number): void {
    this.out.push(byte);
  }

  attach(): void {}

  flush(): void {
    this.out.flush();
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** `-D FILE`: log lines written through to a file (created or truncated), one per line. */
export class FileLog {
  private fd: number | null;

  /** @throws Error "Error opening logfile PATH: <reason>" (QEMU's words). */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w', 0o666);
    } catch (e) {
      throw new Error(
        `Error opening logfile ${path}: ${describeErrno(e as NodeJS.ErrnoException)}`,
      );
    }
  }

  write(line: string): void {
    if (this.fd !== null) writeSync(this.fd, `${line}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** strerror-style text for the usual open failures. */
export function describeErrno(e: NodeJS.ErrnoException): string {
  const text: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    EROFS: 'Read-only file system',
    ENOTDIR: 'Not a directory',
  };
  return (e.code && text[e.code]) ?? e.message;
}
