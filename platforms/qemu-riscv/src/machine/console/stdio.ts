// The `-nographic` console: the guest's UART on the process's stdin/stdout, stdin in raw mode when it is a
// terminal (restored at exit), with QEMU's mux escapes: Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A
// sends Ctrl-A (QEMU chardev/char-mux.c).
import type { ConsoleBackend, ConsoleSink } from './backend';
import { MUX_HELP, MuxEscape } from './mux';

const FLUSH_AT = 64 * 1024;

export class StdioConsole implements ConsoleBackend {
  private out: number[] = [];
  private flushScheduled = false;
  private readonly mux = new MuxEscape();
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
    const r = this.mux.feed(chunk);
    if (r.help) process.stdout.write(MUX_HELP);
    if (r.pass.length && this.sink) this.sink.input(r.pass);
    if (r.quit) {
      this.flush();
      process.stdout.write('QEMU: Terminated\n\r');
      this.sink?.quit();
    }
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
