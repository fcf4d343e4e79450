// FdtError: the one exception this package throws, naming the field, the byte offset and the reason.

/** A malformed blob, a failed lookup or a misused writer. */
export class FdtError extends Error {
  override readonly name = 'FdtError';
  /** Which field or item is at fault, e.g. `header.totalsize`, `struct`, `/soc/plic@c000000:reg`. */
  readonly field: string;
  /** Byte offset in the blob of the faulty item, or -1 when it has none (writer, lookups). */
  readonly offset: number;
  /** Why it is wrong, in words. */
  readonly reason: string;

  constructor(field: string, offset: number, reason: string) {
    super(
      offset >= 0
        ? `fdt: ${field} at 0x${offset.toString(16)}: ${reason}`
        : `fdt: ${field}: ${reason}`,
    );
    this.field = field;
    this.offset = offset;
    this.reason = reason;
  }
}

/** Hex rendering used in messages. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
