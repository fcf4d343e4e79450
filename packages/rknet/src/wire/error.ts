// The error a wire parser returns (never throws) for bytes it rejects: protocol, field and reason,
// as STYLE.md asks. A plain class, not an Error: parsers run on every received frame and under
// fuzzing, and capturing a stack trace per rejected packet would dominate their cost.

/** Why a wire parser rejected some bytes. */
export class RkWireError {
  constructor(
    /** The protocol whose bytes were wrong ("ipv4", "udp", ...). */
    readonly protocol: string,
    /** The field at fault ("total length", "checksum", ...). */
    readonly field: string,
    /** What was wrong with it, with the values seen. */
    readonly reason: string,
  ) {}

  get message(): string {
    return `${this.protocol}: ${this.field}: ${this.reason}`;
  }

  toString(): string {
    return this.message;
  }
}

/** True when a parser's result is an error. */
export function isWireError(x: unknown): x is RkWireError {
  return x instanceof RkWireError;
}

/** An RkWireError when `buf` is shorter than `need` bytes, else null. */
export function needBytes(
  protocol: string,
  field: string,
  buf: Uint8Array,
  need: number,
): RkWireError | null {
  return buf.length < need
    ? new RkWireError(protocol, field, `${buf.length} bytes, need at least ${need}`)
    : null;
}
