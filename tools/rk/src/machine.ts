// The seam between rk and the machine model (@runikraft/plat-qemu-riscv/machine), loaded lazily so
// that `rk build` and `rk ls` never load the hardware model.
import { RkUsageError } from './errors';
import type { QtestTarget } from './qtest';

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
}

/** What rk needs of a machine. */
export interface MachineHandle {
  /** The flattened device tree the machine hands the kernel (what QEMU's dumpdtb writes). */
  dtb(): Uint8Array;
  /** Boots the image entry on hart 0. @returns the guest's exit status. */
  boot(entry: (...a: any[]) => Promise<void>): Promise<number>;
  qtest: QtestTarget;
}

/** Where the UART's output goes: the terminal, nowhere, or a callback (tests, benchmarks). */
export type RkConsole = 'stdio' | 'none' | ((text: string) => void);

export interface MachineFactory {
  create(opts: RkMachineOptions, console: RkConsole): MachineHandle;
}

/** Loads the machine model. @throws RkUsageError when the platform package is not installed or built. */
export async function loadMachine(): Promise<MachineFactory> {
  let mod: Record<string, any>;
  try {
    mod = await import('@runikraft/plat-qemu-riscv/machine');
  } catch (e) {
    throw new RkUsageError(
      `rk run: cannot load the machine (@runikraft/plat-qemu-riscv/machine): ${(e as Error).message}; run pnpm install && pnpm build`,
    );
  }
  const Machine = mod.Machine;
  return {
    create(opts, console) {
      let m: any;
      try {
        m = new Machine({ ...opts, console });
      } catch (e) {
        throw new RkUsageError(`rk run: ${(e as Error).message}`);
      }
      return {
        dtb: () => m.dtb(),
        boot: async (entry) => (await m.boot(entry)).status,
        qtest: m.qtest,
      };
    },
  };
}
