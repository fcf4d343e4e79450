// The modern virtio-pci transport (virtio 1.2 §4.1.4; Linux virtio_pci_modern.c): the common, notify,
// ISR and device-config structures found through vendor capabilities, each in a BAR rkpci assigned.
import type { RkPciDevice } from '@runikraft/rkpci/driver';
import type { RkPlatDevices } from '@runikraft/rkplat';
import * as P from './pci-regs';
import * as R from './regs';
import type { VirtioTransport } from './virtio-dev';

/** One located structure: where the CPU reaches it and how many bytes it spans. */
export interface VirtioPciRegion {
  readonly addr: number;
  readonly len: number;
}

export interface VirtioPciModernCaps {
  readonly common: VirtioPciRegion;
  readonly notify: VirtioPciRegion;
  readonly notifyOffMultiplier: number;
  readonly isr: VirtioPciRegion;
  readonly device: VirtioPciRegion | null;
}

/**
 * Finds the structures as Linux's virtio_pci_find_capability: the first capability of each type
 * whose BAR is an assigned one and whose window lies inside it.
 * @returns them, or a sentence naming what is missing or malformed (null caps: not a modern device).
 */
export function findModernCaps(dev: RkPciDevice): VirtioPciModernCaps | string | null {
  const found = new Map<number, { region: VirtioPciRegion; capOff: number }>();
  const bad: string[] = [];
  for (const cap of dev.capabilities()) {
    if (cap.id !== 0x09) continue; // PCI_CAP_ID_VNDR
    const type = dev.configRead(cap.offset + P.VIRTIO_PCI_CAP_CFG_TYPE, 1);
    if (found.has(type) || type < P.VIRTIO_PCI_CAP_COMMON_CFG || type > P.VIRTIO_PCI_CAP_DEVICE_CFG)
      continue;
    const barIx = dev.configRead(cap.offset + P.VIRTIO_PCI_CAP_BAR, 1);
    const off = dev.configRead(cap.offset + P.VIRTIO_PCI_CAP_OFFSET, 4);
    const len = dev.configRead(cap.offset + P.VIRTIO_PCI_CAP_LENGTH, 4);
    const bar = barIx < 6 ? dev.bars[barIx] : undefined;
    if (!bar || bar.cpuAddr < 0 || off + len > bar.size) {
      bad.push(
        `capability type ${type} at 0x${cap.offset.toString(16)} names BAR ${barIx} +0x${off.toString(16)} (${len} bytes), which is not an assigned BAR region`,
      );
      continue;
    }
    found.set(type, { region: { addr: bar.cpuAddr + off, len }, capOff: cap.offset });
  }
  const common = found.get(P.VIRTIO_PCI_CAP_COMMON_CFG);
  const notify = found.get(P.VIRTIO_PCI_CAP_NOTIFY_CFG);
  const isr = found.get(P.VIRTIO_PCI_CAP_ISR_CFG);
  if (!common && !notify && !isr && !bad.length) return null;
  if (!common || !notify || !isr)
    return (
      bad[0] ??
      `modern capabilities incomplete (common ${!!common}, notify ${!!notify}, isr ${!!isr})`
    );
  if (common.region.len < P.VIRTIO_PCI_COMMON_CFG_SIZE)
    return `common configuration of ${common.region.len} bytes is shorter than ${P.VIRTIO_PCI_COMMON_CFG_SIZE}`;
  return {
    common: common.region,
    notify: notify.region,
    notifyOffMultiplier: dev.configRead(notify.capOff + P.VIRTIO_PCI_NOTIFY_CAP_MULT, 4),
    isr: isr.region,
    device: found.get(P.VIRTIO_PCI_CAP_DEVICE_CFG)?.region ?? null,
  };
}

export class VirtioPciModern implements VirtioTransport {
  readonly legacy = false;
  readonly fixedQueueSize = false;
  readonly location: string;

  constructor(
    private readonly io: Pick<RkPlatDevices, 'read' | 'write'>,
    readonly pci: RkPciDevice,
    private readonly caps: VirtioPciModernCaps,
    readonly deviceId: number,
  ) {
    this.location = pci.name;
  }

  get irq(): number {
    return this.pci.irq;
  }

  /** CPU address of the common configuration structure. */
  get commonAddr(): number {
    return this.caps.common.addr;
  }

  private r(off: number, w: 1 | 2 | 4): number {
    return this.io.read(this.caps.common.addr + off, w) >>> 0;
  }
  private w(off: number, w: 1 | 2 | 4, v: number): void {
    this.io.write(this.caps.common.addr + off, w, v >>> 0);
  }

  status(): number {
    return this.r(P.VIRTIO_PCI_COMMON_STATUS, 1);
  }
  addStatus(bits: number): void {
    this.w(P.VIRTIO_PCI_COMMON_STATUS, 1, this.status() | bits);
  }
  /** Writes 0 and waits (bounded) for the device to read back 0, as §4.1.4.3.2 requires. */
  reset(): void {
    this.w(P.VIRTIO_PCI_COMMON_STATUS, 1, 0);
    for (let i = 0; i < 1000 && this.status() !== 0; i++);
  }

  negotiate(wanted: bigint): bigint | null {
    this.w(P.VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
    const lo = this.r(P.VIRTIO_PCI_COMMON_DF, 4);
    this.w(P.VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
    const hi = this.r(P.VIRTIO_PCI_COMMON_DF, 4);
    const dev = (BigInt(hi) << 32n) | BigInt(lo);
    const v1 = 1n << BigInt(R.VIRTIO_F_VERSION_1);
    if (!(dev & v1)) return null;
    const f = (wanted & dev) | v1;
    this.w(P.VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
    this.w(P.VIRTIO_PCI_COMMON_GF, 4, Number(f & 0xffffffffn));
    this.w(P.VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
    this.w(P.VIRTIO_PCI_COMMON_GF, 4, Number(f >> 32n));
    this.addStatus(R.VIRTIO_CONFIG_S_FEATURES_OK);
    return this.status() & R.VIRTIO_CONFIG_S_FEATURES_OK ? f : null;
  }

  queueMax(i: number): number {
    if (i >= this.r(P.VIRTIO_PCI_COMMON_NUMQ, 2)) return 0;
    this.w(P.VIRTIO_PCI_COMMON_Q_SELECT, 2, i);
    return this.r(P.VIRTIO_PCI_COMMON_Q_SIZE, 2);
  }

  private readonly notifyAt = new Map<number, number>();

  setupQueue(i: number, size: number, desc: number, avail: number, used: number): boolean {
    const hi = (a: number) => Math.floor(a / 0x100000000);
    this.w(P.VIRTIO_PCI_COMMON_Q_SELECT, 2, i);
    this.w(P.VIRTIO_PCI_COMMON_Q_SIZE, 2, size);
    this.w(P.VIRTIO_PCI_COMMON_Q_DESCLO, 4, desc);
    this.w(P.VIRTIO_PCI_COMMON_Q_DESCHI, 4, hi(desc));
    this.w(P.VIRTIO_PCI_COMMON_Q_AVAILLO, 4, avail);
    this.w(P.VIRTIO_PCI_COMMON_Q_AVAILHI, 4, hi(avail));
    this.w(P.VIRTIO_PCI_COMMON_Q_USEDLO, 4, used);
    this.w(P.VIRTIO_PCI_COMMON_Q_USEDHI, 4, hi(used));
    // §4.1.4.4: the queue's notify address is cap.offset + queue_notify_off * notify_off_multiplier
    const off = this.r(P.VIRTIO_PCI_COMMON_Q_NOFF, 2) * this.caps.notifyOffMultiplier;
    if (off + 2 > this.caps.notify.len) return false;
    this.notifyAt.set(i, this.caps.notify.addr + off);
    this.w(P.VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
    return true;
  }

  /** Notifies queue `i` (one set up: setupQueue refused the others). */
  notify(i: number): void {
    const at = this.notifyAt.get(i);
    if (at !== undefined) this.io.write(at, 2, i);
  }

  /** Reading the ISR byte acknowledges it (§4.1.4.5). */
  ackInterrupt(): number {
    return this.io.read(this.caps.isr.addr, 1) & 0xff;
  }

  /** @returns the field, or 0 past the device-configuration structure. */
  config(off: number, width: 1 | 2 | 4): number {
    const d = this.caps.device;
    if (!d || off < 0 || off + width > d.len) return 0;
    return this.io.read(d.addr + off, width) >>> 0;
  }
}
