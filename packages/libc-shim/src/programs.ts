// Several programs in one image: the programs rk build embeds by name (package.json
// `runikraft.programs`), each run in a thread of its own under the scheduler, and the boot
// parameter `libc.start` — a command list (`httpd 8080 & fetch http://127.0.0.1:8080/`) saying which
// of them the image starts, with which arguments and environment, in the background or waited for.
import { Errno, errnoName, RkError } from '@runikraft/errno';
import {
  inheritStdio,
  O_APPEND,
  O_CREAT,
  O_RDONLY,
  O_TRUNC,
  O_WRONLY,
  type RkPosix,
} from '@runikraft/posix';
import { parseCommandList, type RkCommand, type RkRedirect } from '@runikraft/rkparam';
import type { RkSched, RkThread } from '@runikraft/rksched';
import type { WasiProgramSource } from './builds';
import { RkWasiError, type RunWasiOptions, type WasiRunResult } from './process';
import { LibcPipes, type RkLibcStdio, type RkLibcStream } from './stdio';

/** A program started in a thread of its own. */
export interface RkLibcJob {
  /** Its name (argv[0]). */
  readonly name: string;
  /** The thread running it (named after the program). */
  readonly thread: RkThread;
  /** Waits for it to exit (once or many times). @returns its exit status (127 could not start, 134 trapped). */
  wait(): Promise<number>;
  /** With `stdin: 'pipe'`: the write end of the program's stdin (close it for EOF). */
  readonly stdin: RkLibcStream | null;
  /** With `stdout: 'pipe'`: the read end of its stdout, to read or to give as another's `stdin`. */
  readonly stdout: RkLibcStream | null;
  /** With `stderr: 'pipe'`: the read end of its stderr. */
  readonly stderr: RkLibcStream | null;
}

export interface SpawnOptions extends RunWasiOptions {
  /** The thread's name (default: argv[0], else the program's name). */
  name?: string;
  /**
   * Descriptor 0: `'inherit'` (default: the console), `'pipe'` (a new pipe whose write end is
   * the job's `stdin`), or a stream — another job's `stdout`, which is given to this program (the
   * caller's reference is closed, as a shell closes its copy): `producer | consumer`.
   */
  stdin?: RkLibcStdio;
  /** Descriptor 1: `'inherit'`, `'pipe'` (the job's `stdout` is the read end), or a write end. */
  stdout?: RkLibcStdio;
  /** Descriptor 2, as `stdout`. */
  stderr?: RkLibcStdio;
  /**
   * A shell's redirections (`> /out`, `2>&1`, `< /in`), applied in order after `stdin`/`stdout`/
   * `stderr` and the console's 0–2 are in place, before the program starts. A file that cannot be
   * opened (or a descriptor to copy that is not open) is printed as `libc-shim: NAME: PATH: ERRNO`
   * and the job's status is 1 without running the program, as a shell reports it.
   */
  redirects?: readonly RkRedirect[];
}

export interface LibcProgramsDeps {
  run(program: WasiProgramSource, opts: RunWasiOptions): Promise<WasiRunResult>;
  sched: RkSched;
  /** A new POSIX process for a program (what runWasi makes when given none): stdio set up here. */
  process?(args: readonly string[], env: readonly string[]): RkPosix;
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
  private readonly pipes: LibcPipes;

  constructor(private readonly deps: LibcProgramsDeps) {
    this.pipes = new LibcPipes(deps.sched);
  }

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
   * the caller and every other program, with descriptors of its own and stdio on the console unless
   * `stdin`/`stdout`/`stderr` say otherwise.
   * Throws RkError ENOENT for a name no program has; EBADF for a stream already given or closed,
   * EINVAL for a stream of the wrong end (a write end as stdin) or stdio options without a process
   * factory; nothing starts then.
   */
  spawn(program: string | WasiProgramSource, opts: SpawnOptions = {}): RkLibcJob {
    const bytes = this.bytes(program);
    const { name: threadName, stdin, stdout, stderr, redirects = [], ...run } = opts;
    const argv0 = run.args?.[0] ?? (typeof program === 'string' ? program : 'program');
    const args = run.args ?? [argv0];
    const name = threadName ?? argv0;
    const stdio = [stdin ?? 'inherit', stdout ?? 'inherit', stderr ?? 'inherit'] as const;
    let process = run.process;
    let mine: (RkLibcStream | null)[] = [null, null, null];
    if (stdio.some((s) => s !== 'inherit') || redirects.length > 0) {
      if (process || !this.deps.process)
        throw new RkError(
          Errno.EINVAL,
          process
            ? 'spawn: stdin/stdout/stderr/redirects cannot be combined with a prepared process (give it the descriptors instead)'
            : 'spawn: stdin/stdout/stderr/redirects need a process factory (LibcProgramsDeps.process)',
        );
      this.pipes.check(stdio);
      process = this.deps.process(args, run.env ?? this.deps.env);
      mine = this.pipes.attach(process, stdio);
    }
    const made = process !== run.process ? process : undefined;
    const thread = this.deps.sched.spawn(name, async () => {
      try {
        if (redirects.length > 0 && process) {
          const failed = await redirect(process, redirects);
          if (failed) {
            this.deps.print(`libc-shim: ${argv0}: ${failed}\n`);
            return 1;
          }
        }
        return await runReported(this.deps, bytes, {
          ...run,
          args,
          ...(process ? { process } : {}),
        });
      } finally {
        // A program that could not start never had its process closed: its pipe ends go now, so
        // the programs at the other ends see EOF / EPIPE instead of waiting forever.
        await made?.exit();
      }
    });
    let done: Promise<number> | undefined;
    return {
      name,
      thread,
      wait: () => (done ??= this.deps.sched.join(thread)),
      stdin: mine[0]!,
      stdout: mine[1]!,
      stderr: mine[2]!,
    };
  }

  /**
   * Runs one command or pipeline of a list (`a | b | c`): each command's stdout into the next one's
   * stdin; the jobs in order.
   */
  private startPipeline(cmds: readonly RkCommand[]): RkLibcJob[] {
    const jobs: RkLibcJob[] = [];
    let input: RkLibcStream | null = null;
    for (const [i, c] of cmds.entries()) {
      const last = i === cmds.length - 1;
      const job = this.spawn(c.argv[0]!, {
        args: c.argv,
        env: [...this.deps.env, ...c.env],
        ...(input ? { stdin: input } : {}),
        ...(last ? {} : { stdout: 'pipe' as const }),
        ...(c.redirects ? { redirects: c.redirects } : {}),
      });
      input = job.stdout;
      jobs.push(job);
    }
    return jobs;
  }

  /**
   * What rk build's generated main calls for an image with several programs. With arguments after
   * `--` (`argv[1…]`), runs that one command (a program's name and its arguments) and returns its
   * status; without, runs `libc.start`'s command list: `;` waits for a command, `&` does not, `|`
   * joins a pipeline (its status is its last command's, as a shell's; waiting for it waits for
   * all of it). The status is the last waited-for command's; a list that waits for none (all `&`)
   * waits for all and returns the first non-zero status. Programs still running when the main
   * returns end with the machine. Every name is checked before anything starts: an unknown one is
   * printed, status 127.
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
    for (let i = 0; i < list.length; ) {
      let j = i;
      while (list[j]!.pipe) j++;
      const cmds = list.slice(i, j + 1);
      i = j + 1;
      const jobs = this.startPipeline(cmds);
      const last = jobs[jobs.length - 1]!;
      if (cmds[cmds.length - 1]!.background) {
        background.push(last);
        continue;
      }
      for (const job of jobs) await job.wait();
      status = await last.wait();
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

const OPEN_FLAGS = {
  '<': O_RDONLY,
  '>': O_WRONLY | O_CREAT | O_TRUNC,
  '>>': O_WRONLY | O_CREAT | O_APPEND,
} as const;

/**
 * Applies a command's redirections to its (fresh) process, left to right as a shell does, over the
 * console's 0–2 (so `2>&1` copies whatever descriptor 1 is by then). @returns null, or what failed
 * (`PATH: ENOENT`, `3: EBADF`); descriptors already redirected stay (the process closes them all).
 */
async function redirect(px: RkPosix, redirects: readonly RkRedirect[]): Promise<string | null> {
  await inheritStdio(px, [0, 1, 2]);
  for (const r of redirects) {
    if ('to' in r) {
      const fd = px.dup2(r.to, r.fd);
      if (fd < 0) return `${r.to}: ${errnoName(fd)}`;
      continue;
    }
    const fd = await px.open(r.path, OPEN_FLAGS[r.op]);
    if (fd < 0) return `${r.path}: ${errnoName(fd)}`;
    if (fd !== r.fd) {
      const to = px.dup2(fd, r.fd);
      await px.close(fd);
      if (to < 0) return `${r.fd}: ${errnoName(to)}`;
    }
  }
  return null;
}
