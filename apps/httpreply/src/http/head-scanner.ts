// Finds the end of a request head in a growing byte buffer and applies nginx's header buffer
// limits exactly as nginx 1.22 lays lines out (client_header_buffer_size 1k, then up to
// large_client_header_buffers 4 × 8k, a line that does not fit moving whole to a fresh buffer):
// a request line that cannot be placed is 414, a header line 494. Resumable: bytes are scanned once.

/** nginx's header buffer settings (defaults 1024, 8192, 4). */
export interface HttpHeadLimits {
  readonly firstBuffer: number;
  readonly largeBuffer: number;
  readonly largeBuffers: number;
}

export const DEFAULT_HEAD_LIMITS: HttpHeadLimits = {
  firstBuffer: 1024,
  largeBuffer: 8192,
  largeBuffers: 4,
};

/**
 * Outcome of a scan: need more bytes; the request line [start, end) is complete (reported once, so
 * it can be judged before the headers arrive, as nginx does); the head [start, end) is complete; or
 * a size error.
 */
export type HeadScan =
  | { readonly kind: 'more' }
  | { readonly kind: 'line' | 'head'; readonly start: number; readonly end: number }
  | { readonly kind: 'error'; readonly status: 414 | 494 };

const LF = 10;
const CR = 13;

/** Scans one request head at a time; `reset(at)` starts the next one at offset `at`. */
export class HeadScanner {
  private start = 0;
  private pos = 0;
  private lineStart = 0;
  private requestLine = true;
  /** The simulated nginx buffer the current line starts in: its size, bytes used, large ones taken. */
  private cap: number;
  private used = 0;
  private large = 0;

  constructor(private readonly limits: HttpHeadLimits = DEFAULT_HEAD_LIMITS) {
    this.cap = limits.firstBuffer;
  }

  /** Forgets the current head; the next one begins at byte `at` of the buffer. */
  reset(at: number): void {
    this.start = this.pos = this.lineStart = at;
    this.requestLine = true;
    this.cap = this.limits.firstBuffer;
    this.used = this.large = 0;
  }

  /** Moves every offset down by `n` after the caller dropped `n` consumed bytes from the buffer. */
  shift(n: number): void {
    this.start -= n;
    this.pos -= n;
    this.lineStart -= n;
  }

  /** Continues scanning `buf[0, len)`. */
  scan(buf: Uint8Array, len: number): HeadScan {
    for (let i = this.pos; i < len; i++) {
      const c = buf[i];
      if (this.requestLine && i === this.start && (c === CR || c === LF)) {
        this.start = this.lineStart = i + 1; // empty lines before a request are skipped (RFC 9112 §2.2)
        continue;
      }
      if (c !== LF) continue;
      const lineLen = i + 1 - this.lineStart;
      if (!this.place(lineLen, true)) return this.tooLarge();
      this.used += lineLen;
      this.lineStart = this.pos = i + 1;
      if (this.requestLine) {
        this.requestLine = false;
        return { kind: 'line', start: this.start, end: i + 1 };
      }
      if (lineLen === 1 || (lineLen === 2 && buf[i - 1] === CR))
        return { kind: 'head', start: this.start, end: i + 1 };
    }
    this.pos = len;
    return this.fits(len - this.lineStart) ? { kind: 'more' } : this.tooLarge();
  }

  /**
   * Places a line of `n` bytes (complete when `whole`) where nginx would: in the current buffer if it
   * fits, else whole in the next large buffer. @returns false when nginx would refuse it.
   */
  private place(n: number, whole: boolean): boolean {
    if (this.used + n <= this.cap) return true;
    const { largeBuffer, largeBuffers } = this.limits;
    if (this.large === largeBuffers || n > largeBuffer || (!whole && n >= largeBuffer))
      return false;
    if (whole) {
      this.large++;
      this.cap = largeBuffer;
      this.used = 0;
    }
    return true;
  }

  /** Whether a partial line of `n` bytes can still be placed. */
  private fits(n: number): boolean {
    return this.place(n, false);
  }

  private tooLarge(): HeadScan {
    return { kind: 'error', status: this.requestLine ? 414 : 494 };
  }
}
