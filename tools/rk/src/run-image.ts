// From `rk run` arguments to a booted machine: find (or build) the image, merge the app's machine
// defaults with the command line, create the machine and boot the image on it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { GuestImage, LoadImageOptions } from '@runikraft/plat-qemu-riscv/machine';
import type { AppMachineDefaults } from './app';
import { machineProblems } from './app-machine';
import { buildImage, readManifest, staleReason } from './build';
import type { CliIo } from './cli';
import { RkUsageError } from './errors';
import type { RkSerial } from './machine';
import {
  loadMachine,
  type MachineHandle,
  type RkConsole,
  type RkDeviceArgs,
  type RkMachineOptions,
} from './machine';
import type { ImageManifest } from './manifest';
import type { RunArgs } from './run-args';
import { parseSmp } from './run-smp';
import { parseQemuSize } from './size';

export interface LocatedImage {
  imagePath: string;
  manifest?: ImageManifest;
}

/**
 * Resolves `rk run`'s image argument: an image file, or an app directory (default: cwd) whose
 * image is built first when missing or stale.
 * @throws RkUsageError for a path that is neither, or a failing build.
 */
export async function locateImage(arg: string | undefined, io: CliIo): Promise<LocatedImage> {
  const path = resolve(arg ?? '.');
  if (!existsSync(path))
    throw new RkUsageError(
      `rk run: '${arg}' does not exist (give an image such as build/image.mjs or an app directory)`,
    );
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'package.json')))
      throw new RkUsageError(
        `rk run: '${arg ?? '.'}' is a directory without package.json: give an app directory or an image file`,
      );
    const why = staleReason(path);
    if (why) {
      io.err(`rk run: building ${relative(process.cwd(), path) || '.'} (${why})`);
      const { imagePath, manifest } = await buildImage(path);
      return { imagePath, manifest };
    }
    const imagePath = join(path, 'build', 'image.mjs');
    return { imagePath, manifest: readManifest(imagePath) };
  }
  return { imagePath: path, manifest: readManifest(path) };
}

function appMemory(v: AppMachineDefaults['memory']): number | undefined {
  if (v === undefined) return undefined;
  const bytes = typeof v === 'number' ? v * 2 ** 20 : parseQemuSize(v, 'm');
  if (bytes === undefined || bytes <= 0)
    throw new RkUsageError(
      `rk run: package.json "runikraft.machine.memory" is '${v}' (accepted: QEMU sizes such as "128M", "1G", or a number of MiB)`,
    );
  return Math.ceil(bytes / 8192) * 8192;
}

/**
 * The app's `runikraft.machine.smp` as a hart count. rk build checked it; an image built by an older
 * rk may still carry a bad value, which is named as the package.json field it came from.
 */
function appSmp(app: AppMachineDefaults): number | undefined {
  const p = machineProblems(app as Record<string, unknown>);
  if (p.length > 0)
    throw new RkUsageError(
      `rk run: the image's package.json defaults are bad (fix them and rebuild): ${p.map((x) => `${x.field}: ${x.message}`).join('; ')}`,
    );
  return typeof app.smp === 'string' ? parseSmp(app.smp) : app.smp;
}

/** Command line over the app's `runikraft.machine` defaults over QEMU's defaults. */
export function machineOptions(
  cli: RunArgs,
  app: AppMachineDefaults = {},
  /** The image's packed rootfs (`rk build` of runikraft.rootfs/), used when -initrd is not given. */
  packedInitrd?: string,
): RkMachineOptions {
  const pick = <T>(a: T | undefined, b: T | undefined, d: T): T =>
    a !== undefined ? a : b !== undefined ? b : d;
  const initrdFile = cli.initrd ?? packedInitrd;
  const initrd = initrdFile === undefined ? undefined : readInitrd(initrdFile);
  return {
    memory: pick(cli.memory, appMemory(app.memory), 128 * 2 ** 20),
    smp: pick(cli.smp, appSmp(app), 1),
    aclint: pick(cli.aclint, app.aclint, false),
    bios: pick(cli.bios, app.bios, 'default'),
    clock: pick(cli.clock, app.clock, 'host'),
    append: pick(cli.append, app.append, ''),
    virtioMmioForceLegacy: pick(cli.virtioMmioForceLegacy, undefined, true),
    ...(initrd ? { initrd } : {}),
    ...(cli.fwCfg ? { fwCfg: cli.fwCfg } : {}),
    ...rtcOptions(cli.rtc),
    ...(cli.hold ? { paused: true } : {}),
    ...(cli.noReboot ? { noReboot: true } : {}),
    ...(cli.noShutdown ? { noShutdown: true } : {}),
    ...(cli.name !== undefined ? { name: cli.name } : {}),
    ...(cli.log || cli.logfile
      ? { log: { items: cli.log ?? [], ...(cli.logfile ? { file: cli.logfile } : {}) } }
      : {}),
    monitor: monitorMode(cli),
    ...((cli.drive ?? app.drive) ? { drive: cli.drive ?? app.drive } : {}),
  };
}

/** `-rtc base=utc|localtime|DATE,clock=…` as the machine's RTC options (base=utc is the default). */
function rtcOptions(r: RunArgs['rtc']): Pick<RkMachineOptions, 'rtcEpochNs' | 'rtcClock'> {
  const out: Pick<RkMachineOptions, 'rtcEpochNs' | 'rtcClock'> = {};
  if (r?.clock) out.rtcClock = r.clock;
  if (typeof r?.base === 'bigint') out.rtcEpochNs = r.base;
  else if (r?.base === 'localtime') {
    // QEMU's localtime base: the host's wall-clock fields read as if they were UTC.
    const now = Date.now();
    out.rtcEpochNs = BigInt(now - new Date(now).getTimezoneOffset() * 60_000) * 1_000_000n;
  }
  return out;
}

/**
 * UART0's backend from -serial, -chardev and -nodefaults (QEMU: -nographic puts it on stdio unless
 * -nodefaults; `chardev:ID` takes that chardev's backend). @throws RkUsageError for an unknown chardev.
 */
export function serialConsole(cli: RunArgs): RkSerial {
  const s = cli.serial;
  if (s === undefined) return cli.nodefaults ? 'none' : 'stdio';
  if (s === 'mon:stdio') return 'stdio';
  if (typeof s === 'string') return s;
  if ('file' in s) return { file: s.file, append: false, flag: `-serial file:${s.file}` };
  if ('pipe' in s) return { pipe: s.pipe, flag: `-serial pipe:${s.pipe}` };
  const backend = cli.chardev?.[s.chardev];
  if (backend === undefined)
    throw new RkUsageError(
      `rk run: -serial chardev:${s.chardev}: could not connect serial device to character backend 'chardev:${s.chardev}' (no -chardev with id=${s.chardev})`,
    );
  if (typeof backend === 'object' && 'pipe' in backend)
    return { ...backend, flag: `-chardev pipe,id=${s.chardev},path=${backend.pipe}` };
  if (typeof backend === 'object')
    return { ...backend, flag: `-chardev file,id=${s.chardev},path=${backend.file}` };
  return backend === 'stdio' ? 'stdio' : 'none';
}

/**
 * Where the HMP monitor goes (QEMU -nographic: with neither -serial nor -monitor, the serial port is
 * mon:stdio; -serial mon:stdio muxes one in; -monitor stdio takes stdio alone). qtest runs have none.
 * @throws RkUsageError when the monitor and the serial port both want stdio.
 */
export function monitorMode(cli: RunArgs): 'none' | 'mux' | 'stdio' {
  if (cli.qtest) return 'none';
  if (cli.monitor === 'stdio') {
    if (serialConsole(cli) === 'stdio')
      throw new RkUsageError(
        `rk run: -monitor stdio: cannot use stdio by multiple character devices (the serial port is on stdio: use -serial mon:stdio to share it, switching with Ctrl-A c, or put the serial port elsewhere: -serial none|null|file:PATH)`,
      );
    return 'stdio';
  }
  if (cli.serial === 'mon:stdio') return 'mux';
  if (cli.serial === undefined && !cli.nodefaults && cli.monitor === undefined) return 'mux';
  return 'none';
}

function readInitrd(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new RkUsageError(
      `rk run: -initrd: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/** Creates the machine (no image booted yet). @throws RkUsageError for options the machine rejects. */
export async function createMachineFor(
  opts: RkMachineOptions,
  console: RkConsole = 'stdio',
): Promise<MachineHandle> {
  return (await loadMachine()).create(opts, console);
}

/**
 * Loads the image file as a guest image (compiled here, evaluated in the machine's guest realm at boot).
 * @throws RkUsageError when the machine cannot be loaded or the file is not a Runikraft image.
 */
export async function loadImageFile(
  imagePath: string,
  opts: LoadImageOptions = {},
): Promise<GuestImage> {
  const factory = await loadMachine();
  try {
    return factory.module.loadImage(imagePath, opts);
  } catch (e) {
    throw new RkUsageError(`rk run: ${(e as Error).message}`);
  }
}

/** Boots the image on `console` (default stdio) with `devices` plugged in. @returns the guest's exit status. */
export async function bootImageFile(
  imagePath: string,
  opts: RkMachineOptions,
  devices: RkDeviceArgs = {},
  console: RkSerial = 'stdio',
  load: LoadImageOptions = {},
): Promise<number> {
  const entry = await loadImageFile(imagePath, load);
  const factory = await loadMachine();
  const machine = factory.create(opts, console);
  const close = await factory.plugDevices(machine, devices);
  // Ctrl-C is the power switch: the machine powers off (status 0) and the device backends close in
  // order (host sockets of -netdev user, TAP bridges) instead of the host process dying under them.
  // A second Ctrl-C kills the process as usual.
  const onInterrupt = () => {
    process.stderr.write('\nrk run: interrupted (Ctrl-C): powering off\n');
    machine.machine.quit();
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await machine.boot(entry);
  } finally {
    process.off('SIGINT', onInterrupt);
    await close();
  }
}
