// The console's line discipline in canonical mode (Linux n_tty with the default termios: ICANON,
// ECHO, ECHOE, ECHOK, ICRNL, ISIG without signals). The host terminal of `rk run` is raw, as QEMU's
// is: it sends CR for Enter and shows only what the guest echoes, so line-reading programs (the
// sqlite3 shell, anything on fgets) need this to be usable by a person.

const CR = 0x0d;
const NL = 0x0a;
const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ERASE_ONE = enc('\b \b');

export class RkTtyLine {
  /** The line being edited. */
  private line: number[] = [];
  /** Finished input: lines (with their NL) and end-of-file marks (Ctrl-D on an empty line). */
  private readonly ready: (Uint8Array | null)[] = [];

  constructor(private readonly echo: (b: Uint8Array) => void) {}

  /** Takes bytes the terminal sent. */
  input(bytes: Uint8Array): void {
    for (let c of bytes) {
      if (c === CR) c = NL; // ICRNL
      switch (c) {
        case NL:
          this.line.push(NL);
          this.deliver();
          this.echo(enc('\r\n'));
          break;
        case 0x7f: // VERASE (DEL) and BS
        case 0x08:
          this.eraseChar();
          break;
        case 0x15: // VKILL (Ctrl-U)
          while (this.line.length > 0) this.eraseChar();
          break;
        case 0x17: // VWERASE (Ctrl-W): trailing blanks, then the word
          while (this.line.length > 0 && this.line[this.line.length - 1] === 0x20) this.eraseChar();
          while (this.line.length > 0 && this.line[this.line.length - 1] !== 0x20) this.eraseChar();
          break;
        case 0x04: // VEOF (Ctrl-D): the line so far without NL; on an empty line, end of file
          if (this.line.length === 0) this.ready.push(null);
          else this.deliver();
          break;
        case 0x03: // VINTR: no signals here, so the line is dropped as a shell would after ^C
          this.line = [];
          this.echo(enc('^C\r\n'));
          break;
        default:
          this.line.push(c);
          this.echo(c < 0x20 ? enc(`^${String.fromCharCode(c + 0x40)}`) : Uint8Array.of(c));
      }
    }
  }

  /** Whether a read would get something now (a finished line or an end-of-file mark). */
  hasInput(): boolean {
    return this.ready.length > 0;
  }

  /** Copies out up to one line. @returns the count, 0 at end of file, or null when none is ready. */
  read(buf: Uint8Array): number | null {
    const head = this.ready[0];
    if (head === undefined) return null;
    if (head === null) {
      this.ready.shift();
      return 0;
    }
    const n = Math.min(buf.length, head.length);
    buf.set(head.subarray(0, n));
    if (n === head.length) this.ready.shift();
    else this.ready[0] = head.subarray(n);
    return n;
  }

  private deliver(): void {
    this.ready.push(Uint8Array.from(this.line));
    this.line = [];
  }

  /** Removes one character (a whole UTF-8 sequence) and its echo (two cells for a ^X). */
  private eraseChar(): void {
    if (this.line.length === 0) return;
    let c = this.line.pop()!;
    while (c >= 0x80 && c < 0xc0 && this.line.length > 0) c = this.line.pop()!;
    this.echo(ERASE_ONE);
    if (c < 0x20) this.echo(ERASE_ONE);
  }
}
