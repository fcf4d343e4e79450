// `rk run`: boot an image on the machine with QEMU's command-line syntax (issue 2 §5).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppMachineDefaults } from './app';
import type { CliIo } from './cli';
import { RkUsageError } from './errors';
import { HELP } from './help';
import { loadMachine, type RkDeviceArgs } from './machine';
import { parseRunArgs, type RunArgs } from './run-args';
import { LOG_ITEMS } from './run-args-host';
import { bootImageFile, locateImage, machineOptions, serialConsole } from './run-image';
import { restartWithJspi, wantsJspiRestart } from './run-jspi';
import { applyPorts } from './run-nic';

/** The device lists: each one given on the command line replaces the app's default list. */
function deviceArgs(cli: RunArgs, app: AppMachineDefaults = {}): RkDeviceArgs {
  return applyPorts(
    {
      device: cli.device ?? app.device,
      netdev: cli.netdev ?? app.netdev,
      drive: cli.drive ?? app.drive,
      object: cli.object,
      fsdev: cli.fsdev ?? app.fsdev,
      virtfs: cli.virtfs ?? app.virtfs,
    },
    cli.ports,
  );
}

/** Runs `rk run <args>`. @returns the guest's exit status (0 for --help and dumpdtb). */
export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const cli = parseRunArgs(args);
  if (cli.help) {
    io.out(HELP.run);
    return 0;
  }
  if (cli.logHelp) {
    // QEMU's `-d help` layout: the item, padded to 16 columns, then what it logs.
    const rows = Object.entries(LOG_ITEMS).map(([k, v]) => `${k.padEnd(15)} ${v}`);
    io.out(`Log items (comma separated):\n${rows.join('\n')}`);
    return 0;
  }
  // dumpdtb needs no image; qtest boots one only when it is named and the hart is not held (-S).
  const needsImage = !cli.dumpdtb && !(cli.qtest && (cli.hold || cli.image === undefined));
  const located =
    needsImage || cli.image !== undefined ? await locateImage(cli.image, io) : undefined;
  if (located && !cli.qtest && !cli.dumpdtb && wantsJspiRestart(located.manifest, args))
    return restartWithJspi();
  for (const w of cli.warnings ?? []) io.err(`rk run: warning: ${w}`);
  const packed = located?.manifest?.initrd;
  const opts = machineOptions(
    cli,
    located?.manifest?.machine,
    packed && located ? join(dirname(located.imagePath), packed) : undefined,
  );
  const console = serialConsole(cli);
  if (cli.dumpdtb) {
    const factory = await loadMachine();
    const dtb = factory.dumpDtb(opts);
    // QEMU creates every -device (and its backends) before it dumps: a bad one fails the run.
    const close = await factory.plugDevices(null, deviceArgs(cli, located?.manifest?.machine));
    await close();
    try {
      writeFileSync(cli.dumpdtb, dtb);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new RkUsageError(
        `rk run: -machine dumpdtb: failed dumping dtb to ${cli.dumpdtb}: ${code}`,
      );
    }
    io.err(`rk run: info: dtb dumped to ${cli.dumpdtb}. Exiting.`);
    return 0;
  }
  if (cli.qtest)
    return (await import('./run-qtest')).serveQtest(
      deviceArgs(cli, located?.manifest?.machine),
      cli.qtest,
      opts,
      needsImage ? located?.imagePath : undefined,
      console,
    );
  if (cli.inspect) await (await import('./inspect')).openInspector(cli.inspect, io);
  return bootImageFile(
    located!.imagePath,
    opts,
    deviceArgs(cli, located?.manifest?.machine),
    console,
    cli.inspect ? { inspect: true, breakOnStart: cli.inspect.brk } : {},
  );
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
