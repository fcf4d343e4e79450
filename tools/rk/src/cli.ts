// rk's command-line front: verb dispatch, --help on every verb, --version, error printing.
// Each verb's code is imported only when that verb runs, so `rk --version` and `rk run` do not load
// esbuild or the resolver.
import { RkUsageError } from './errors';
import { HELP } from './help';
import { RK_VERSION } from './version';

/** Where the CLI writes; the bin passes process streams, tests pass buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

function buildArgs(args: string[]): {
  dir: string;
  outDir?: string;
  quiet: boolean;
  typecheck: boolean;
  asyncify?: false;
} {
  let dir: string | undefined;
  let outDir: string | undefined;
  let quiet = false;
  let typecheck = true;
  let asyncify = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--no-typecheck') typecheck = false;
    else if (a === '--no-asyncify') asyncify = false;
    else if (a === '--out-dir') {
      outDir = args[++i];
      if (outDir === undefined)
        throw new RkUsageError("rk build: option '--out-dir' needs a directory");
    } else if (a.startsWith('--out-dir=')) outDir = a.slice(10);
    else if (a.startsWith('-'))
      throw new RkUsageError(
        `rk build: unsupported option '${a}' (supported: --out-dir DIR, --no-typecheck, --no-asyncify, --quiet, --help)`,
      );
    else if (dir !== undefined)
      throw new RkUsageError(
        `rk build: unexpected argument '${a}': give one app directory (already have '${dir}')`,
      );
    else dir = a;
  }
  return {
    dir: dir ?? '.',
    quiet,
    typecheck,
    ...(outDir ? { outDir } : {}),
    ...(asyncify ? {} : { asyncify }),
  };
}

/**
 * Runs one rk command line.
 * @returns the process exit status: 0 on success, the guest's status for `rk run`, 1 for errors, 2 for usage.
 */
export async function rkMain(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [verb, ...args] = argv;
  try {
    if (verb === undefined || verb === '--help' || verb === '-h') {
      io.out(HELP.rk);
      return verb === undefined ? 2 : 0;
    }
    if (verb === '--version' || verb === '-V') {
      io.out(`rk ${RK_VERSION}`);
      return 0;
    }
    if (verb === 'help') {
      const topic = args[0] ?? 'rk';
      if (!HELP[topic])
        throw new RkUsageError(
          `rk help: unknown verb '${topic}' (verbs: build, run, ls, config)`,
          2,
        );
      io.out(HELP[topic]);
      return 0;
    }
    if (!(verb in HELP) || verb === 'rk')
      throw new RkUsageError(
        `rk: unknown verb '${verb}' (verbs: build, run, ls, config, help; see rk --help)`,
        2,
      );
    if (verb !== 'run' && wantsHelp(args)) {
      io.out(HELP[verb]);
      return 0;
    }
    switch (verb) {
      case 'build': {
        const a = buildArgs(args);
        await (await import('./build')).buildImage(a.dir, {
          ...(a.outDir ? { outDir: a.outDir } : {}),
          ...(a.quiet ? {} : { log: io.out }),
          typecheck: a.typecheck,
          ...(a.asyncify === false ? { asyncify: false } : {}),
        });
        return 0;
      }
      case 'ls':
      case 'config': {
        const extra = args.filter((a) => a.startsWith('-'));
        if (extra.length > 0)
          throw new RkUsageError(
            `rk ${verb}: unsupported option '${extra[0]}' (supported: --help)`,
            2,
          );
        if (args.length > 1)
          throw new RkUsageError(
            `rk ${verb}: unexpected argument '${args[1]}': give one app directory`,
            2,
          );
        io.out((await import('./ls')).listComposition(args[0] ?? '.'));
        return 0;
      }
      default:
        return await (await import('./run')).runCommand(args, io);
    }
  } catch (e) {
    if (e instanceof RkUsageError) {
      io.err(e.message);
      return e.exitCode;
    }
    throw e;
  }
}
