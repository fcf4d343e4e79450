// Several programs in one image: the programs rk build embeds by name (package.json
// `runikraft.programs`), each run in a thread of its own under the scheduler, and the boot
// parameter `libc.start` — a command list (`httpd 8080 & fetch http://127.0.0.1:8080/`) saying which
// of them the image starts, with which arguments and environment, in the background or waited for.
import { Errno, RkError } from '@runikraft/errno';
import { parseCommandList, type RkCommand } from '@runikraft/rkparam';
import type { RkSched, RkThread } from '@runikraft/rksched';
import type { WasiProgramSource } from './builds';
import { RkWasiError, type RunWasiOptions, type WasiRunResult } from './process';

/** A program started in a thread of its own. */
export interface RkLibcJob {
  /** Its name (argv[0]). */
  readonly name: string;
  /** The thread running it (named after the program). */
  readonly thread: RkThread;
  /** Waits for it to exit (once or many times). @returns its exit status (127 could not start, 134 trapped). */
  wait(): Promise<number>;
}

export interface SpawnOptions extends RunWasiOptions {
  /** The thread's name (default: argv[0], else the program's name). */
  name?: string;
}

export interface LibcProgramsDeps {
  run(program: WasiProgramSource, opts: RunWasiOptions): Promise<WasiRunResult>;
  sched: RkSched;
  /** Prints a line on the console. */
  print(text: string): void;
  /** The environment every program starts with (`libc.env`). */
  env: readonly string[];
  /** The command list of `libc.start`. */
  start: string;
}

/**
 * Runs a program to its exit like a shell would report it: a bad program or a trap is printed on
 * the console as `libc-shim: NAME: message` and becomes status 127 (could not start) or 134 (trap,
 * as a shell reports SIGABRT).
 */
export async function runReported(
  deps: Pick<LibcProgramsDeps, 'run' | 'print'>,
  program: WasiProgramSource,
  opts: RunWasiOptions,
): Promise<number> {
  try {
    return (await deps.run(program, opts)).status;
  } catch (e) {
    if (!(e instanceof RkWasiError)) throw e;
    deps.print(`libc-shim: ${opts.args?.[0] ?? 'program'}: ${e.message}\n`);
    return e.kind === 'trap' ? 134 : 127;
  }
}

/** The image's named programs. */
export class LibcPrograms {
  private readonly table = new Map<string, WasiProgramSource>();

  constructor(private readonly deps: LibcProgramsDeps) {}

  /** Adds a program under `name` (rk build's generated main does, for each of runikraft.programs). */
  define(name: string, program: WasiProgramSource): void {
    if (this.table.has(name))
      throw new RkError(Errno.EEXIST, `a program named '${name}' is already defined`);
    this.table.set(name, program);
  }

  /** The names of the defined programs, in definition order. */
  names(): string[] {
    return [...this.table.keys()];
  }

  private bytes(program: string | WasiProgramSource): WasiProgramSource {
    if (typeof program !== 'string') return program;
    const b = this.table.get(program);
    if (!b)
      throw new RkError(
        Errno.ENOENT,
        `no program named '${program}' (the image has: ${this.names().join(', ') || 'none'})`,
      );
    return b;
  }

  /**
   * Starts a program (a defined name or the bytes of one) in a new thread; it runs concurrently with
   * the caller and every other program, with descriptors of its own and stdio on the console.
   * Throws RkError ENOENT for a name no program has.
   */
  spawn(program: string | WasiProgramSource, opts: SpawnOptions = {}): RkLibcJob {
    const bytes = this.bytes(program);
    const { name: threadName, ...run } = opts;
    const argv0 = run.args?.[0] ?? (typeof program === 'string' ? program : 'program');
    const args = run.args ?? [argv0];
    const name = threadName ?? argv0;
    const thread = this.deps.sched.spawn(name, () =>
      runReported(this.deps, bytes, { ...run, args }),
    );
    let done: Promise<number> | undefined;
    return { name, thread, wait: () => (done ??= this.deps.sched.join(thread)) };
  }

  /**
   * What rk build's generated main calls for an image with several programs. With arguments after
   * `--` (`argv[1…]`), runs that one command (a program's name and its arguments) and returns its
   * status; without, runs `libc.start`'s command list: `;` waits for a command, `&` does not. The
   * status is the last waited-for command's; a list that waits for none (all `&`) waits for all and
   * returns the first non-zero status. Programs still running when the main returns end with the
   * machine. Every name is checked before anything starts: an unknown one is printed, status 127.
   */
  async main(argv: readonly string[]): Promise<number> {
    let list: RkCommand[];
    if (argv.length > 1) list = [{ env: [], argv: argv.slice(1), background: false }];
    else
      try {
        list = parseCommandList(this.deps.start);
      } catch (e) {
        this.deps.print(`libc-shim: libc.start: ${(e as Error).message}\n`);
        return 2;
      }
    const have = this.names().join(', ');
    if (list.length === 0) {
      this.deps.print(
        `libc-shim: no program to start: set libc.start (e.g. libc.start="${this.names()[0] ?? 'prog'} &") or name one after -- (the image has: ${have})\n`,
      );
      return 127;
    }
    const unknown = list.map((c) => c.argv[0]!).filter((n) => !this.table.has(n));
    if (unknown.length > 0) {
      this.deps.print(
        `libc-shim: ${unknown.map((n) => `'${n}'`).join(', ')}: no such program (the image has: ${have})\n`,
      );
      return 127;
    }
    let status: number | undefined;
    const background: RkLibcJob[] = [];
    for (const c of list) {
      const job = this.spawn(c.argv[0]!, { args: c.argv, env: [...this.deps.env, ...c.env] });
      if (c.background) background.push(job);
      else status = await job.wait();
    }
    if (status !== undefined) return status;
    let first = 0;
    for (const job of background) {
      const s = await job.wait();
      if (first === 0) first = s;
    }
    return first;
  }
}
