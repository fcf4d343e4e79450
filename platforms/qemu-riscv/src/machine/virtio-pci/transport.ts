// virtio over PCI as QEMU 7.2's virtio-pci presents a device (hw/virtio/virtio-pci.c; virtio 1.2 §4.1):
// a transitional function by default (legacy I/O BAR0 + modern BAR4), or modern-only / legacy-only with
// disable-legacy / disable-modern; MSI-X in BAR1; INTx while MSI-X is off. The device model behind it is
// the same one virtio-mmio carries; this file keeps the virtio core state QEMU keeps per device
// (status, ISR, queue selection, ring addresses, vectors) and turns BAR accesses into model calls.
import type { GuestRam } from '../../isa/hart';
import { PciFunction } from '../pci/function';
import { Msix } from '../pci/msix';
import {
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CAP_ID_VNDR,
  PCI_COMMAND,
  PCI_COMMAND_MASTER,
  PCI_INTERRUPT_PIN,
  PCI_VENDOR_ID_REDHAT_QUMRANET,
} from '../pci/regs';
import { VIRTQUEUE_MAX_SIZE } from '../virtio/queue/constants';
import { legacyLayout } from '../virtio/queue/layout';
import type { VirtioDevice, VirtioHost } from '../virtio-mmio/device';
import * as R from '../virtio-mmio/regs';
import {
  VIRTIO_F_BAD_FEATURE,
  VIRTIO_NO_VECTOR,
  VIRTIO_PCI_CAP_COMMON_CFG,
  VIRTIO_PCI_CAP_DEVICE_CFG,
  VIRTIO_PCI_CAP_ISR_CFG,
  VIRTIO_PCI_CAP_NOTIFY_CFG,
  VIRTIO_PCI_CAP_PCI_CFG,
  VIRTIO_PCI_MODERN_ID_BASE,
  VIRTIO_QUEUE_MAX,
  virtioPciKind,
} from './ids';
import { LegacyIoBar, ModernBar, NOTIFY_MULTIPLIER } from './regions';

const VERSION_1 = 1n << 32n;
const BAD_FEATURE = 1n << BigInt(VIRTIO_F_BAD_FEATURE);
/** NOTIFY_ON_EMPTY and ANY_LAYOUT: offered to legacy drivers, hidden from modern ones. */
const LEGACY_COMMON = (1n << 24n) | (1n << 27n);
const LOW32 = 0xffffffffn;

export interface VirtioPciOptions {
  /** `disable-legacy=on`: no I/O BAR, modern IDs (0x1040 + n) and revision 1. Default off. */
  disableLegacy?: boolean;
  /** `disable-modern=on`: legacy only (no modern capabilities or BAR4). Default off. */
  disableModern?: boolean;
}

/** What the machine gives the function: RAM, MSI delivery, the log and host-work accounting. */
export interface VirtioPciEnv {
  readonly ram: GuestRam;
  /** A 4-byte little-endian write to guest-physical `address` (an MSI message). */
  msiWrite(address: number, data: number): void;
  log(line: string): void;
  hostWork?(): () => void;
  runState?: { running: boolean };
}

interface Vring {
  num: number;
  desc: number;
  avail: number;
  used: number;
}

interface ProxyQueue {
  num: number;
  enabled: number;
  desc: [number, number];
  avail: [number, number];
  used: [number, number];
}

const hi32 = (lo: number, hi: number): number => hi * 2 ** 32 + lo;

export class VirtioPciFunction extends PciFunction implements VirtioHost {
  readonly legacy: boolean;
  readonly modern: boolean;
  readonly msix: Msix;
  readonly ram: GuestRam;
  status = 0;
  isr = 0;
  generation = 0;
  queueSel = 0;
  configVector = VIRTIO_NO_VECTOR;
  /** Guest features as the virtio core holds them (masked to the offer). */
  guestFeatures = 0n;
  dfselect = 0;
  gfselect = 0;
  readonly proxyFeatures: [number, number] = [0, 0];
  private vrings: Vring[] = [];
  private readonly vectors = new Map<number, number>();
  private readonly proxy = new Map<number, ProxyQueue>();
  /** Bus mastering was turned off (QEMU vdev->disabled): no queue work, no interrupts. */
  private disabled = false;
  /** A driver bug was reported (QEMU vdev->broken) until the next reset. */
  private broken = false;
  private readonly deferred = new Set<number>();
  /** Offset of the PCI-configuration-access capability (0 without modern). */
  private cfgCap = 0;
  private readonly fullFeatures: bigint;
  private readonly runState: { running: boolean };

  constructor(
    readonly device: VirtioDevice,
    opts: VirtioPciOptions,
    private readonly env: VirtioPciEnv,
  ) {
    const kind = virtioPciKind(device.deviceId);
    const legacy = !opts.disableLegacy;
    const modern = !opts.disableModern;
    if (!legacy && !modern)
      throw new Error(
        'virtio-pci: device cannot work as neither modern nor legacy mode is enabled (set disable-modern or disable-legacy to off)',
      );
    super(`virtio-pci(${device.deviceId})`, {
      vendor: PCI_VENDOR_ID_REDHAT_QUMRANET,
      device: legacy ? kind.legacyId : VIRTIO_PCI_MODERN_ID_BASE + device.deviceId,
      revision: legacy ? 0 : 1,
      classCode: kind.classCode,
      // legacy and transitional functions carry the virtio ID as subsystem; modern ones QEMU's default
      subsystem: legacy ? device.deviceId : undefined,
    });
    this.legacy = legacy;
    this.modern = modern;
    this.ram = env.ram;
    this.runState = env.runState ?? { running: true };
    this.fullFeatures = modern
      ? device.hostFeatures(false) | LEGACY_COMMON | (kind.legacyOnly ?? 0n) | BAD_FEATURE
      : device.hostFeatures(true) | BAD_FEATURE;
    this.cfg.set(PCI_INTERRUPT_PIN, 1, 1);
    if (modern) this.addModern();
    this.msix = new Msix(this, kind.vectors, 1, (a, d) => this.sendMsi(a, d));
    this.registerBar(1, 0, this.msix.barSize, this.msix.region);
    if (legacy) {
      const size = 2 ** Math.ceil(Math.log2(R_CONFIG_OFF_MSIX + device.configLen));
      this.registerBar(0, PCI_BASE_ADDRESS_SPACE_IO, size, new LegacyIoBar(this, size));
    }
    device.attach(this);
    this.virtioReset();
  }

  /** The four modern regions in BAR4 and their capabilities, then the PCI-config-access one. */
  private addModern(): void {
    const caps: [number, number, number][] = [
      [VIRTIO_PCI_CAP_COMMON_CFG, 0x0000, 0x1000],
      [VIRTIO_PCI_CAP_ISR_CFG, 0x1000, 0x1000],
      [VIRTIO_PCI_CAP_DEVICE_CFG, 0x2000, 0x1000],
      [VIRTIO_PCI_CAP_NOTIFY_CFG, 0x3000, NOTIFY_MULTIPLIER * VIRTIO_QUEUE_MAX],
    ];
    for (const [type, offset, length] of caps) {
      const notify = type === VIRTIO_PCI_CAP_NOTIFY_CFG;
      const at = this.cfg.addCapability(PCI_CAP_ID_VNDR, notify ? 20 : 16);
      this.cfg.set(at + 2, 1, notify ? 20 : 16);
      this.cfg.set(at + 3, 1, type);
      this.cfg.set(at + 4, 1, 4);
      this.cfg.set(at + 8, 4, offset);
      this.cfg.set(at + 12, 4, length);
      if (notify) this.cfg.set(at + 16, 4, NOTIFY_MULTIPLIER);
    }
    this.cfgCap = this.cfg.addCapability(PCI_CAP_ID_VNDR, 20);
    const c = this.cfgCap;
    this.cfg.set(c + 2, 1, 20);
    this.cfg.set(c + 3, 1, VIRTIO_PCI_CAP_PCI_CFG);
    this.cfg.wmask[c + 4] = 0xff;
    this.cfg.setWmask(c + 8, 4, 0xffffffff);
    this.cfg.setWmask(c + 12, 4, 0xffffffff);
    this.cfg.setWmask(c + 16, 4, 0xffffffff);
    this.modernBar = new ModernBar(this);
    this.registerBar(
      4,
      PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
      0x4000,
      this.modernBar,
    );
  }

  private modernBar: ModernBar | null = null;

  // ---- features ----

  /** The 64 bits QEMU holds in vdev->host_features for this transport. */
  get hostFeatures(): bigint {
    return this.fullFeatures;
  }

  /** Device features a modern driver reads (legacy-only bits hidden). */
  modernFeatures(sel: number): number {
    if (sel > 1) return 0;
    return Number((this.device.hostFeatures(false) >> BigInt(32 * sel)) & LOW32);
  }

  /** virtio_set_features: ignored once FEATURES_OK; the model gets the bits it offers. */
  setGuestFeatures(val: bigint): void {
    if (this.status & R.STATUS_FEATURES_OK) return;
    // A legacy driver that sets the bad-feature bit did not negotiate: it gets no features.
    const v = val & BAD_FEATURE ? 0n : val;
    this.guestFeatures = v & this.fullFeatures;
    this.device.setFeatures(this.guestFeatures, (this.guestFeatures & VERSION_1) === 0n);
  }

  // ---- queues ----

  /** @internal queue `i`'s ring addresses, for tests */
  vring(i: number): Vring | undefined {
    return this.vrings[i];
  }

  queueVector(i: number): number {
    return i < VIRTIO_QUEUE_MAX ? (this.vectors.get(i) ?? VIRTIO_NO_VECTOR) : VIRTIO_NO_VECTOR;
  }

  /** msix_vector_use: a vector the function has, or NO_VECTOR so the driver can see the failure. */
  useVector(v: number): number {
    return v < this.msix.entries ? v : VIRTIO_NO_VECTOR;
  }

  setQueueVector(i: number, v: number): void {
    if (i < VIRTIO_QUEUE_MAX) this.vectors.set(i, this.useVector(v));
  }

  /** @internal queue `i`'s register file (virtio 1.2 §4.1.4.3) */
  pq(i: number): ProxyQueue {
    let q = this.proxy.get(i);
    if (!q) {
      q = { num: 0, enabled: 0, desc: [0, 0], avail: [0, 0], used: [0, 0] };
      this.proxy.set(i, q);
    }
    return q;
  }

  /** Number of queues the driver may use (common cfg num_queues): the highest with a size, plus one. */
  get numQueues(): number {
    let n = 0;
    for (let i = 0; i < this.vrings.length; i++) if (this.vrings[i].num) n = i + 1;
    return n;
  }

  /** virtio_queue_set_num: only an existing queue, 1..1024. */
  setNum(i: number, num: number): void {
    const v = this.vrings[i];
    if (!v || !num !== !v.num || num > VIRTQUEUE_MAX_SIZE) return;
    v.num = num;
  }

  /** Modern queue_enable = 1. */
  enableQueue(i: number): void {
    const q = this.pq(i);
    this.setNum(i, q.num);
    const v = this.vrings[i];
    if (v?.num) {
      v.desc = hi32(q.desc[0], q.desc[1]);
      v.avail = hi32(q.avail[0], q.avail[1]);
      v.used = hi32(q.used[0], q.used[1]);
      this.device.queueReady(i, { size: v.num, desc: v.desc, avail: v.avail, used: v.used });
    }
    q.enabled = 1;
  }

  /** Modern queue_reset = 1: the queue forgets its rings and vector and is disabled. */
  resetQueue(i: number): void {
    const v = this.vrings[i];
    if (v) {
      v.num = this.device.queueSizeDefault?.(i) ?? 256;
      v.desc = v.avail = v.used = 0;
      this.device.queueDisable(i);
    }
    this.vectors.delete(i);
    this.pq(i).enabled = 0;
  }

  /** Legacy QUEUE_PFN: rings contiguous at `pa` with 4 KiB used-ring alignment. */
  setLegacyAddr(i: number, pa: number): void {
    const v = this.vrings[i];
    if (!v?.num) return;
    const a = legacyLayout(pa, v.num, 4096);
    v.desc = a.desc;
    v.avail = a.avail;
    v.used = a.used;
    this.device.queueReady(i, a);
  }

  /** virtio_queue_notify: a queue with rings, unless the device is broken or bus mastering is off. */
  notifyQueue(i: number): void {
    if (i >= VIRTIO_QUEUE_MAX || !this.vrings[i]?.desc || this.broken || this.disabled) return;
    if (this.device.pausesWhileStopped && !this.runState.running) this.deferred.add(i);
    else this.device.notify(i);
  }

  // ---- status and reset ----

  /** virtio_set_status, then the transport's reset on 0; `legacyIo` adds the old-Linux bus-master quirk. */
  writeStatus(val: number, legacyIo: boolean): void {
    const was = this.status;
    this.status = val & 0xff;
    if (this.status & R.STATUS_DRIVER_OK && !(was & R.STATUS_DRIVER_OK)) this.device.driverOk();
    if (this.status === 0) this.pciReset();
    // Linux before 2.6.34 drove the device without bus mastering; QEMU turns it on for such drivers.
    if (legacyIo && val === (R.STATUS_ACKNOWLEDGE | R.STATUS_DRIVER))
      this.writeConfig(PCI_COMMAND, 1, this.cfg.get(PCI_COMMAND, 1) | PCI_COMMAND_MASTER);
  }

  /** virtio_reset: the device and its queues to power-on state. */
  private virtioReset(): void {
    this.status = 0;
    this.isr = 0;
    this.queueSel = 0;
    this.configVector = VIRTIO_NO_VECTOR;
    this.guestFeatures = 0n;
    this.disabled = false;
    this.broken = false;
    this.vectors.clear();
    this.deferred.clear();
    this.vrings = [];
    for (let i = 0; i < this.device.numQueues; i++)
      this.vrings.push({
        num: this.device.queueSizeDefault?.(i) ?? 256,
        desc: 0,
        avail: 0,
        used: 0,
      });
    this.device.setFeatures(0n, !this.modern);
    this.device.reset();
    this.updateIrq();
  }

  /** virtio_pci_reset: virtio reset plus the proxy's queue registers (selectors and features stay). */
  pciReset(): void {
    this.virtioReset();
    this.proxy.clear();
  }

  override reset(): void {
    this.pciReset();
    this.msix.reset();
    this.proxyFeatures[0] = this.proxyFeatures[1] = 0;
    this.dfselect = this.gfselect = 0;
    super.reset();
  }

  // ---- interrupts ----

  /** ISR read (modern ISR region, legacy ISR register): returns and clears it, INTx drops. */
  readIsr(): number {
    const v = this.isr;
    this.isr = 0;
    this.setIrq(false);
    return v;
  }

  interrupt(queue?: number): void {
    this.isr |= 1;
    this.notifyVector(queue === undefined ? VIRTIO_NO_VECTOR : this.queueVector(queue));
  }

  configChanged(): void {
    if (!(this.status & R.STATUS_DRIVER_OK)) return;
    this.isr |= 3;
    this.generation = (this.generation + 1) >>> 0;
    this.notifyVector(this.configVector);
  }

  needsReset(message: string): void {
    this.trace(message);
    // virtio_error: NEEDS_RESET and its config interrupt first, then the device is broken (silent)
    if (this.guestFeatures & VERSION_1) {
      this.status |= R.STATUS_NEEDS_RESET;
      this.configChanged();
    }
    this.broken = true;
  }

  trace(message: string): void {
    this.env.log(`virtio-pci ${this.bdf}: ${message}`);
  }

  hostWork(): () => void {
    return this.env.hostWork?.() ?? (() => {});
  }

  get vmRunning(): boolean {
    return this.runState.running && !this.disabled;
  }

  /** The VM started: notifications that waited are processed now. */
  vmStarted(): void {
    for (const q of this.deferred) if (this.vrings[q]?.desc) this.device.notify(q);
    this.deferred.clear();
  }

  private get bdf(): string {
    const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
    return `00:${h(this.devfn >>> 3, 2)}.${this.devfn & 7}`;
  }

  /** virtio_notify_vector: nothing while disabled or broken; MSI-X when enabled, else INTx = ISR bit 0. */
  private notifyVector(vector: number): void {
    if (this.disabled || this.broken) return;
    if (this.msix.enabled) {
      if (vector !== VIRTIO_NO_VECTOR) this.msix.notify(vector);
    } else this.setIrq((this.isr & 1) !== 0);
  }

  private updateIrq(): void {
    this.notifyVector(VIRTIO_NO_VECTOR);
  }

  private sendMsi(address: number, data: number): void {
    if (this.busMaster) this.env.msiWrite(address, data);
  }

  // ---- config space hooks ----

  /** virtio_read_config: the PCI-config-access window reads through to the BAR region first. */
  override readConfig(addr: number, len: number): number {
    if (this.cfgCap && this.overlapsCfgData(addr, len)) this.cfgAccess(false);
    return super.readConfig(addr, len);
  }

  /** virtio_write_config: bus mastering off disables the device; the access window writes through. */
  override writeConfig(addr: number, len: number, value: number): void {
    super.writeConfig(addr, len, value);
    if (this.msix.configWritten(addr, len)) this.deassertIntx();
    if (addr <= PCI_COMMAND && PCI_COMMAND < addr + len) {
      if (!this.busMaster) {
        this.disabled = true;
        this.status &= ~R.STATUS_DRIVER_OK;
      } else this.disabled = false;
    }
    if (this.cfgCap && this.overlapsCfgData(addr, len)) this.cfgAccess(true);
  }

  private overlapsCfgData(addr: number, len: number): boolean {
    const d = this.cfgCap + 16;
    return addr < d + 4 && d < addr + len;
  }

  /** The window's offset/length select a 1-, 2- or 4-byte access to the modern regions. */
  private cfgAccess(write: boolean): void {
    const c = this.cfgCap;
    const len = this.cfg.get(c + 12, 4);
    // QEMU 7.2 looks the offset up among the modern regions whatever `bar` says
    if ((len !== 1 && len !== 2 && len !== 4) || !this.modernBar) return;
    const off = this.cfg.get(c + 8, 4) & ~(len - 1);
    if (off + len > this.modernBar.size) return;
    if (write) this.modernBar.write(off, len, this.cfg.get(c + 16, len));
    else this.cfg.set(c + 16, len, this.modernBar.read(off, len));
  }
}

/** Legacy header length when MSI-X is present (vector registers at 20 and 22). */
const R_CONFIG_OFF_MSIX = 24;
