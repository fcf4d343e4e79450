// The UART's host side (QEMU's chardev): bytes the guest transmits go out, host input comes in. A backend
// is attached to one machine at a time.

/** What the machine offers a console backend. */
export interface ConsoleSink {
  /** Host input for the UART's receiver. */
  input(bytes: Uint8Array): void;
  /** QEMU's `Ctrl-A x`: the machine exits with status 0. */
  quit(): void;
}

export interface ConsoleBackend {
  /** One byte transmitted by the UART (THR). */
  write(byte: number): void;
  /** Connects the receive side; called once when the machine is built. */
  attach(sink: ConsoleSink): void;
  /** Flushes buffered output. */
  flush(): void;
  /** Releases host resources (restores the terminal); the machine calls it at power-off. */
  close(): void;
}

/** Output to a callback (text, UTF-8) or nowhere; no input. */
export class CallbackConsole implements ConsoleBackend {
  private readonly decoder = new TextDecoder();
  constructor(private readonly out: ((text: string) => void) | null) {}
  write(byte: number): void {
    if (this.out) this.out(this.decoder.decode(new Uint8Array([byte]), { stream: true }));
  }
  attach(): void {}
  flush(): void {}
  close(): void {}
}
