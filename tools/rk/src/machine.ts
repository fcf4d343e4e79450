// The seam between rk and the machine model (@runikraft/plat-qemu-riscv/machine), loaded lazily so
// that `rk build` and `rk ls` never load the hardware model.
import type { GuestImage, Machine, MachineOptions } from '@runikraft/plat-qemu-riscv/machine';
import { RkUsageError } from './errors';

/** Machine options after merging the command line with the app's defaults. */
export interface RkMachineOptions {
  /** RAM bytes (`-m`). */
  memory: number;
  smp: number;
  aclint: boolean;
  bios: 'default' | 'none';
  clock: 'host' | 'virtual';
  append: string;
  virtioMmioForceLegacy: boolean;
  initrd?: Uint8Array;
  /** `-fw_cfg` arguments as given; the machine module parses them and reads their files. */
  fwCfg?: readonly string[];
  /** `-rtc base=`: the RTC at power-on, ns since the epoch (default: host time). */
  rtcEpochNs?: bigint;
  /** `-rtc clock=`. */
  rtcClock?: 'host' | 'rt' | 'vm';
  /** `-S`: the VM starts stopped (virtio-rng/net queues wait until the image boots). */
  paused?: boolean;
  /** `-no-reboot`: a guest reset ends the machine (reason `reset`, status 0). */
  noReboot?: boolean;
  /** `-no-shutdown`: a guest reset under -no-reboot stops the guest; the monitor's `quit` ends the run. */
  noShutdown?: boolean;
  /** `-name`. */
  name?: string;
  /** The HMP monitor: muxed into the stdio console, alone on stdio, or none. */
  monitor?: 'none' | 'mux' | 'stdio';
  /** `-d` items and `-D` file. */
  log?: { items: readonly ('guest_errors' | 'unimp')[]; file?: string };
  /** The `-drive` list; its `if=pflash` entries back the flash banks (the others are virtio-blk's). */
  drive?: readonly string[];
}

/** UART0's backend from the command line: stdio, nowhere, or a file (with the option that named it). */
export type RkSerial =
  | 'stdio'
  | 'none'
  | { file: string; append: boolean; flag: string }
  | { pipe: string; flag: string };

/** Where the UART's output goes: a command-line backend or a callback (tests, benchmarks). */
export type RkConsole = RkSerial | ((text: string) => void);

/** What rk needs of a machine. */
export interface MachineHandle {
  /** The machine itself, for qtest and statistics. */
  readonly machine: Machine;
  /** The flattened device tree the machine hands the kernel (what QEMU's dumpdtb writes). */
  dtb(): Uint8Array;
  /** Boots the image (in the machine's guest realm) on hart 0. @returns the guest's exit status. */
  boot(image: GuestImage): Promise<number>;
}

/** QEMU-style device arguments, checked and opened by the machine's createVirtioDevicesFromArgs. */
export interface RkDeviceArgs {
  device?: readonly string[];
  netdev?: readonly string[];
  drive?: readonly string[];
  /** `-object rng-random|rng-builtin,…` arguments. */
  object?: readonly string[];
  /** `-fsdev local,…` arguments (9P shares for virtio-9p-device,fsdev=). */
  fsdev?: readonly string[];
  /** `-virtfs local,…` arguments (a share and its virtio-9p device). */
  virtfs?: readonly string[];
}

export interface MachineFactory {
  /** @throws RkUsageError naming the command-line flag when the machine rejects an option. */
  create(opts: RkMachineOptions, console: RkConsole): MachineHandle;
  /**
   * The device tree `-machine dumpdtb` writes, without allocating guest RAM (any `-m`).
   * @throws RkUsageError naming the flag when the machine rejects an option.
   */
  dumpDtb(opts: RkMachineOptions): Uint8Array;
  /**
   * Plugs the `-device` list into `handle`'s virtio-mmio slots (the first takes slot 7, as on QEMU)
   * and its `virtio-*-pci` devices onto the PCIe bus (from 00:01.0, or at `addr=`),
   * opening the `-netdev`/`-drive`/`-object` backends; with a null handle only creates and checks them
   * (dumpdtb). @returns a function closing the backends.
   * @throws RkUsageError naming the bad argument (nothing stays open).
   */
  plugDevices(handle: MachineHandle | null, args: RkDeviceArgs): Promise<() => Promise<void>>;
  /** The machine module (Machine, createQtestSession, serveQtest, ...). */
  readonly module: typeof import('@runikraft/plat-qemu-riscv/machine');
}

const FLAG: Record<string, string> = {
  memory: '-m',
  smp: '-smp',
  bios: '-bios',
  clock: '--clock',
  initrd: '-initrd',
  rtcClock: '-rtc clock',
  monitor: '-monitor',
};

/** A machine option error as a usage error naming the command-line flag. */
function usage(e: unknown): RkUsageError {
  const msg = (e as Error).message;
  const key = /^(\w+):/.exec(msg)?.[1];
  return new RkUsageError(`rk run: ${key && FLAG[key] ? `${FLAG[key]}: ` : ''}${msg}`);
}

/** Loads the machine model. @throws RkUsageError when the platform package cannot be loaded. */
export async function loadMachine(): Promise<MachineFactory> {
  let mod: typeof import('@runikraft/plat-qemu-riscv/machine');
  try {
    mod = await import('@runikraft/plat-qemu-riscv/machine');
  } catch (e) {
    throw new RkUsageError(
      `rk run: cannot load the machine (@runikraft/plat-qemu-riscv/machine): ${(e as Error).message}; run pnpm install && pnpm build`,
    );
  }
  return {
    module: mod,
    async plugDevices(handle, args) {
      if (
        !args.device?.length &&
        !args.netdev?.length &&
        !args.drive?.length &&
        !args.object?.length &&
        !args.fsdev?.length &&
        !args.virtfs?.length
      )
        return async () => {};
      let plan: Awaited<ReturnType<typeof mod.createVirtioDevicesFromArgs>>;
      try {
        plan = await mod.createVirtioDevicesFromArgs(args);
      } catch (e) {
        throw new RkUsageError(`rk run: ${(e as Error).message}`);
      }
      if (handle)
        try {
          for (const d of plan.devices)
            if (d.pci) handle.machine.plugVirtioPci(d.model, d.pci, mod.qdevProps(d.spec));
            else handle.machine.plugVirtio(d.model, d.slot, mod.qdevProps(d.spec));
        } catch (e) {
          await plan.close();
          throw new RkUsageError(`rk run: ${(e as Error).message}`);
        }
      return () => plan.close();
    },
    dumpDtb(opts) {
      // The flash banks do not change the tree: dumpdtb opens no drive.
      const { fwCfg, drive: _flashDrives, ...rest } = opts;
      const o: MachineOptions = { ...rest, fwCfg: fwCfgItems(mod, fwCfg ?? []) };
      try {
        return mod.virtDumpDtb(o);
      } catch (e) {
        throw usage(e);
      }
    },
    create(opts, console) {
      const { fwCfg, drive, ...rest } = opts;
      const items = fwCfgItems(mod, fwCfg ?? []);
      let pflash: ReturnType<typeof mod.openPflashDrives>;
      try {
        pflash = mod.openPflashDrives(drive ?? []);
      } catch (e) {
        throw new RkUsageError(`rk run: ${(e as Error).message}`);
      }
      let uart: MachineOptions['console'];
      if (typeof console === 'object') {
        try {
          uart =
            'pipe' in console
              ? new mod.PipeConsole(console.pipe)
              : new mod.FileConsole(console.file, console.append);
        } catch (e) {
          for (const b of pflash) b?.close();
          throw new RkUsageError(
            `rk run: ${console.flag}: ${(e as Error).message}; could not connect serial device to character backend '${console.flag.replace(/^-serial /, '')}'`,
          );
        }
      } else uart = console;
      // A muxed monitor lives in the stdio console: with the UART elsewhere (a callback, a file,
      // nowhere) there is none to share.
      const monitor = rest.monitor === 'mux' && console !== 'stdio' ? 'none' : rest.monitor;
      const o: MachineOptions = { ...rest, monitor, console: uart, fwCfg: items, pflash };
      let m: Machine;
      try {
        m = new mod.Machine(o);
      } catch (e) {
        for (const b of pflash) b?.close();
        if (typeof uart === 'object') uart.close();
        const msg = (e as Error).message;
        if (opts.log?.file && msg.startsWith('Error opening logfile'))
          throw new RkUsageError(`rk run: -D ${opts.log.file}: ${msg}`);
        throw usage(e);
      }
      return {
        machine: m,
        dtb: () => m.dtb(),
        boot: async (entry) => (await m.boot(entry)).status,
      };
    },
  };
}

/** Parses `-fw_cfg` arguments, printing QEMU's warning for names outside `opt/`. @throws RkUsageError. */
function fwCfgItems(
  mod: typeof import('@runikraft/plat-qemu-riscv/machine'),
  args: readonly string[],
): NonNullable<MachineOptions['fwCfg']> {
  return args.map((a) => {
    let r: ReturnType<typeof mod.parseFwCfgArg>;
    try {
      r = mod.parseFwCfgArg(a);
    } catch (e) {
      throw new RkUsageError(`rk run: ${(e as Error).message}`);
    }
    if (r.warning) process.stderr.write(`rk run: -fw_cfg ${a}: warning: ${r.warning}\n`);
    return r.item;
  });
}
