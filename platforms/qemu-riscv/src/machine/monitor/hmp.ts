// A small HMP (QEMU's human monitor, monitor/hmp.c + util/readline.c): a line editor with echo, the
// `(qemu) ` prompt, and the commands the model can answer — info qtree/mtree/status/name, stop, cont,
// system_reset, quit, help. Output uses "\r\n" line ends as QEMU's monitor_puts does.

/** What the monitor asks of the machine. */
export interface HmpTarget {
  qtree(): string;
  mtree(): string;
  /** QEMU's runstate as `info status` words: "running", "paused", "paused (shutdown)", ... */
  status(): string;
  /** `-name`, or undefined. */
  name(): string | undefined;
  stop(): void;
  /** @returns an error message when the VM cannot continue (QEMU's "Resetting ... is required"). */
  cont(): string | undefined;
  systemReset(): void;
  quit(): void;
}

interface Command {
  names: string[];
  args: string;
  help: string;
  run(m: Hmp, arg: string): void;
}

const INFO: Command[] = [
  {
    names: ['mtree'],
    args: '',
    help: 'show memory tree',
    run: (m) => m.print(m.target.mtree()),
  },
  {
    names: ['name'],
    args: '',
    help: 'show the current VM name',
    run: (m) => {
      const n = m.target.name();
      if (n !== undefined) m.print(`${n}\n`);
    },
  },
  {
    names: ['qtree'],
    args: '',
    help: 'show device tree',
    run: (m) => m.print(m.target.qtree()),
  },
  {
    names: ['status'],
    args: '',
    help: 'show the current VM status (running|paused)',
    run: (m) => m.print(`VM status: ${m.target.status()}\n`),
  },
];

const COMMANDS: Command[] = [
  {
    names: ['cont', 'c'],
    args: '',
    help: 'resume emulation',
    run: (m) => {
      const err = m.target.cont();
      if (err) m.print(`Error: ${err}\n`);
    },
  },
  {
    names: ['help', '?'],
    args: '[cmd]',
    help: 'show the help',
    run: (m, arg) => m.help(arg),
  },
  {
    names: ['info'],
    args: '[subcommand]',
    help: 'show various information about the system state',
    run: (m, arg) => m.info(arg),
  },
  {
    names: ['quit', 'q'],
    args: '',
    help: 'quit the emulator',
    run: (m) => m.target.quit(),
  },
  { names: ['stop', 's'], args: '', help: 'stop emulation', run: (m) => m.target.stop() },
  {
    names: ['system_reset'],
    args: '',
    help: 'reset the system',
    run: (m) => m.target.systemReset(),
  },
];

const find = (table: Command[], name: string) => table.find((c) => c.names.includes(name));

/** QEMU's help line: `names args -- help` (two spaces before `--` when there are no args). */
const helpLine = (prefix: string, c: Command) =>
  `${prefix}${c.names.join('|')} ${c.args} -- ${c.help}\n`;

export const HMP_BANNER =
  "QEMU 7.2 monitor (Runikraft's virt model) - type 'help' for more information";
export const HMP_PROMPT = '(qemu) ';

export class Hmp {
  private line = '';
  private lastCr = false;
  private closed = false;

  constructor(
    readonly target: HmpTarget,
    private readonly out: (text: string) => void,
  ) {}

  /** Text for the terminal, with QEMU's "\n" → "\r\n". */
  print(text: string): void {
    if (!this.closed) this.out(text.replace(/\r?\n/g, '\r\n'));
  }

  /** The banner and first prompt (a monitor's CHR_EVENT_OPENED). */
  open(): void {
    this.print(`${HMP_BANNER}\n${HMP_PROMPT}`);
  }

  /** A muxed monitor regaining focus reprints its prompt (CHR_EVENT_MUX_IN). */
  refocus(): void {
    this.print(`\n${HMP_PROMPT}`);
  }

  /** No more output (the machine stopped). */
  close(): void {
    this.closed = true;
  }

  /** Keyboard input: printable bytes echo, backspace erases, CR or LF runs the line. */
  input(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.closed) return;
      const cr = this.lastCr;
      this.lastCr = b === 13;
      if (b === 10 && cr) continue; // CR LF is one Enter
      if (b === 13 || b === 10) {
        this.print('\n');
        const cmd = this.line;
        this.line = '';
        this.execute(cmd);
        if (!this.closed) this.print(HMP_PROMPT);
      } else if (b === 127 || b === 8) {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.print('\b \b');
        }
      } else if (b >= 32 && b < 127) {
        this.line += String.fromCharCode(b);
        this.print(String.fromCharCode(b));
      }
    }
  }

  /** Runs one command line (monitor/hmp.c handle_hmp_command). */
  execute(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const [name] = trimmed.split(/\s+/, 1);
    const arg = trimmed.slice(name.length).trim();
    const c = find(COMMANDS, name);
    if (!c) {
      this.print(`unknown command: '${name}'\n`);
      return;
    }
    if (c.args === '' && arg !== '') {
      this.extraneous(c, name);
      return;
    }
    c.run(this, arg);
  }

  private extraneous(c: Command, asTyped: string): void {
    this.print(
      `${c.names.join('|')}: extraneous characters at the end of line\nTry "help ${asTyped}" for more information\n`,
    );
  }

  info(arg: string): void {
    if (arg === '') {
      for (const c of INFO) this.print(helpLine('info ', c));
      return;
    }
    const [sub] = arg.split(/\s+/, 1);
    const c = find(INFO, sub);
    if (!c) {
      this.print(`unknown command: 'info ${sub}'\n`);
      return;
    }
    if (arg.slice(sub.length).trim() !== '') {
      this.extraneous(c, `info ${sub}`);
      return;
    }
    c.run(this, '');
  }

  help(arg: string): void {
    if (arg === '') {
      for (const c of COMMANDS) this.print(helpLine('', c));
      return;
    }
    const words = arg.split(/\s+/);
    if (words[0] === 'info' && words.length > 1) {
      const c = find(INFO, words[1]);
      if (c) this.print(helpLine('info ', c));
      else this.print(`unknown command: 'info ${words[1]}'\n`);
      return;
    }
    const c = find(COMMANDS, words[0]);
    if (!c) this.print(`unknown command: '${words[0]}'\n`);
    else if (c.names[0] === 'info') this.info('');
    else this.print(helpLine('', c));
  }
}
