// Output bytes gathered and handed to the host in chunks: at 64 KiB, on flush, or on the next host
// turn (so a burst of UART writes costs one host write).

const FLUSH_AT = 64 * 1024;

export class OutputBuffer {
  private out: number[] = [];
  private scheduled = false;

  constructor(private readonly sink: (bytes: Buffer) => void) {}

  push(byte: number): void {
    this.out.push(byte);
    if (this.out.length >= FLUSH_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.out.length === 0) return;
    const b = Buffer.from(this.out);
    this.out = [];
    this.sink(b);
  }
}
