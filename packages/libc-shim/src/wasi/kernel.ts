// What the preview1 imports need from the kernel. A booted image builds it from the registry
// (library.ts); host tests build it from a vfscore over ramfs and a fake clock.
import { Errno } from '@runikraft/errno';
import { RkPosix } from '@runikraft/posix';
import type { RkSocket } from '@runikraft/rknet';
import type { RkSched } from '@runikraft/rksched';
import type { RkVfs } from '@runikraft/vfscore';

/** The network as the socket imports see it: rknet's stack, or a test's. */
export interface WasiNet {
  /** A new socket (Linux's domain/type/protocol numbers). @returns it or -errno. */
  socket(domain: number, type: number, protocol: number): RkSocket | number;
  /** IPv4 addresses of `name` (the stack's DNS stub resolver). @returns them or -errno. */
  resolve(name: string): Promise<number[] | number>;
}

export interface WasiKernel {
  /** Files: each program gets a POSIX process (packages/posix) over it, with the kernel's 0–2 as its stdio. */
  readonly vfs: RkVfs;
  /** The scheduler the program's process parks on (poll_oneoff on pipes, sockets, the console). */
  readonly sched: RkSched;
  /**
   * The clock `id` in nanoseconds (preview1 clock ids = Linux's: 0 realtime since the epoch,
   * 1 monotonic, 2 process CPU time, 3 thread CPU time). @returns null for an unknown clock.
   */
  clockNs(id: number): bigint | null;
  /**
   * The monotonic or CPU-time clock `id` (1–3) in nanoseconds as a number: clock_time_get's read,
   * without a BigInt per call. Exact below 2^53 ns (104 days; beyond, clock_time_get falls back to
   * clockNs). @returns -1 for a clock it does not serve. Optional: without it every read is clockNs.
   */
  clockNowNs?(id: number): number;
  /** The clocks' resolution in nanoseconds. */
  readonly clockResNs: bigint;
  /** Fills `buf` with CSPRNG bytes. */
  random(buf: Uint8Array): void;
  /** Lets other threads run. */
  yield(): Promise<void>;
  /** Parks the calling thread for `ns` nanoseconds. */
  sleepNs(ns: number): Promise<unknown>;
  /** The network, when the image has one (asked at the first socket call). */
  net?(): WasiNet | null;
}

/**
 * A program's POSIX process over the kernel: its descriptor table is the WASI fd space (stdio is
 * duplicated from the kernel's 0–2 when the program starts; every descriptor closes at its exit).
 */
export function wasiProcess(
  k: WasiKernel,
  args: readonly string[],
  env: readonly string[],
): RkPosix {
  return new RkPosix({
    sched: k.sched,
    clockNs: (id) => {
      const t = k.clockNs(id);
      return t === null ? -Errno.EINVAL : Number(t);
    },
    vfs: k.vfs,
    argv: args,
    env,
  });
}
