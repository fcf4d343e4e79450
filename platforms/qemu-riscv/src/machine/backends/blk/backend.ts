// Host block storage behind a virtio-blk device (QEMU's BlockBackend, `-drive`): synchronous
// byte-addressed I/O, flush to stable storage, and injectable errors for tests.

export type BlkOp = 'read' | 'write' | 'flush' | 'discard' | 'write-zeroes';

/** A rule that fails matching requests with an I/O error (QEMU blkdebug, simplified). */
export interface BlkErrorRule {
  readonly op?: BlkOp;
  /** Only requests touching `[offset, offset+length)`. */
  readonly offset?: number;
  readonly length?: number;
  /** Fail this many times (default: forever). */
  times?: number;
}

export abstract class BlockBackend {
  private rules: BlkErrorRule[] = [];
  readonly stats = { reads: 0, writes: 0, flushes: 0, errors: 0 };

  constructor(
    readonly id: string,
    readonly readOnly: boolean,
  ) {}

  /** Size in bytes. */
  abstract get size(): number;

  /** Adds an error-injection rule. */
  injectError(rule: BlkErrorRule): void {
    this.rules.push({ ...rule });
  }

  clearErrors(): void {
    this.rules = [];
  }

  /** Reads `dst.length` bytes at `offset`. @returns null or an error message. */
  read(offset: number, dst: Uint8Array): string | null {
    const bad = this.guard('read', offset, dst.length);
    if (bad) return bad;
    this.stats.reads++;
    return this.doRead(offset, dst);
  }

  /** Writes `src` at `offset`. @returns null or an error message ("read-only" included). */
  write(offset: number, src: Uint8Array): string | null {
    if (this.readOnly) return `drive ${this.id} is read-only`;
    const bad = this.guard('write', offset, src.length);
    if (bad) return bad;
    this.stats.writes++;
    return this.doWrite(offset, src);
  }

  /** Makes written data durable (fsync for files). */
  flush(): string | null {
    const bad = this.guard('flush', 0, 0);
    if (bad) return bad;
    this.stats.flushes++;
    return this.doFlush();
  }

  /** Writes zeroes over `[offset, offset+length)`; discard is the same for raw images. */
  writeZeroes(offset: number, length: number, op: BlkOp = 'write-zeroes'): string | null {
    if (this.readOnly) return `drive ${this.id} is read-only`;
    const bad = this.guard(op, offset, length);
    if (bad) return bad;
    const zero = new Uint8Array(Math.min(length, 1 << 20));
    for (let o = 0; o < length; o += zero.length) {
      const e = this.doWrite(offset + o, zero.subarray(0, Math.min(zero.length, length - o)));
      if (e) return e;
    }
    return null;
  }

  abstract close(): void;
  protected abstract doRead(offset: number, dst: Uint8Array): string | null;
  protected abstract doWrite(offset: number, src: Uint8Array): string | null;
  protected abstract doFlush(): string | null;

  private guard(op: BlkOp, offset: number, length: number): string | null {
    if (offset < 0 || offset + length > this.size)
      return `${op} [${offset}, +${length}) is past the end (${this.size})`;
    for (const r of this.rules) {
      if (r.op && r.op !== op) continue;
      if (
        r.offset !== undefined &&
        (offset + length <= r.offset || offset >= r.offset + (r.length ?? 1))
      )
        continue;
      if (r.times !== undefined) {
        if (r.times <= 0) continue;
        r.times--;
      }
      this.stats.errors++;
      return `injected I/O error on ${op} at ${offset}`;
    }
    return null;
  }
}
