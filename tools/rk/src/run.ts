// `rk run`: boot an image on the machine with QEMU's command-line syntax (issue 2 §5).
import { writeFileSync } from 'node:fs';
import type { CliIo } from './cli';
import { HELP } from './help';
import { parseRunArgs } from './run-args';
import { bootImageFile, createMachineFor, locateImage, machineOptions } from './run-image';
import { serveQtest } from './run-qtest';

/** Runs `rk run <args>`. @returns the guest's exit status (0 for --help and dumpdtb). */
export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const cli = parseRunArgs(args);
  if (cli.help) {
    io.out(HELP.run);
    return 0;
  }
  const needsImage = !cli.dumpdtb && !(cli.qtest && cli.hold);
  const located =
    needsImage || cli.image !== undefined ? await locateImage(cli.image, io) : undefined;
  const opts = machineOptions(cli, located?.manifest?.machine);
  if (cli.dumpdtb) {
    const machine = await createMachineFor(opts);
    writeFileSync(cli.dumpdtb, machine.dtb());
    io.err(`rk run: info: dtb dumped to ${cli.dumpdtb}. Exiting.`);
    return 0;
  }
  if (cli.qtest) return serveQtest(cli.qtest, opts, cli.hold ? undefined : located?.imagePath);
  return bootImageFile(located!.imagePath, opts);
}

/**
 * Boots an image file or app directory as `rk run` would, with QEMU-syntax `argv`.
 * @returns the guest's exit status. @throws RkUsageError for bad arguments or a failing build.
 */
export function runImage(image: string, argv: readonly string[] = [], io?: CliIo): Promise<number> {
  return runCommand(
    [image, ...argv],
    io ?? {
      out: (t) => process.stdout.write(`${t}\n`),
      err: (t) => process.stderr.write(`${t}\n`),
    },
  );
}
