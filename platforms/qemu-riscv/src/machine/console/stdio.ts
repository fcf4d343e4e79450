// The `-nographic` console: the guest's UART on the process's stdin/stdout, stdin in raw mode when it is a
// terminal (restored at exit), with QEMU's mux escapes: Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A
// sends Ctrl-A (QEMU chardev/char-mux.c). With a monitor muxed in (-serial mon:stdio) Ctrl-A c moves
// the keyboard between the UART and the monitor; output of both goes out in order. In 'monitor' mode
// stdio carries only a monitor (-monitor stdio): no escapes, every key is the monitor's.
import type { ConsoleBackend, ConsoleSink } from './backend';
import { MUX_HELP, MUX_HELP_MONITOR, MuxEscape } from './mux';
import { OutputBuffer } from './output';

/** A monitor's side of a character device (QEMU's chardev frontend events). */
export interface MonitorFrontend {
  input(bytes: Uint8Array): void;
  /** First focus: banner and prompt. */
  open(): void;
  /** Focus back from the UART: the prompt again. */
  refocus(): void;
}

export type StdioMode = 'serial' | 'mux' | 'monitor';

export class StdioConsole implements ConsoleBackend {
  private readonly out = new OutputBuffer((b) => process.stdout.write(b));
  private readonly mux = new MuxEscape();
  private sink: ConsoleSink | null = null;
  private monitor: MonitorFrontend | null = null;
  private focus: 'serial' | 'monitor' = 'serial';
  private monitorOpened = false;
  private listening = false;
  private rawSet = false;
  private readonly onData = (chunk: Buffer) => this.fromHost(chunk);
  private readonly restore = () => this.restoreTty();

  constructor(readonly mode: StdioMode = 'serial') {}

  write(byte: number): void {
    this.out.push(byte);
  }

  /** Text from the monitor, in order with the UART's bytes. */
  private writeText(text: string): void {
    for (const b of Buffer.from(text, 'utf8')) this.write(b);
  }

  flush(): void {
    this.out.flush();
  }

  attach(sink: ConsoleSink): void {
    this.sink = sink;
    this.listen();
  }

  /**
   * Connects a monitor (modes 'mux' and 'monitor'): in 'monitor' mode it has the keyboard and opens at
   * once; muxed it opens on the first Ctrl-A c. @returns where the monitor writes.
   */
  attachMonitor(m: MonitorFrontend): (text: string) => void {
    if (this.mode === 'serial')
      throw new Error('stdio console: no monitor on a serial-only console');
    this.monitor = m;
    if (this.mode === 'monitor') {
      this.focus = 'monitor';
      this.monitorOpened = true;
      m.open();
    }
    this.listen();
    return (t) => this.writeText(t);
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
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
    if (this.mode === 'monitor') {
      this.monitor?.input(chunk);
      return;
    }
    for (const ev of this.mux.feed(chunk)) {
      if ('bytes' in ev) {
        if (this.focus === 'monitor') this.monitor?.input(ev.bytes);
        else this.sink?.input(ev.bytes);
      } else if (ev.cmd === 'help') this.writeText(this.monitor ? MUX_HELP_MONITOR : MUX_HELP);
      else if (ev.cmd === 'switch') this.switchFocus();
      else {
        this.flush();
        process.stdout.write('QEMU: Terminated\n\r');
        this.sink?.quit();
      }
    }
  }

  private switchFocus(): void {
    const m = this.monitor;
    if (!m) return;
    this.focus = this.focus === 'serial' ? 'monitor' : 'serial';
    if (this.focus === 'serial') return;
    if (this.monitorOpened) m.refocus();
    else {
      this.monitorOpened = true;
      m.open();
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
