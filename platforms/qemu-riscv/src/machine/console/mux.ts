// QEMU's console multiplexer escapes (chardev/char-mux.c mux_proc_byte) for the `-nographic` console:
// Ctrl-A x quits, Ctrl-A h / ? prints help, Ctrl-A Ctrl-A sends one Ctrl-A, other escaped keys are eaten.

const ESC = 0x01;

export const MUX_HELP =
  '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  sends C-a\r\n';

export class MuxEscape {
  private gotEscape = false;

  /** Splits host input into bytes for the guest and escape commands; input after `x` is dropped. */
  feed(bytes: Uint8Array): { pass: Uint8Array; quit: boolean; help: boolean } {
    const pass: number[] = [];
    let help = false;
    for (const ch of bytes) {
      if (this.gotEscape) {
        this.gotEscape = false;
        if (ch === ESC) pass.push(ch);
        else if (ch === 0x78) return { pass: Uint8Array.from(pass), quit: true, help };
        else if (ch === 0x68 || ch === 0x3f) help = true;
      } else if (ch === ESC) this.gotEscape = true;
      else pass.push(ch);
    }
    return { pass: Uint8Array.from(pass), quit: false, help };
  }
}
