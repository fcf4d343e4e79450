// Machine options (the QEMU command line this model understands) and how a run ends.
import type { BlockBackend } from './backends/blk/backend';
import type { ConsoleBackend } from './console/backend';
import type { MonitorFrontend } from './console/stdio';
import { checkUserItem, type FwCfgUserItem } from './devices/fw-cfg-items';

export interface MachineOptions {
  /**
   * `-m`: RAM bytes at 0x80000000 (default 128 MiB; a multiple of 4 KiB from 8 KiB; over 2 MiB with the
   * SBI firmware). Above 4 GiB only the device tree can be had (virtDumpDtb): RAM is one typed array.
   */
  memory?: number;
  /** `-smp`: harts (default 1). Hart 0 runs the image; the others wait in HSM STOPPED. */
  smp?: number;
  /** `-bios`: 'default' = SBI firmware, kernel in S-mode; 'none' = kernel in M-mode at 0x80000000. */
  bios?: 'default' | 'none';
  /** mtime source: 'host' (monotonic) or 'virtual' (advances only while every hart halts). Default host. */
  clock?: 'host' | 'virtual';
  /** `-append`: /chosen/bootargs. */
  append?: string;
  /** `-initrd`: copied to kernel entry + min(RAM/2, 128 MiB). */
  initrd?: Uint8Array;
  /** `-machine virt,aclint=on`. */
  aclint?: boolean;
  /**
   * The UART's backend: 'stdio' (default, QEMU -nographic), 'none', a callback receiving output text,
   * or a backend object such as BufferConsole.
   */
  console?: 'stdio' | 'none' | ((text: string) => void) | ConsoleBackend;
  /** `-global virtio-mmio.force-legacy=…`: true (QEMU's default) = Version 1, false = Version 2. */
  virtioForceLegacy?: boolean;
  /** Alias of virtioForceLegacy (the rk CLI's name). */
  virtioMmioForceLegacy?: boolean;
  /** Seed of /chosen/rng-seed: 32 bytes used as the first seed, other lengths hashed. Default random. */
  rngSeed?: Uint8Array;
  /** goldfish RTC at power-on, ns since the epoch. Default: host time, or 2025-01-01 with the virtual clock. */
  rtcEpochNs?: bigint;
  /**
   * `-rtc clock=`: what the RTC follows. 'host'/'rt' = host time, running even while the machine is held
   * (qtest); 'vm' = the machine clock. Default 'host', or 'vm' with the virtual clock (determinism).
   */
  rtcClock?: 'host' | 'rt' | 'vm';
  /** Offer SBI DBCN (SBI 2.0). Default true; false = exactly OpenSBI v1.1's extension set and version. */
  sbiDbcn?: boolean;
  /** `-fw_cfg name=...,file=|string=`: user items in the fw_cfg file directory (parseFwCfgArg reads them). */
  fwCfg?: readonly FwCfgUserItem[];
  /**
   * `-drive if=pflash,unit=N`: backings of flash bank 0 (0x20000000) and 1 (0x22000000), each exactly
   * 32 MiB (`openPflashDrives` opens them). The machine owns them and closes them when it stops.
   * As on QEMU, bank 0 makes the boot ROM jump to 0x20000000 and bank 1 is the firmware's next stage.
   */
  pflash?: readonly (BlockBackend | null | undefined)[];
  /**
   * `-S`: the VM starts stopped — virtio-rng and virtio-net leave their queues alone (QEMU's
   * vm_running checks) until `boot()` starts it. Default false (qtest without -S: the VM runs).
   */
  paused?: boolean;
  /** `-no-reboot`: a guest reset (finisher RESET, SBI SRST reboot) ends the machine instead of restarting it. */
  noReboot?: boolean;
  /**
   * `-no-shutdown`: a shutdown request — in QEMU 7.2 on virt only a guest reset under noReboot — stops
   * the guest instead of ending the machine; the monitor stays (`info status`: paused (shutdown)) and
   * `quit` ends it with status 0. A guest power-off (finisher PASS/FAIL, SBI SRST shutdown) still ends
   * the machine with its status, as QEMU's sifive_test exit()s.
   */
  noShutdown?: boolean;
  /**
   * The HMP monitor (opened at boot): 'mux' shares the stdio console (-serial mon:stdio; Ctrl-A c
   * switches), 'stdio' has stdio alone (-monitor stdio; the console must be elsewhere), or a channel
   * (tests). Default none.
   */
  monitor?: 'none' | 'mux' | 'stdio' | MonitorChannel;
  /** `-name`: what `info name` prints. */
  name?: string;
  /**
   * `-d ITEMS` (`-D FILE`): lines of the enabled items (QEMU's qemu_log_mask) go to `file` (created or
   * truncated when the machine is made), else to `write`, else to stderr.
   */
  log?: { items: readonly LogItem[]; file?: string; write?(line: string): void };
  /** Receives machine trace lines (virtio driver bugs, ...). Default: kept in `machine.traceLog` only. */
  trace?: (line: string) => void;
}

/** QEMU's `-d` items the model logs: guest mistakes the devices reject, and what it does not implement. */
export type LogItem = 'guest_errors' | 'unimp';

/** Where a monitor's keyboard and screen are (StdioConsole in 'mux' or 'monitor' mode, or a test's). */
export interface MonitorChannel {
  /** Connects the monitor's input and focus events. @returns where the monitor writes. */
  attachMonitor(m: MonitorFrontend): (text: string) => void;
}

/** How `boot()` ends. */
export interface MachineExit {
  /** The guest's exit status (finisher code, SRST) — 1 for guest errors. */
  status: number;
  /**
   * 'poweroff': finisher, SBI SRST/shutdown or Ctrl-A x; 'panic-trap': a trap the guest could not take
   * (no handler, runaway recursion, interrupt storm); 'guest-error': an exception escaped the image entry;
   * 'reset': the guest reset the machine under `-no-reboot` (status 0, as QEMU exits); 'quit': the
   * monitor's `quit`, Ctrl-A x or the host's Ctrl-C (status 0).
   */
  reason: 'poweroff' | 'panic-trap' | 'guest-error' | 'reset' | 'quit';
}

export const MiB = 1024 * 1024;
/** Largest `-m` the options accept (the host may still fail to allocate it: see createRam). */
export const MAX_RAM = 2 ** 44;
/** RTC start for virtual-clock runs: 2025-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH_NS = 1_735_689_600_000_000_000n;

export interface ResolvedOptions {
  memory: number;
  smp: number;
  mode: 'M' | 'S';
  clock: 'host' | 'virtual';
  append: string;
  initrd: Uint8Array | undefined;
  aclint: boolean;
  legacy: boolean;
  dbcn: boolean;
  fwCfg: readonly FwCfgUserItem[];
  rtcFollow: 'vm' | 'host';
  pflash: readonly (BlockBackend | null)[];
}

/** Checks options, naming the bad one. @throws RangeError/TypeError. */
export function resolveOptions(o: MachineOptions): ResolvedOptions {
  const memory = o.memory ?? 128 * MiB;
  // QEMU's RV64 virt has no RAM limit of its own; RAM must end below 2^53 to stay addressable here.
  if (!Number.isSafeInteger(memory) || memory < 8192 || memory > MAX_RAM || memory % 4096 !== 0)
    throw new RangeError(
      `memory: ${o.memory} bytes is not a multiple of 4 KiB between 8 KiB and ${MAX_RAM / 2 ** 40} TiB`,
    );
  // OpenSBI v1.1 starts an S-mode kernel at 0x80200000 (firmware end rounded up to 2 MiB).
  if (o.bios !== 'none' && memory <= 2 * MiB)
    throw new RangeError(
      `memory: ${memory} bytes cannot hold the SBI firmware and a kernel at 0x80200000; give more than 2 MiB or use -bios none`,
    );
  const smp = o.smp ?? 1;
  if (!Number.isInteger(smp) || smp < 1 || smp > 512)
    throw new RangeError(`smp: ${o.smp} is not 1..512`);
  if (o.bios !== undefined && o.bios !== 'default' && o.bios !== 'none')
    throw new TypeError(`bios: '${o.bios}' is not 'default' or 'none'`);
  if (o.clock !== undefined && o.clock !== 'host' && o.clock !== 'virtual')
    throw new TypeError(`clock: '${o.clock}' is not 'host' or 'virtual'`);
  const pflash = (o.pflash ?? []).map((b) => b ?? null);
  if (pflash.length > 2)
    throw new RangeError(
      `pflash: machine type does not support if=pflash,bus=0,unit=${pflash.length - 1} (units 0 and 1)`,
    );
  const fwCfg = o.fwCfg ?? [];
  for (const item of fwCfg) checkUserItem(item);
  if (o.rtcClock !== undefined && !['host', 'rt', 'vm'].includes(o.rtcClock))
    throw new TypeError(`rtcClock: '${o.rtcClock}' is not 'host', 'rt' or 'vm'`);
  const rtcClock = o.rtcClock ?? (o.clock === 'virtual' ? 'vm' : 'host');
  return {
    memory,
    smp,
    mode: o.bios === 'none' ? 'M' : 'S',
    clock: o.clock ?? 'host',
    append: o.append ?? '',
    initrd: o.initrd,
    aclint: o.aclint ?? false,
    legacy: o.virtioForceLegacy ?? o.virtioMmioForceLegacy ?? true,
    dbcn: o.sbiDbcn ?? true,
    fwCfg,
    rtcFollow: rtcClock === 'vm' ? 'vm' : 'host',
    pflash,
  };
}
