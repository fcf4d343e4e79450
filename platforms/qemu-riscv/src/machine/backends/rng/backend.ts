// The entropy source behind virtio-rng (QEMU `-object rng-random` / rng-builtin): node:crypto.
import { randomFillSync } from 'node:crypto';

export interface RngBackend {
  /** Fills `dst` with entropy. @returns bytes filled. */
  fill(dst: Uint8Array): number;
}

/** The host's CSPRNG (getrandom(2) via OpenSSL/libuv), like QEMU's default rng-builtin. */
export const hostRng: RngBackend = {
  fill(dst: Uint8Array): number {
    randomFillSync(dst);
    return dst.length;
  },
};

/** A deterministic source for tests: bytes 0, 1, 2, ... (mod 256) continuing across calls. */
export function counterRng(): RngBackend {
  let n = 0;
  return {
    fill(dst: Uint8Array): number {
      for (let i = 0; i < dst.length; i++) dst[i] = n++ & 0xff;
      return dst.length;
    },
  };
}
