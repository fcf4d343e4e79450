// An in-memory console for tests and benchmarks: everything the guest prints is kept in `output`
// (UTF-8 text) and `bytes`; `input()` types into the UART.
import type { ConsoleBackend, ConsoleSink } from './backend';

export class BufferConsole implements ConsoleBackend {
  private chunks: number[] = [];
  private sink: ConsoleSink | null = null;
  private readonly early: Uint8Array[] = [];

  /** Everything transmitted so far, as bytes. */
  get bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  /** Everything transmitted so far, decoded as UTF-8. */
  get output(): string {
    return new TextDecoder().decode(this.bytes);
  }

  /** Forgets the output collected so far. */
  clear(): void {
    this.chunks = [];
  }

  /** Sends bytes (or a string, as UTF-8) to the guest's UART receiver. */
  input(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.sink) this.sink.input(bytes);
    else this.early.push(bytes);
  }

  write(byte: number): void {
    this.chunks.push(byte);
  }

  attach(sink: ConsoleSink): void {
    this.sink = sink;
    for (const b of this.early.splice(0)) sink.input(b);
  }

  flush(): void {}
  close(): void {}
}
