// The seam between rk and the machine model (@runikraft/plat-qemu-riscv/machine), loaded lazily so
// that `rk build` and `rk ls` never load the hardware model.
import type { Machine, MachineOptions } from '@runikraft/plat-qemu-riscv/machine';
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
}

/** Where the UART's output goes: the terminal, nowhere, or a callback (tests, benchmarks). */
export type RkConsole = 'stdio' | 'none' | ((text: string) => void);

/** What rk needs of a machine. */
export interface MachineHandle {
  /** The machine itself, for qtest and statistics. */
  readonly machine: Machine;
  /** The flattened device tree the machine hands the kernel (what QEMU's dumpdtb writes). */
  dtb(): Uint8Array;
  /** Boots the image entry on hart 0. @returns the guest's exit status. */
  boot(entry: (...a: any[]) => Promise<void>): Promise<number>;
}

/** QEMU-style device arguments, checked and opened by the machine's createVirtioDevicesFromArgs. */
export interface RkDeviceArgs {
  device?: readonly string[];
  netdev?: readonly string[];
  drive?: readonly string[];
}

export interface MachineFactory {
  /** @throws RkUsageError naming the command-line flag when the machine rejects an option. */
  create(opts: RkMachineOptions, console: RkConsole): MachineHandle;
  /**
   * Plugs the `-device` list into `handle`'s virtio-mmio slots (the first takes slot 7, as on QEMU),
   * opening the `-netdev`/`-drive` backends. @returns a function closing the backends.
   * @throws RkUsageError naming the bad argument (nothing stays open).
   */
  plugDevices(handle: MachineHandle, args: RkDeviceArgs): Promise<() => Promise<void>>;
  /** The machine module (Machine, createQtestSession, serveQtest, ...). */
  readonly module: typeof import('@runikraft/plat-qemu-riscv/machine');
}

const FLAG: Record<string, string> = {
  memory: '-m',
  smp: '-smp',
  bios: '-bios',
  clock: '--clock',
  initrd: '-initrd',
};

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
      if (!args.device?.length && !args.netdev?.length && !args.drive?.length)
        return async () => {};
      let plan: Awaited<ReturnType<typeof mod.createVirtioDevicesFromArgs>>;
      try {
        plan = await mod.createVirtioDevicesFromArgs(args);
      } catch (e) {
        throw new RkUsageError(`rk run: ${(e as Error).message}`);
      }
      for (const d of plan.devices) handle.machine.plugVirtio(d.model, d.slot);
      return () => plan.close();
    },
    create(opts, console) {
      const { fwCfg, ...rest } = opts;
      const o: MachineOptions = { ...rest, console, fwCfg: fwCfgItems(mod, fwCfg ?? []) };
      let m: Machine;
      try {
        m = new mod.Machine(o);
      } catch (e) {
        const msg = (e as Error).message;
        const key = /^(\w+):/.exec(msg)?.[1];
        throw new RkUsageError(`rk run: ${key && FLAG[key] ? `${FLAG[key]}: ` : ''}${msg}`);
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
