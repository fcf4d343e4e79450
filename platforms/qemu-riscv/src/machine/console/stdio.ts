// The `-nographic` console: the guest's UART on the process's stdin/stdout, stdin in raw mode when it is a
// terminal (restored at exit), with QEMU's mux escapes: Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A
// sends Ctrl-A (QEMU chardev/char-mux.c).
import type { ConsoleBackend, ConsoleSink } from './backend';

const ESC = 0x01;
const HELP = '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  sends C-a\r\n';
const FLUSH_AT = 64 * 1024;

export class StdioConsole implements ConsoleBackend {
  private out: number[] = [];
  private flushScheduled = false;
  private gotEscape = false;
  private sink: ConsoleSink | null = null;
  private rawSet = false;
  private readonly onData = (chunk: Buffer) => this.fromHost(chunk);
  private readonly restore = () => this.restoreTty();

  write(byte: number): void {
    this.out.push(byte);
    if (this.out.length >= FLUSH_AT) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0) return;
    process.stdout.write(Buffer.from(this.out));
    this.out = [];
  }

  attach(sink: ConsoleSink): void {
    this.sink = sink;
    const stdin = process.stdin;
    if (stdin.isTTY) {
      stdin.setRawMode(true);
      this.rawSet = true;
      process.once('exit', this.restore);
    }
    stdin.on('data', this.onData);
    stdin.resume();
  }

  private fromHost(chunk: Buffer): void {
    const pass: number[] = [];
    for (const ch of chunk) {
      if (this.gotEscape) {
        this.gotEscape = false;
        if (ch === ESC) pass.push(ch);
        else if (ch === 0x78 /* x */) {
          this.flushTo(pass);
          process.stdout.write('QEMU: Terminated\n\r');
          this.sink?.quit();
          return;
        } else if (ch === 0x68 /* h */ || ch === 0x3f /* ? */) process.stdout.write(HELP);
      } else if (ch === ESC) this.gotEscape = true;
      else pass.push(ch);
    }
    this.flushTo(pass);
  }

  private flushTo(pass: number[]): void {
    if (pass.length && this.sink) this.sink.input(Uint8Array.from(pass));
    pass.length = 0;
  }

  private restoreTty(): void {
    if (this.rawSet && process.stdin.isTTY) process.stdin.setRawMode(false);
    this.rawSet = false;
  }

  close(): void {
    this.flush();
    process.stdin.off('data', this.onData);
    process.stdin.pause();
    this.restoreTty();
    process.off('exit', this.restore);
  }
}
