// The BAR contents of a virtio-pci function (QEMU 7.2 hw/virtio/virtio-pci.c): the modern 16 KiB BAR
// (common cfg at 0, ISR at 0x1000, device cfg at 0x2000, notify at 0x3000 with a multiplier of 4) and
// the legacy I/O BAR (virtio 1.2 §4.1.4.8: the 20-byte header, 24 with MSI-X on, then device config).
import type { MmioDevice } from '../mmio';
import { VIRTIO_QUEUE_MAX } from './ids';
import type { VirtioPciFunction } from './transport';

/** Bytes between two queues' notify addresses (QEMU without page-per-vq). */
export const NOTIFY_MULTIPLIER = 4;

// Common configuration (virtio 1.2 §4.1.4.3) offsets.
const DFSELECT = 0x00;
const DF = 0x04;
const GFSELECT = 0x08;
const GF = 0x0c;
const MSIX = 0x10;
const NUMQ = 0x12;
const STATUS = 0x14;
const CFGGENERATION = 0x15;
const Q_SELECT = 0x16;
const Q_SIZE = 0x18;
const Q_MSIX = 0x1a;
const Q_ENABLE = 0x1c;
const Q_NOFF = 0x1e;
const Q_DESCLO = 0x20;
const Q_DESCHI = 0x24;
const Q_AVAILLO = 0x28;
const Q_AVAILHI = 0x2c;
const Q_USEDLO = 0x30;
const Q_USEDHI = 0x34;
const Q_RESET = 0x3a;

/** BAR4: four 4 KiB regions; any access size, handled in pieces of at most 4 bytes. */
export class ModernBar implements MmioDevice {
  readonly name = 'virtio-pci';
  readonly size = 0x4000;
  readonly validMin = 1;
  readonly validMax = 0;
  readonly implMax = 4;

  constructor(private readonly f: VirtioPciFunction) {}

  read(offset: number, size: number): number {
    const f = this.f;
    if (offset < 0x1000) return commonRead(f, offset);
    if (offset < 0x2000) return f.readIsr();
    if (offset < 0x3000) return f.device.readConfig(offset - 0x2000, size as 1 | 2 | 4);
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    const f = this.f;
    if (offset < 0x1000) commonWrite(f, offset, value);
    else if (offset < 0x2000) return;
    else if (offset < 0x3000) {
      const off = offset - 0x2000;
      if (off + size <= f.device.configLen) f.device.writeConfig(off, size as 1 | 2 | 4, value);
    } else {
      const q = Math.floor((offset - 0x3000) / NOTIFY_MULTIPLIER);
      if (q < VIRTIO_QUEUE_MAX) f.notifyQueue(q);
    }
  }
}

function commonRead(f: VirtioPciFunction, offset: number): number {
  const sel = f.queueSel;
  const q = () => f.pq(sel);
  switch (offset) {
    case DFSELECT:
      return f.dfselect;
    case DF:
      return f.modernFeatures(f.dfselect);
    case GFSELECT:
      return f.gfselect;
    case GF:
      return f.gfselect < 2 ? f.proxyFeatures[f.gfselect] : 0;
    case MSIX:
      return f.configVector;
    case NUMQ:
      return f.numQueues;
    case STATUS:
      return f.status;
    case CFGGENERATION:
      return f.generation & 0xff;
    case Q_SELECT:
      return sel;
    case Q_SIZE:
      return f.vring(sel)?.num ?? 0;
    case Q_MSIX:
      return f.queueVector(sel);
    case Q_ENABLE:
      return q().enabled;
    case Q_NOFF:
      return sel;
    case Q_DESCLO:
      return q().desc[0];
    case Q_DESCHI:
      return q().desc[1];
    case Q_AVAILLO:
      return q().avail[0];
    case Q_AVAILHI:
      return q().avail[1];
    case Q_USEDLO:
      return q().used[0];
    case Q_USEDHI:
      return q().used[1];
    default:
      return 0;
  }
}

function commonWrite(f: VirtioPciFunction, offset: number, value: number): void {
  const sel = f.queueSel;
  switch (offset) {
    case DFSELECT:
      f.dfselect = value >>> 0;
      return;
    case GFSELECT:
      f.gfselect = value >>> 0;
      return;
    case GF:
      if (f.gfselect < 2) {
        f.proxyFeatures[f.gfselect] = value >>> 0;
        f.setGuestFeatures((BigInt(f.proxyFeatures[1]) << 32n) | BigInt(f.proxyFeatures[0]));
      }
      return;
    case MSIX:
      f.configVector = f.useVector(value & 0xffff);
      return;
    case STATUS:
      f.writeStatus(value & 0xff, false);
      return;
    case Q_SELECT:
      if ((value & 0xffff) < VIRTIO_QUEUE_MAX) f.queueSel = value & 0xffff;
      return;
    case Q_SIZE:
      f.pq(sel).num = value & 0xffff;
      f.setNum(sel, value & 0xffff);
      return;
    case Q_MSIX:
      f.setQueueVector(sel, value & 0xffff);
      return;
    case Q_ENABLE:
      if ((value & 0xffff) === 1) f.enableQueue(sel);
      else f.needsReset(`wrong value for queue_enable ${(value & 0xffff).toString(16)}`);
      return;
    case Q_DESCLO:
    case Q_DESCHI:
    case Q_AVAILLO:
    case Q_AVAILHI:
    case Q_USEDLO:
    case Q_USEDHI: {
      const p = f.pq(sel);
      const half = (offset & 4) >>> 2;
      if (offset < Q_AVAILLO) p.desc[half] = value >>> 0;
      else if (offset < Q_USEDLO) p.avail[half] = value >>> 0;
      else p.used[half] = value >>> 0;
      return;
    }
    case Q_RESET:
      if ((value & 0xffff) === 1) f.resetQueue(sel);
      return;
    default:
  }
}

// Legacy header (virtio 1.2 §4.1.4.8).
const L_HOST_FEATURES = 0;
const L_GUEST_FEATURES = 4;
const L_QUEUE_PFN = 8;
const L_QUEUE_NUM = 12;
const L_QUEUE_SEL = 14;
const L_QUEUE_NOTIFY = 16;
const L_STATUS = 18;
const L_ISR = 19;
const L_MSI_CONFIG_VECTOR = 20;
const L_MSI_QUEUE_VECTOR = 22;

/** BAR0 (I/O): the legacy header, then device config at 20 (24 while MSI-X is enabled). */
export class LegacyIoBar implements MmioDevice {
  readonly name = 'virtio-pci-legacy';
  readonly validMin = 1;
  readonly validMax = 0;
  readonly implMax = 4;

  constructor(
    private readonly f: VirtioPciFunction,
    readonly size: number,
  ) {}

  private get configOff(): number {
    return this.f.msix.enabled ? 24 : 20;
  }

  read(offset: number, size: number): number {
    const f = this.f;
    if (offset >= this.configOff)
      return f.device.readConfig(offset - this.configOff, size as 1 | 2 | 4);
    switch (offset) {
      case L_HOST_FEATURES:
        return Number(f.hostFeatures & 0xffffffffn);
      case L_GUEST_FEATURES:
        return Number(f.guestFeatures & 0xffffffffn);
      case L_QUEUE_PFN:
        return Math.floor((f.vring(f.queueSel)?.desc ?? 0) / 4096) >>> 0;
      case L_QUEUE_NUM:
        return f.vring(f.queueSel)?.num ?? 0;
      case L_QUEUE_SEL:
        return f.queueSel;
      case L_STATUS:
        return f.status;
      case L_ISR:
        return f.readIsr();
      case L_MSI_CONFIG_VECTOR:
        return f.configVector;
      case L_MSI_QUEUE_VECTOR:
        return f.queueVector(f.queueSel);
      default:
        return 0xffffffff;
    }
  }

  write(offset: number, size: number, value: number): void {
    const f = this.f;
    if (offset >= this.configOff) {
      const off = offset - this.configOff;
      if (off + size <= f.device.configLen) f.device.writeConfig(off, size as 1 | 2 | 4, value);
      return;
    }
    switch (offset) {
      case L_GUEST_FEATURES:
        f.setGuestFeatures(BigInt(value >>> 0));
        return;
      case L_QUEUE_PFN:
        if (value === 0) f.pciReset();
        else f.setLegacyAddr(f.queueSel, (value >>> 0) * 4096);
        return;
      case L_QUEUE_SEL:
        if (value >>> 0 < VIRTIO_QUEUE_MAX) f.queueSel = value >>> 0;
        return;
      case L_QUEUE_NOTIFY:
        if (value >>> 0 < VIRTIO_QUEUE_MAX) f.notifyQueue(value >>> 0);
        return;
      case L_STATUS:
        f.writeStatus(value & 0xff, true);
        return;
      case L_MSI_CONFIG_VECTOR:
        f.configVector = f.useVector(value & 0xffff);
        return;
      case L_MSI_QUEUE_VECTOR:
        f.setQueueVector(f.queueSel, value & 0xffff);
        return;
      default:
        f.trace(
          `legacy write of 0x${(value >>> 0).toString(16)} to 0x${offset.toString(16)} ignored`,
        );
    }
  }
}
