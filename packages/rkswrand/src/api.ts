// The rkswrand API (ukswrand: uk/swrand.h, getrandom(2) semantics) and the entropy-source contract.
// The registry augmentation below needs rkboot in the program (tsup's d.ts build resolves it only when imported).
import type {} from '@runikraft/rkboot';

/** getrandom flag: fail with -EAGAIN instead of returning unseeded output. */
export const GRND_NONBLOCK = 0x1;
/** getrandom flag: accepted for compatibility; there is one pool. */
export const GRND_RANDOM = 0x2;

/** A hardware entropy source (virtio-rng registers one as `rkentropy`). */
export interface RkEntropySource {
  readonly name: string;
  /**
   * Fills up to `buf.length` bytes with entropy. Parks the caller until the device answers.
   * @returns bytes filled (>0), or a negative errno (-EIO device failure, -ENODEV gone).
   */
  read(buf: Uint8Array): Promise<number>;
}

/** The software random generator. */
export interface RkSwrand {
  /**
   * Fills `buf` with random bytes (getrandom(2)). Never blocks; any context.
   * @returns `buf.length`, or -EAGAIN with GRND_NONBLOCK while never seeded, or -EINVAL for unknown flags.
   */
  getrandom(buf: Uint8Array, flags?: number): number;
  /** A uniformly random unsigned 32-bit integer (uk_swrand_randr). */
  randomU32(): number;
  /** Mixes caller-supplied entropy into the generator. */
  addEntropy(bytes: Uint8Array): void;
  /**
   * Reseeds from the registered entropy source (32 bytes). Parks the caller.
   * @returns bytes mixed in, 0 when no source is registered, or the source's negative errno.
   */
  reseed(): Promise<number>;
  /** Where the last seed came from: 'virtio-rng', 'dt-rng-seed', 'none', ... */
  readonly seedSource: string;
  readonly seeded: boolean;
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rkswrand: RkSwrand;
    rkentropy: RkEntropySource;
  }
}
