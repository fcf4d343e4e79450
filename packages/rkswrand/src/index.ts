// @runikraft/rkswrand: ChaCha20 CSPRNG (ukswrand), seeded from `rkentropy` (virtio-rng) else DT rng-seed.
import { defineLibrary } from '@runikraft/rkboot';
import { findChosenProp } from './dt-seed';
import { installRandomGlobals } from './globals';
import { createSwrand } from './swrand';

export * from './api';
export { chacha20Block, chacha20Xor } from './chacha20';
export { ChaChaDrbg } from './csprng';
export { findChosenProp } from './dt-seed';
export { installRandomGlobals, randomGlobals } from './globals';
export { createSwrand, RESEED_INTERVAL, type RkSwrandImpl } from './swrand';

/**
 * The library: at `lib` level, seeds from the registered entropy source (virtio-rng, which the virtio
 * bus registers at `plat` level); if there is none or it fails, from `/chosen/rng-seed`.
 */
export const library = defineLibrary({
  name: 'rkswrand',
  version: '0.1.0',
  provides: ['rkswrand'],
  requires: ['rkplat'],
  initLevel: 'lib',
  async init({ registry, plat }) {
    const rng = createSwrand(registry.tryGet('rkentropy') ?? null);
    const n = await rng.reseed();
    if (n <= 0) {
      const seed = findChosenProp(plat.bootinfo.dtb, 'rng-seed');
      if (seed) rng.seedWith('dt-rng-seed', seed);
    }
    registry.provide('rkswrand', rng);
    // In a guest realm: crypto.getRandomValues/randomUUID and Math.random draw from this CSPRNG.
    installRandomGlobals(rng);
  },
});
