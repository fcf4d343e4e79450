// crypto.getRandomValues and Math.random for the guest realm, from the ChaCha20 CSPRNG.
import { provideGlobal } from '@runikraft/rkboot';
import type { RkSwrand } from './api';

const MAX_BYTES = 65536;

/** The guest's `crypto` (getRandomValues, randomUUID) and `Math.random` source over `rng`. */
export function randomGlobals(rng: Pick<RkSwrand, 'getrandom' | 'randomU32'>) {
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    const integer =
      array instanceof Int8Array ||
      array instanceof Uint8Array ||
      array instanceof Uint8ClampedArray ||
      array instanceof Int16Array ||
      array instanceof Uint16Array ||
      array instanceof Int32Array ||
      array instanceof Uint32Array ||
      array instanceof BigInt64Array ||
      array instanceof BigUint64Array;
    if (!integer)
      throw new TypeError('crypto.getRandomValues: the argument must be an integer typed array');
    if (array.byteLength > MAX_BYTES)
      throw new RangeError(
        `crypto.getRandomValues: ${array.byteLength} bytes requested, at most ${MAX_BYTES} (QuotaExceededError)`,
      );
    rng.getrandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  };
  const randomUUID = (): string => {
    const b = getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  // 27 + 26 = 53 random bits → a double uniform in [0, 1) at full mantissa resolution.
  const random = () => ((rng.randomU32() >>> 5) * 2 ** 26 + (rng.randomU32() >>> 6)) / 2 ** 53;
  return { crypto: Object.freeze({ getRandomValues, randomUUID }), random };
}

/** Installs `crypto` and `Math.random`. @returns false outside a guest realm. */
export function installRandomGlobals(rng: Pick<RkSwrand, 'getrandom' | 'randomU32'>): boolean {
  const g = randomGlobals(rng);
  if (!provideGlobal('crypto', g.crypto)) return false;
  provideGlobal('Math.random', g.random);
  return true;
}
