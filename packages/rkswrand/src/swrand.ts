// The RkSwrand front end: getrandom flags, seeding policy (entropy source first, DT rng-seed fallback).
import { Errno } from '@runikraft/errno';
import { GRND_NONBLOCK, GRND_RANDOM, type RkEntropySource, type RkSwrand } from './api';
import { ChaChaDrbg } from './csprng';

/** Bytes after which `getrandom` schedules nothing but `reseed()` is advised (ukswrand reseeds per 1 MiB). */
export const RESEED_INTERVAL = 1 << 20;

/** Creates a generator; `source` (optional) is read by {@link RkSwrand.reseed}. */
export interface RkSwrandImpl extends RkSwrand {
  /** True once RESEED_INTERVAL bytes have been produced since the last seed. */
  needsReseed(): boolean;
  /** Mixes `bytes` in and records `name` as the seed source (when >= 16 bytes). */
  seedWith(name: string, bytes: Uint8Array): void;
}

export function createSwrand(source?: RkEntropySource | null): RkSwrandImpl {
  const drbg = new ChaChaDrbg();
  let seedSource = 'none';
  const word = new Uint8Array(4);
  return {
    getrandom(buf: Uint8Array, flags = 0): number {
      if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM)) !== 0) return -Errno.EINVAL;
      if (!drbg.isSeeded && (flags & GRND_NONBLOCK) !== 0) return -Errno.EAGAIN;
      drbg.fill(buf);
      return buf.length;
    },
    randomU32(): number {
      drbg.fill(word);
      return (word[0] | (word[1] << 8) | (word[2] << 16) | (word[3] << 24)) >>> 0;
    },
    addEntropy(bytes: Uint8Array): void {
      drbg.reseed(bytes);
      if (bytes.length >= 16 && seedSource === 'none') seedSource = 'caller';
    },
    async reseed(): Promise<number> {
      if (!source) return 0;
      const buf = new Uint8Array(32);
      const n = await source.read(buf);
      if (n <= 0) return n;
      drbg.reseed(buf.subarray(0, n));
      buf.fill(0);
      seedSource = source.name;
      return n;
    },
    needsReseed: () => drbg.bytesSinceReseed >= RESEED_INTERVAL,
    get seedSource() {
      return seedSource;
    },
    get seeded() {
      return drbg.isSeeded;
    },
    seedWith(name: string, bytes: Uint8Array): void {
      drbg.reseed(bytes);
      if (bytes.length >= 16) seedSource = name;
    },
  };
}
