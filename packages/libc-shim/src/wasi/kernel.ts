// What the preview1 imports need from the kernel. A booted image builds it from the registry
// (library.ts); host tests build it from a vfscore over ramfs and a fake clock.
import type { RkVfs } from '@runikraft/vfscore';

export interface WasiKernel {
  readonly vfs: RkVfs;
  /**
   * The clock `id` in nanoseconds (preview1 clock ids = Linux's: 0 realtime since the epoch,
   * 1 monotonic, 2 process CPU time, 3 thread CPU time). @returns null for an unknown clock.
   */
  clockNs(id: number): bigint | null;
  /** The clocks' resolution in nanoseconds. */
  readonly clockResNs: bigint;
  /** Fills `buf` with CSPRNG bytes. */
  random(buf: Uint8Array): void;
  /** Lets other threads run. */
  yield(): Promise<void>;
  /** Parks the calling thread for `ns` nanoseconds. */
  sleepNs(ns: number): Promise<unknown>;
}
