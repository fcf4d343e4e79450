// The seam between the virtio-mmio transport and a device model (QEMU's VirtioDeviceClass ↔
// VirtioBusState): what a device offers and the callbacks the transport makes (virtio 1.2 §2, §4.2).
import type { GuestRam } from '../../isa/hart';
import type { VirtqAddrs } from '../virtio/queue/layout';

export type { VirtqAddrs };

/** What the transport gives a device. */
export interface VirtioHost {
  readonly ram: GuestRam;
  /**
   * Used-buffer notification of queue `queue`: InterruptStatus bit 0, IRQ line raised (PLIC pending
   * latched); on PCI with MSI-X on, the queue's vector.
   */
  interrupt(queue?: number): void;
  /** Configuration change (only once DRIVER_OK): InterruptStatus reads 0x3 as QEMU's, ConfigGeneration + 1. */
  configChanged(): void;
  /** Driver bug: DEVICE_NEEDS_RESET (modern) + config interrupt, and a "driver bug: ..." trace line. */
  needsReset(message: string): void;
  /** A trace line for the machine log. */
  trace?(message: string): void;
  /**
   * The device started host work (a request to a host service) that it will complete with
   * interrupt(); call the returned release when it is done (or abandoned). On the virtual clock,
   * time holds still meanwhile (see HostScheduler.beginHostWork). Devices that answer synchronously
   * inside queueNotify, as QEMU's do under TCG, never need it.
   */
  hostWork(): () => void;
  /** False while the VM is stopped (`-S` before it starts): QEMU's `vdev->vm_running`. */
  readonly vmRunning?: boolean;
}

/** A virtio device model plugged into a virtio-mmio slot. */
export interface VirtioDevice {
  /** 1 net, 2 blk, 4 rng, 9 9p, ... */
  readonly deviceId: number;
  /** Queues 0..numQueues-1 exist (QueueNumMax reads 1024 for them, 0 beyond). */
  readonly numQueues: number;
  /**
   * QEMU's device checks vm_running (virtio-rng, virtio-net): while the VM is stopped its queue
   * notifications wait, and they are processed when it starts.
   */
  readonly pausesWhileStopped?: boolean;
  /** Config-space length; reads past it return all-ones, writes past it are ignored. */
  readonly configLen: number;
  /** Default QueueNum of queue `index` before the driver writes one (QEMU's queue size); 256 if absent. */
  queueSizeDefault?(index: number): number;
  /** Every offered feature bit as QEMU reports it in that mode (legacy: no VERSION_1, plus legacy-only bits). */
  hostFeatures(legacy: boolean): bigint;
  /** The driver's accepted features: legacy at DriverFeatures, modern when FEATURES_OK is written. */
  setFeatures(accepted: bigint, legacy: boolean): void;
  /** Config space access inside [0, configLen), little-endian. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  attach(host: VirtioHost): void;
  /** Queue `index` is usable at `addrs` (modern QueueReady=1; legacy QueuePFN≠0 or a later QueueNum/Align). */
  queueReady(index: number, addrs: VirtqAddrs): void;
  /** Modern QueueReady=0. */
  queueDisable(index: number): void;
  /** QueueNotify for an existing queue with a ring address. Runs synchronously, as QEMU under TCG. */
  notify(index: number): void;
  /** Device reset (Status=0, legacy QueuePFN=0, machine reset). */
  reset(): void;
  /** Status gained DRIVER_OK. */
  driverOk(): void;
  /** Releases host resources at power-off. */
  close?(): void | Promise<void>;
}
