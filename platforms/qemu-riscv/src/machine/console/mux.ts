// QEMU's console multiplexer escapes (chardev/char-mux.c mux_proc_byte) for the `-nographic` console:
// Ctrl-A x quits, Ctrl-A h / ? prints help, Ctrl-A c switches between the serial port and the monitor
// (when one shares the console: -serial mon:stdio), Ctrl-A Ctrl-A sends one Ctrl-A, other escaped
// keys are eaten.

const ESC = 0x01;

export const MUX_HELP =
  '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  sends C-a\r\n';

/** The help with the monitor switch (QEMU prints every line; this model lists what it does). */
export const MUX_HELP_MONITOR =
  '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a c    switch between console and monitor\r\nC-a C-a  sends C-a\r\n';

/** One piece of host input: bytes for the focused frontend, or an escape command. */
export type MuxEvent = { bytes: Uint8Array } | { cmd: 'quit' | 'help' | 'switch' };

export class MuxEscape {
  private gotEscape = false;

  /** Splits host input into runs of bytes and escape commands, in order; input after `x` is dropped. */
  feed(bytes: Uint8Array): MuxEvent[] {
    const out: MuxEvent[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length) out.push({ bytes: Uint8Array.from(run) });
      run = [];
    };
    for (const ch of bytes) {
      if (this.gotEscape) {
        this.gotEscape = false;
        if (ch === ESC) run.push(ch);
        else if (ch === 0x78) {
          flush();
          out.push({ cmd: 'quit' });
          return out;
        } else if (ch === 0x68 || ch === 0x3f) {
          flush();
          out.push({ cmd: 'help' });
        } else if (ch === 0x63) {
          flush();
          out.push({ cmd: 'switch' });
        }
      } else if (ch === ESC) this.gotEscape = true;
      else run.push(ch);
    }
    flush();
    return out;
  }
}
