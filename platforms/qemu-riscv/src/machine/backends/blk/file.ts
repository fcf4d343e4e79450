// A raw host image file as a drive (`-drive file=disk.img,format=raw[,readonly=on]`): positional
// synchronous I/O; flush is fsync, so a flushed write has reached the host file.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { BlockBackend } from './backend';

export class FileBlockBackend extends BlockBackend {
  private fd: number | null;
  private readonly bytes: number;

  /** Opens `path`; throws a precise error (missing file, permissions) — a CLI-time failure. */
  constructor(
    id: string,
    readonly path: string,
    readOnly: boolean,
  ) {
    super(id, readOnly);
    try {
      this.fd = openSync(path, readOnly ? 'r' : 'r+');
    } catch (e) {
      throw new Error(
        `-drive id=${id}: cannot open '${path}' ${readOnly ? 'read-only' : 'read-write'}: ${(e as Error).message}`,
      );
    }
    this.bytes = fstatSync(this.fd).size;
  }

  get size(): number {
    return this.bytes;
  }

  protected doRead(offset: number, dst: Uint8Array): string | null {
    return this.io(() => {
      let done = 0;
      while (done < dst.length) {
        const n = readSync(this.fd!, dst, done, dst.length - done, offset + done);
        if (n === 0) {
          dst.fill(0, done);
          break;
        }
        done += n;
      }
    });
  }

  protected doWrite(offset: number, src: Uint8Array): string | null {
    return this.io(() => {
      let done = 0;
      while (done < src.length)
        done += writeSync(this.fd!, src, done, src.length - done, offset + done);
    });
  }

  protected doFlush(): string | null {
    return this.io(() => fsyncSync(this.fd!));
  }

  private io(fn: () => void): string | null {
    if (this.fd === null) return `drive ${this.id} is closed`;
    try {
      fn();
      return null;
    } catch (e) {
      return `${this.path}: ${(e as Error).message}`;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
