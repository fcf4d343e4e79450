// The `virt` machine: board, harts, SBI firmware, clocks and the boot/reset/power-off life cycle
// (QEMU 7.2 hw/riscv/virt.c + hw/riscv/boot.c + OpenSBI v1.1 on top, REFERENCE.md §3).
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type ImageEntry, isHartStopped, type SbiRet, type SecondaryEntry } from '../isa/hart';
import { VIRT_CLINT, VIRT_DRAM, VIRT_FLASH, VIRT_FLASH_BANK_SIZE } from '../isa/memmap';
import * as S from '../isa/sbi';
import { Board, createRam } from './board';
import { isPhysAddr, type PmpDeny } from './bus';
import { MachineClock } from './clock';
import { CallbackConsole, type ConsoleBackend } from './console/backend';
import { FileLog } from './console/file';
import { type MonitorFrontend, StdioConsole } from './console/stdio';
import type { ClintHart } from './devices/clint';
import { buildVirtDtb } from './devicetree';
import { cachedDtb } from './devicetree/cache';
import {
  FIRMWARE_SIZE,
  fdtAddress,
  initrdStart,
  kernelEntry,
  opensbiFixups,
} from './firmware/boot';
import { HSM_START_PENDING } from './firmware/hsm';
import { type SbiPlatform, sbiCall } from './firmware/sbi';
import { type HartHost, HartImpl } from './hart/hart';
import { Interleaver } from './interleave';
import { Hmp, type HmpTarget } from './monitor/hmp';
import { virtMtree } from './monitor/mtree';
import { virtQtree } from './monitor/qtree';
import {
  type LogItem,
  type MachineExit,
  type MachineOptions,
  type MonitorChannel,
  type ResolvedOptions,
  resolveOptions,
  VIRTUAL_EPOCH_NS,
} from './options';
import type { PciAddr } from './pci/host';
import { QtestIrq, virtQomTree } from './qtest-irq';
import { QtestPort } from './qtest-port';
import { GuestImage } from './realm/image';
import { GuestRealm } from './realm/realm';
import { HostScheduler } from './scheduler';
import type { VirtioDevice } from './virtio-mmio/device';
import { chooseVirtioSlot } from './virtio-mmio/placement';
import { VirtioPciFunction, type VirtioPciOptions } from './virtio-pci/transport';

/** A hart id's stable wiring point: devices hold the slot, the slot forwards to the current hart. */
class HartSlot implements ClintHart {
  hart: HartImpl | null = null;
  state: number = S.SBI_HSM_STATE_STOPPED;
  /** Line levels while no hart object exists yet (qtest before boot). */
  private lines = 0;
  /** Observes every line change (qtest's IRQ interception), or null. */
  tap: ((cause: number, level: boolean) => void) | null = null;
  setIrqLine(cause: number, level: boolean): void {
    this.tap?.(cause, level);
    if (this.hart) this.hart.setIrqLine(cause, level);
    else this.lines = level ? this.lines | (1 << cause) : this.lines & ~(1 << cause);
  }
  get mip(): number {
    return this.hart ? this.hart.mip : this.lines;
  }
}

/** Counters for benchmarks and tests. */
export interface MachineStats {
  /** Current mtime (10 MHz ticks). */
  readonly mtime: bigint;
  interrupts: number;
  exceptions: number;
  wfi: number;
  /** Host turns given at poll()/wfi. */
  hostTurns: number;
  /** Virtual-clock jumps to a deadline. */
  clockJumps: number;
  /** Image starts (1 + resets). */
  boots: number;
  /** Times the CPU passed from one hart to another (`-smp` > 1). */
  readonly hartSwitches: number;
}

const TRACE_KEEP = 1000;

/** QEMU's run states as the monitor shows them (`info status`). */
type VmState = 'running' | 'paused' | 'shutdown' | 'prelaunch';

export class Machine {
  readonly options: ResolvedOptions;
  readonly ram;
  /** The guest realm images run in (guest RAM is allocated in it). */
  readonly realm: GuestRealm;
  readonly clock: MachineClock;
  /** @internal the machine's own wiring, for its tests. */
  readonly board: Board;
  readonly console: ConsoleBackend;
  /** Trace lines (virtio driver bugs, firmware notes), most recent last. */
  readonly traceLog: string[] = [];
  private readonly slots: HartSlot[] = [];
  private readonly seeds: Generator<Uint8Array>;
  private readonly traceSink: ((line: string) => void) | undefined;
  private readonly logItems: ReadonlySet<LogItem>;
  private readonly logWrite: (line: string) => void;
  private readonly logFile: FileLog | null;
  private readonly counters = {
    interrupts: 0,
    exceptions: 0,
    wfi: 0,
    hostTurns: 0,
    clockJumps: 0,
    boots: 0,
  };
  private firstSeed: Uint8Array;
  private dumpBlob: Uint8Array;
  private entry: ImageEntry | null = null;
  private exitResolve: ((e: MachineExit) => void) | null = null;
  private readonly stopWaiters: ((e: MachineExit) => void)[] = [];
  private exited: MachineExit | null = null;
  private generation = 0;
  private qtestPort: QtestPort | null = null;
  private consoleAttached = false;
  /** @internal the machine's own wiring, for its tests. */
  readonly host: HartHost;
  private readonly sched: HostScheduler;
  /** Which hart runs: the harts share this host thread (DESIGN.md §4). @internal */
  readonly interleaver = new Interleaver();

  private readonly noReboot: boolean;
  private readonly noShutdown: boolean;
  private vmState: VmState = 'running';
  private readonly monitorOpt: MachineOptions['monitor'];
  private monitorChannel: StdioConsole | null = null;
  private hmp: Hmp | null = null;
  /** `-device` properties of plugged virtio devices, for `info qtree`. */
  private readonly qdev = new WeakMap<VirtioDevice, ReadonlyMap<string, string>>();
  /** `-name`. */
  readonly name: string | undefined;

  constructor(opts: MachineOptions = {}) {
    this.options = resolveOptions(opts);
    const o = this.options;
    this.traceSink = opts.trace;
    this.logItems = new Set(opts.log?.items ?? []);
    this.noReboot = opts.noReboot === true;
    this.noShutdown = opts.noShutdown === true;
    this.name = opts.name;
    this.monitorOpt = opts.monitor;
    this.seeds = seedStream(opts.rngSeed);
    this.firstSeed = this.seeds.next().value as Uint8Array;
    this.realm = new GuestRealm();
    this.ram = createRam(o.memory, (n) => this.realm.sharedBuffer(n));
    this.clock = new MachineClock(o.clock);
    this.console = makeConsole(opts.console, opts.monitor);
    this.logFile = opts.log?.file ? new FileLog(opts.log.file) : null;
    const file = this.logFile;
    this.logWrite = file
      ? (l) => file.write(l)
      : (opts.log?.write ?? ((l) => void process.stderr.write(`${l}\n`)));
    for (let i = 0; i < o.smp; i++) this.slots.push(new HartSlot());
    const epoch =
      opts.rtcEpochNs ??
      (o.clock === 'virtual' ? VIRTUAL_EPOCH_NS : BigInt(Date.now()) * 1_000_000n);
    this.board = new Board({
      ram: this.ram,
      clock: this.clock,
      harts: this.slots,
      aclint: o.aclint,
      legacyVirtio: o.legacy,
      rtcEpochNs: epoch,
      rtcFollow: o.rtcFollow,
      hostNs: () => performance.now() * 1e6,
      tx: (b) => this.console.write(b),
      power: { powerOff: (s) => this.powerOff(s), reset: () => this.reset() },
      log: (l, item) => this.trace(l, item),
      fwCfg: o.fwCfg,
      pflash: o.pflash,
      // the scheduler is made just below; devices only ask once the machine runs
      hostWork: () => this.sched.beginHostWork(),
    });
    this.sched = new HostScheduler(this.clock, this.slots, this.counters);
    this.sbiPlatform.dbcn = o.dbcn;
    this.dumpBlob = this.buildDtb(this.firstSeed);
    this.board.mrom.program(this.resetStart, this.fdtAddr, this.nextStage(0));
    this.powerOnRoms();
    if (opts.paused) {
      this.setVmRunning(false);
      this.vmState = 'prelaunch';
    }
    this.host = {
      bus: this.board.bus,
      clock: this.clock,
      mtimer: this.board.mtimer,
      stats: this.counters,
      sbiCall: (h, eid, fid, a) => this.sbi(h, eid, fid, a),
      hostTurn: (h) => this.sched.hostTurn(h),
      hartWaiting: (h) => {
        this.interleaver.release(h);
        this.sched.hartWaiting();
      },
      hartWoken: (h, resume) =>
        this.sched.whenRunning(() => {
          if (!h.isStopped) this.interleaver.acquire(h, resume);
        }),
      switchDue: (h) => this.interleaver.contended && this.interleaver.current === h,
      switchPoint: (h) => this.interleaver.yield(h),
      hartStopped: (h) => this.interleaver.release(h),
    };
  }

  // ---- device tree and image placement ----

  private initrdRange(): { start: number; end: number } | undefined {
    return initrdRange(this.options);
  }

  private buildDtb(seed: Uint8Array, reserved = false): Uint8Array {
    const o = this.options;
    const initrd = this.initrdRange();
    const key = JSON.stringify([o.memory, o.smp, o.aclint, o.append, initrd, reserved]);
    // With the firmware (reserved = S-mode) the tree is the one OpenSBI hands on, fix-ups included.
    return cachedDtb(key, seed, (s) => {
      const blob = this.generateDtb(s, reserved);
      if (reserved) opensbiFixups(blob);
      return blob;
    });
  }

  private generateDtb(seed: Uint8Array, reserved: boolean): Uint8Array {
    return generateVirtDtb(this.options, seed, reserved);
  }

  /** Where the reset vector jumps: flash bank 0 when it has a drive (virt_machine_done), else RAM. */
  private get resetStart(): number {
    return this.options.pflash[0] ? VIRT_FLASH : VIRT_DRAM;
  }

  /** fw_dynamic_info.next_addr: flash bank 1 when it has a drive (S-mode firmware such as EDK2 there). */
  private nextStage(otherwise: number): number {
    return this.options.pflash[1] ? VIRT_FLASH + VIRT_FLASH_BANK_SIZE : otherwise;
  }

  /** The device tree QEMU's `dumpdtb` writes for these options (before the firmware's fix-ups). */
  dtb(): Uint8Array {
    return this.dumpBlob.slice();
  }

  /** Where the device tree goes in RAM (and what a1 holds at entry). */
  get fdtAddr(): number {
    return fdtAddress(
      this.options.memory,
      new DataView(this.dumpBlob.buffer, this.dumpBlob.byteOffset).getUint32(4),
    );
  }

  /**
   * QEMU's ROM reset at power-on: RAM holds QEMU's own device tree (no firmware fix-ups yet) at the
   * address the MROM passes in a1, and the initrd, before any code runs — what qtest reads under -S.
   * What does not fit is left out here; boot() then names it.
   */
  private powerOnRoms(): void {
    const at = this.fdtAddr - VIRT_DRAM;
    const ir = this.initrdRange();
    if (ir && this.options.initrd && ir.end <= this.fdtAddr)
      this.ram.u8.set(this.options.initrd, ir.start - VIRT_DRAM);
    if (at >= 0 && at + this.dumpBlob.length <= this.options.memory)
      this.ram.u8.set(this.dumpBlob, at);
  }

  /** ROM loader: copies the DT (with OpenSBI's fix-ups in S-mode), the initrd and the reset vector. */
  private loadImages(seed: Uint8Array): void {
    const o = this.options;
    const blob = this.buildDtb(seed, o.mode === 'S');
    const at = this.fdtAddr;
    const ir = this.initrdRange();
    if (ir && o.initrd) {
      if (ir.end > at)
        throw new RangeError(
          `initrd: ${o.initrd.length} bytes at 0x${ir.start.toString(16)} overlap the device tree at 0x${at.toString(16)}; use more memory`,
        );
      this.ram.u8.set(o.initrd, ir.start - VIRT_DRAM);
    }
    if (at - VIRT_DRAM + blob.length > o.memory)
      throw new RangeError('device tree does not fit in RAM');
    this.ram.u8.set(blob, at - VIRT_DRAM);
    this.board.mrom.program(this.resetStart, at, this.nextStage(kernelEntry(o.mode)));
  }

  // ---- life cycle ----

  /**
   * Boots `entry`: with the SBI firmware on hart 0 (a0 = 0, a1 = device-tree address; the other harts
   * wait in HSM STOPPED until `hart_start` enters `entry.secondary` with a0 = hartid, a1 = opaque); with
   * `-bios none` on every hart at once (a0 = hartid), as QEMU's reset vector does — the kernel parks
   * the secondaries by hartid. A {@link GuestImage} is evaluated in the machine's guest realm and its
   * entries get each hart's frozen facade; a plain function (host test code) gets the hart itself.
   * An image that throws while evaluating is a guest failure.
   * @returns how the machine stopped (finisher/SRST power-off, or a guest failure with status 1).
   */
  boot(entry: ImageEntry | GuestImage): Promise<MachineExit> {
    if (this.entry)
      return Promise.reject(new Error('machine.boot: this machine has already booted'));
    this.entry = entry instanceof GuestImage ? this.instantiate(entry) : entry;
    this.setVmRunning(true);
    this.vmState = 'running';
    this.openMonitor();
    const done = new Promise<MachineExit>((resolve) => {
      this.exitResolve = resolve;
    });
    if (this.exited) this.exitResolve?.(this.exited);
    else this.startImage(this.firstSeed);
    return done;
  }

  private instantiate(image: GuestImage): ImageEntry {
    try {
      return image.instantiate(this.realm, (h) => this.realm.facade(h, this.ram));
    } catch (e) {
      return () => {
        throw e;
      };
    }
  }

  private deny(): PmpDeny[] {
    if (this.options.mode === 'M') return [];
    return [
      { base: VIRT_CLINT, end: VIRT_CLINT + 0x10000 },
      { base: VIRT_DRAM, end: VIRT_DRAM + FIRMWARE_SIZE },
    ];
  }

  private newHart(id: number): HartImpl {
    const h = new HartImpl(id, this.options.mode, this.ram, this.host, this.deny());
    this.slots[id].hart = h;
    return h;
  }

  private startImage(seed: Uint8Array): void {
    const gen = ++this.generation;
    this.counters.boots++;
    try {
      this.loadImages(seed);
    } catch (e) {
      this.guestFailure(e);
      return;
    }
    this.interleaver.clear();
    const all = this.options.mode === 'M';
    this.slots.forEach((s, i) => {
      this.newHart(i);
      s.state = i === 0 || all ? S.SBI_HSM_STATE_STARTED : S.SBI_HSM_STATE_STOPPED;
    });
    this.board.mtimer.reset();
    if (this.options.mode === 'S') this.firmwareInit();
    this.attachConsole();
    const entry = this.entry as ImageEntry;
    // Every hart that enters at reset queues for the CPU before hart 0's code runs, as on QEMU where
    // they all start at once: hart 0's first switch point already finds the others waiting.
    queueMicrotask(() => {
      for (const [i, s] of this.slots.entries()) {
        if (i > 0 && !all) break;
        const h = s.hart as HartImpl;
        const run = () => {
          if (gen === this.generation && !this.exited)
            this.runEntry(h, entry, i, this.fdtAddr, gen);
        };
        this.interleaver.acquire(h, i === 0 ? () => queueMicrotask(run) : run);
      }
    });
  }

  /** OpenSBI's uart8250_init (IER 0, 115200 8N1 from 3.6864 MHz, FIFO on, MCR 0) before the kernel runs. */
  private firmwareInit(): void {
    const u = this.board.uart;
    for (const [reg, v] of [
      [1, 0],
      [3, 0x80],
      [0, 2],
      [1, 0],
      [3, 3],
      [2, 1],
      [4, 0],
    ])
      u.write(reg, 1, v);
    u.read(5);
    u.read(0);
    u.write(7, 1, 0);
  }

  /** Connects host input once the firmware has set up the UART (earlier input waits in the backend). */
  private attachConsole(): void {
    if (this.consoleAttached) return;
    this.consoleAttached = true;
    this.console.attach({
      input: (b) => this.board.uart.receive(b),
      quit: () => this.quit(),
    });
  }

  private runEntry(
    hart: HartImpl,
    entry: ImageEntry | SecondaryEntry,
    a0: number,
    a1: number,
    gen: number,
  ): void {
    let p: Promise<void>;
    try {
      p = Promise.resolve(entry(hart, a0, a1));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      () => {
        if (gen !== this.generation || this.exited) return;
        this.slots[hart.hartid].state = S.SBI_HSM_STATE_STOPPED;
        hart.stop('poweroff');
        if (hart.hartid === 0)
          this.guestFailure(new Error('the image entry returned without powering the machine off'));
      },
      (e) => {
        if (isHartStopped(e) || gen !== this.generation || this.exited) return;
        this.guestFailure(e);
      },
    );
  }

  private guestFailure(e: unknown): void {
    // By name, not instanceof: errors from the guest realm are not this realm's Errors.
    const err = typeof e === 'object' && e !== null ? (e as Partial<Error>) : null;
    const panic = err?.name === 'TrapPanic';
    const text = err && typeof err.message === 'string' ? (err.stack ?? err.message) : String(e);
    const msg = `\r\nmachine: ${panic ? 'unrecoverable trap' : 'guest exception escaped the image entry'}: ${text}\r\n`;
    for (const b of new TextEncoder().encode(msg)) this.console.write(b);
    this.finish({ status: 1, reason: panic ? 'panic-trap' : 'guest-error' });
  }

  /**
   * Finisher PASS/FAIL, SRST shutdown: the machine ends with `status`, `-no-shutdown` or not. QEMU 7.2's
   * sifive_test calls exit() for PASS/FAIL, and OpenSBI's SRST shutdown (and the legacy shutdown call)
   * writes FINISHER_PASS, so QEMU exits there too; only a shutdown request (a reset under `-no-reboot`)
   * obeys `-no-shutdown`.
   */
  powerOff(status: number): void {
    this.finish({ status, reason: 'poweroff' });
  }

  /** Ends the machine whatever the guest does (monitor `quit`, Ctrl-A x, the host's Ctrl-C): status 0, as QEMU. */
  quit(): void {
    this.finish({ status: 0, reason: 'quit' });
  }

  /** Harts stop where they are; devices keep their state (QEMU pauses the vCPUs). */
  private haltHarts(): void {
    this.generation++;
    this.interleaver.clear();
    for (const s of this.slots) s.hart?.stop('poweroff');
  }

  /** `-no-shutdown`: QEMU's shutdown request pauses the VM (runstate shutdown) instead of exiting. */
  private shutdownPaused(): void {
    this.haltHarts();
    this.setVmRunning(false);
    this.vmState = 'shutdown';
    this.console.flush();
  }

  /** Finisher RESET, SRST reboot: devices reset, the image starts again on fresh harts. */
  reset(): void {
    if (this.exited) return;
    if (this.noReboot) {
      // QEMU turns the reset into a shutdown (status 0), which -no-shutdown pauses in turn.
      if (this.noShutdown) this.shutdownPaused();
      else this.finish({ status: 0, reason: 'reset' });
      return;
    }
    if (this.vmState !== 'running') {
      // A reset of a stopped VM waits for `cont` (QEMU: runstate prelaunch).
      this.haltHarts();
      this.board.reset();
      this.sched.resume();
      this.setVmRunning(false);
      this.vmState = 'prelaunch';
      return;
    }
    this.generation++;
    this.interleaver.clear();
    for (const s of this.slots) s.hart?.stop('reset');
    this.board.reset();
    const seed = this.seeds.next().value as Uint8Array;
    setImmediate(() => {
      if (!this.exited && this.entry) this.startImage(seed);
    });
  }

  /** QEMU's vm_start/vm_stop: the devices' run state, and the guest clock held while stopped. */
  private setVmRunning(running: boolean): void {
    this.board.setVmRunning(running);
    if (running) this.clock.start();
    else this.clock.stop();
  }

  private finish(exit: MachineExit): void {
    if (this.exited) return;
    this.exited = exit;
    this.hmp?.close();
    this.monitorChannel?.close();
    this.logFile?.close();
    this.sched.resume();
    this.interleaver.clear();
    for (const s of this.slots) s.hart?.stop('poweroff');
    this.clock.clear();
    this.sched.stop();
    this.console.flush();
    this.console.close();
    for (const t of this.board.virtio) void t.device?.close?.();
    for (const f of this.board.virtioPci) void f.device.close?.();
    for (const b of this.options.pflash) b?.close();
    this.exitResolve?.(exit);
    for (const w of this.stopWaiters.splice(0)) w(exit);
  }

  /**
   * Resolves when the machine stops, however it was driven (an image, or qtest writing the finisher
   * while the hart is held: QEMU exits at once then too). @returns how it stopped.
   */
  whenStopped(): Promise<MachineExit> {
    if (this.exited) return Promise.resolve(this.exited);
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  /** How the machine stopped, or null while it runs. */
  get exit(): MachineExit | null {
    return this.exited;
  }

  // ---- devices ----

  /**
   * Plugs a virtio device into a virtio-mmio slot: `slot` pins it (QEMU `bus=virtio-mmio-bus.N`),
   * otherwise it takes the highest free slot (the first -device gets slot 7). @returns the slot.
   */
  plugVirtio(dev: VirtioDevice, slot?: number, qdev?: ReadonlyMap<string, string>): number {
    if (qdev) this.qdev.set(dev, qdev);
    const s = chooseVirtioSlot(
      this.board.virtio.map((t) => t.device !== null),
      slot,
    );
    this.board.virtio[s].plug(dev);
    return s;
  }

  /**
   * Plugs a virtio device into the PCIe bus as QEMU's `virtio-*-pci` (transitional unless
   * `disableLegacy`/`disableModern`): at `slot`.`fn` (QEMU `addr=`), else in the first free slot from 1.
   * @returns the function (its `devfn` says where it went). @throws when the address is taken or bad.
   */
  plugVirtioPci(
    dev: VirtioDevice,
    opts: VirtioPciOptions & PciAddr = {},
    qdev?: ReadonlyMap<string, string>,
  ): VirtioPciFunction {
    if (qdev) this.qdev.set(dev, qdev);
    const f = new VirtioPciFunction(dev, opts, {
      ram: this.ram,
      msiWrite: (address, data) => {
        if (!isPhysAddr(address) || address + 4 > 2 ** 53) return;
        this.board.bus.debugWrite(
          address,
          Uint8Array.of(data, data >>> 8, data >>> 16, data >>> 24),
        );
      },
      log: (l) => this.trace(l, 'guest_errors'),
      hostWork: () => this.sched.beginHostWork(),
      runState: this.board.runState,
    });
    this.board.pci.plug(f, { slot: opts.slot, fn: opts.fn, multifunction: opts.multifunction });
    return f;
  }

  get stats(): MachineStats {
    const m = this.board.mtimer;
    return {
      ...this.counters,
      hartSwitches: this.interleaver.switches,
      get mtime() {
        return m.mtime();
      },
    };
  }

  /** A trace line; one of a `-d` item (a rejected guest access, ...) also goes to the log when enabled. */
  private trace(line: string, item?: LogItem): void {
    this.traceLog.push(line);
    if (this.traceLog.length > TRACE_KEEP) this.traceLog.shift();
    this.traceSink?.(line);
    if (item && this.logItems.has(item)) this.logWrite(line);
  }

  // ---- monitor ----

  /** What the monitor does to this machine. */
  readonly monitorTarget: HmpTarget = {
    qtree: () =>
      virtQtree({
        board: this.board,
        harts: this.slots.length,
        aclint: this.options.aclint,
        legacyVirtio: this.options.legacy,
        qdevProps: (d) => this.qdev.get(d) ?? new Map(),
      }),
    mtree: () =>
      virtMtree({
        regions: this.board.bus.mappings,
        ram: this.ram,
        harts: this.slots.length,
        pciDevices: this.board.virtioPci.map(
          (f) =>
            `virtio-${['', 'net', 'blk', '', 'rng', '', '', '', '', '9p'][f.device.deviceId]}-pci`,
        ),
      }),
    status: () =>
      ({
        running: 'running',
        paused: 'paused',
        shutdown: 'paused (shutdown)',
        prelaunch: 'paused (prelaunch)',
      })[this.vmState],
    name: () => this.name,
    stop: () => {
      if (this.vmState !== 'running') return;
      this.vmState = 'paused';
      this.sched.pause();
      this.setVmRunning(false);
    },
    cont: () => {
      if (this.exited) return undefined;
      if (this.vmState === 'shutdown') return 'Resetting the Virtual Machine is required';
      if (this.vmState === 'paused') {
        this.vmState = 'running';
        this.setVmRunning(true);
        this.sched.resume();
      } else if (this.vmState === 'prelaunch' && this.entry) {
        this.vmState = 'running';
        this.setVmRunning(true);
        this.startImage(this.seeds.next().value as Uint8Array);
      }
      return undefined;
    },
    systemReset: () => this.reset(),
    quit: () => this.quit(),
  };

  /** QEMU's run state as `info status` prints it. */
  get runState(): string {
    return this.monitorTarget.status();
  }

  /** Starts the monitor on its channel (at boot: the image is known, host input may start). */
  private openMonitor(): void {
    const o = this.monitorOpt;
    if (!o || o === 'none' || this.hmp) return;
    let channel: MonitorChannel;
    if (o === 'mux') channel = this.console as StdioConsole;
    else if (o === 'stdio') channel = this.monitorChannel = new StdioConsole('monitor');
    else channel = o;
    // The channel may open the monitor (banner) before it hands back its writer.
    let early = '';
    let write: (t: string) => void = (t) => {
      early += t;
    };
    const hmp = new Hmp(this.monitorTarget, (t) => write(t));
    this.hmp = hmp;
    const front: MonitorFrontend = {
      input: (b) => hmp.input(b),
      open: () => hmp.open(),
      refocus: () => hmp.refocus(),
    };
    write = channel.attachMonitor(front);
    if (early) write(early);
  }

  // ---- firmware ----

  private sbi(hart: HartImpl, eid: number, fid: number, a: readonly number[]): SbiRet {
    return sbiCall(this.sbiPlatform, hart, eid, fid, a);
  }

  private readonly sbiPlatform: SbiPlatform = {
    dbcn: false,
    uartRead: (reg) => this.board.uart.read(reg),
    uartWrite: (reg, v) => this.board.uart.write(reg, 1, v),
    powerOff: (status) => this.powerOff(status),
    reset: () => this.reset(),
    loadU64: (_h, pa) => this.board.bus.cpuLoad64(pa, this.deny()),
    ramRange: (pa, len) => {
      const lo = VIRT_DRAM + FIRMWARE_SIZE;
      if (!Number.isSafeInteger(pa) || !Number.isSafeInteger(len) || len < 0) return null;
      if (pa < lo || pa + len > VIRT_DRAM + this.options.memory) return null;
      return this.ram.u8.subarray(pa - VIRT_DRAM, pa - VIRT_DRAM + len);
    },
    hartCount: () => this.slots.length,
    hartState: (h) => this.slots[h].state,
    hasSecondaryEntry: () => typeof this.entry?.secondary === 'function',
    startHart: (h, _addr, opaque) => {
      const slot = this.slots[h];
      slot.state = HSM_START_PENDING;
      const hart = this.newHart(h);
      const gen = this.generation;
      const entry = this.entry?.secondary as SecondaryEntry;
      // The new hart queues for the CPU behind the running one: it starts at the caller's next switch point.
      this.interleaver.acquire(hart, () => {
        if (gen !== this.generation || this.exited || hart.isStopped) return;
        slot.state = S.SBI_HSM_STATE_STARTED;
        this.runEntry(hart, entry, h, opaque, gen);
      });
    },
    stopHart: (hart) => {
      this.slots[hart.hartid].state = S.SBI_HSM_STATE_STOPPED;
      hart.stop('poweroff');
    },
    firmwareOwns: (pa) => pa >= VIRT_DRAM && pa < VIRT_DRAM + FIRMWARE_SIZE,
    raiseSsip: (h) => this.slots[h].setIrqLine(1, true),
  };

  // ---- qtest ----

  /**
   * The machine as qtest drives it (`-S`): no image runs, the clock is frozen (virtual) and moves only
   * with clock_step/clock_set; reads and writes use QEMU's debug access path.
   */
  get qtest(): QtestPort {
    if (!this.qtestPort) {
      this.clock.makeVirtual(this.entry ? undefined : 0);
      this.attachConsole();
      const irq = new QtestIrq(
        virtQomTree(this.slots.length, this.options.aclint),
        this.slots.length,
        {
          hart: (h, cause, level) => this.slots[h].setIrqLine(cause, level),
          plic: (src, level) => this.board.plicInput(src, level),
        },
      );
      this.slots.forEach((s, h) => {
        s.tap = (cause, level) => irq.hartLine(h, cause, level);
      });
      this.board.plicTap = (src, level) => irq.plicInput(src, level);
      this.qtestPort = new QtestPort(this.board.bus, this.clock, irq);
    }
    return this.qtestPort;
  }
}

function initrdRange(o: ResolvedOptions): { start: number; end: number } | undefined {
  if (!o.initrd) return undefined;
  const start = initrdStart(o.mode, o.memory);
  return { start, end: start + o.initrd.length };
}

function generateVirtDtb(o: ResolvedOptions, seed: Uint8Array, reserved: boolean): Uint8Array {
  return buildVirtDtb({
    memoryBytes: o.memory,
    smp: o.smp,
    aclint: o.aclint,
    bootargs: o.append || undefined,
    initrd: initrdRange(o),
    rngSeed: seed,
    reservedMemory: reserved
      ? [{ name: 'mmode_resv0', base: VIRT_DRAM, size: FIRMWARE_SIZE }]
      : undefined,
  });
}

/**
 * The device tree QEMU's `-machine dumpdtb` writes for `opts`, without building a machine (so without
 * allocating guest RAM: QEMU too dumps before it would touch it). Equals `new Machine(opts).dtb()`.
 * @throws RangeError/TypeError for options the machine refuses.
 */
export function virtDumpDtb(opts: MachineOptions = {}): Uint8Array {
  return generateVirtDtb(
    resolveOptions(opts),
    seedStream(opts.rngSeed).next().value as Uint8Array,
    false,
  );
}

function makeConsole(
  c: MachineOptions['console'],
  monitor: MachineOptions['monitor'],
): ConsoleBackend {
  const stdio = c === undefined || c === 'stdio';
  if (monitor === 'mux' && !stdio)
    throw new TypeError("monitor: 'mux' shares the stdio console; the console is not on stdio");
  if (monitor === 'stdio' && stdio)
    throw new TypeError('monitor: cannot use stdio by multiple character devices');
  if (stdio) return new StdioConsole(monitor === 'mux' ? 'mux' : 'serial');
  if (c === 'none') return new CallbackConsole(null);
  if (typeof c === 'function') return new CallbackConsole(c);
  return c;
}

/** rng-seed values: the given 32 bytes first (other lengths hashed), then a SHA-256 chain; random if unset. */
function* seedStream(seed: Uint8Array | undefined): Generator<Uint8Array> {
  let s = seed
    ? seed.length === 32
      ? Uint8Array.from(seed)
      : sha256(seed)
    : new Uint8Array(randomBytes(32));
  for (;;) {
    yield s;
    s = sha256(s);
  }
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}
