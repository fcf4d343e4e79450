// rkswrand front end: seeding policy, getrandom flags, fast key erasure, DT rng-seed parsing.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { GRND_NONBLOCK, type RkEntropySource } from '../src/api';
import { ChaChaDrbg } from '../src/csprng';
import { findChosenProp } from '../src/dt-seed';
import { createSwrand } from '../src/swrand';

function fakeSource(byte: number, ret?: number): RkEntropySource & { calls: number } {
  return {
    name: 'virtio-rng',
    calls: 0,
    async read(buf) {
      this.calls++;
      buf.fill(byte);
      return ret ?? buf.length;
    },
  };
}

/** A minimal FDT with /chosen/rng-seed = seed (built by hand: header, struct, strings). */
function fdtWithSeed(seed: Uint8Array): Uint8Array {
  const strings = new TextEncoder().encode('rng-seed\0');
  const words: number[] = [];
  const pushStr = (s: string) => {
    const b = new TextEncoder().encode(`${s}\0`);
    const padded = new Uint8Array((b.length + 3) & ~3);
    padded.set(b);
    for (let i = 0; i < padded.length; i += 4) words.push(new DataView(padded.buffer).getUint32(i));
  };
  words.push(1);
  pushStr('');
  words.push(1);
  pushStr('chosen');
  words.push(3, seed.length, 0);
  const sp = new Uint8Array((seed.length + 3) & ~3);
  sp.set(seed);
  for (let i = 0; i < sp.length; i += 4) words.push(new DataView(sp.buffer).getUint32(i));
  words.push(2, 2, 9);
  const structOff = 40;
  const stringsOff = structOff + words.length * 4;
  const total = stringsOff + strings.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xd00dfeed);
  dv.setUint32(4, total);
  dv.setUint32(8, structOff);
  dv.setUint32(12, stringsOff);
  words.forEach((w, i) => {
    dv.setUint32(structOff + 4 * i, w);
  });
  out.set(strings, stringsOff);
  return out;
}

describe('createSwrand', () => {
  it('refuses GRND_NONBLOCK before seeding, then serves after reseed from the entropy source', async () => {
    const src = fakeSource(7);
    const r = createSwrand(src);
    expect(r.getrandom(new Uint8Array(8), GRND_NONBLOCK)).toBe(-Errno.EAGAIN);
    expect(await r.reseed()).toBe(32);
    expect(r.seeded).toBe(true);
    expect(r.seedSource).toBe('virtio-rng');
    const a = new Uint8Array(100);
    expect(r.getrandom(a, GRND_NONBLOCK)).toBe(100);
    expect(a.some((x) => x !== 0)).toBe(true);
  });

  it('rejects unknown flags with -EINVAL', () => {
    expect(createSwrand().getrandom(new Uint8Array(1), 0x80)).toBe(-Errno.EINVAL);
  });

  it('propagates a failing source errno and stays unseeded', async () => {
    const r = createSwrand(fakeSource(1, -Errno.EIO));
    expect(await r.reseed()).toBe(-Errno.EIO);
    expect(r.seeded).toBe(false);
  });

  it('same seed gives the same stream; different seeds differ; consecutive outputs differ', () => {
    const a = new ChaChaDrbg();
    const b = new ChaChaDrbg();
    const c = new ChaChaDrbg();
    a.reseed(new Uint8Array(32).fill(1));
    b.reseed(new Uint8Array(32).fill(1));
    c.reseed(new Uint8Array(32).fill(2));
    const [x, y, z, w] = [
      new Uint8Array(64),
      new Uint8Array(64),
      new Uint8Array(64),
      new Uint8Array(64),
    ];
    a.fill(x);
    b.fill(y);
    c.fill(z);
    a.fill(w);
    expect(x).toEqual(y);
    expect(x).not.toEqual(z);
    expect(x).not.toEqual(w);
  });

  it('output bytes are roughly uniform (chi-square over 64 KiB)', () => {
    const r = createSwrand();
    r.addEntropy(new Uint8Array(32).fill(3));
    const buf = new Uint8Array(65536);
    r.getrandom(buf);
    const counts = new Array(256).fill(0);
    for (const b of buf) counts[b]++;
    const exp = buf.length / 256;
    const chi = counts.reduce((s, c) => s + (c - exp) ** 2 / exp, 0);
    expect(chi).toBeLessThan(350); // 255 dof, p≈0.0001 bound
  });
});

describe('findChosenProp', () => {
  it('finds /chosen/rng-seed in a well-formed blob', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 3);
    expect(findChosenProp(fdtWithSeed(seed), 'rng-seed')).toEqual(seed);
  });

  it('returns null for absent props, bad magic, truncation and random bytes', () => {
    const good = fdtWithSeed(new Uint8Array(8));
    expect(findChosenProp(good, 'bootargs')).toBeNull();
    expect(findChosenProp(new Uint8Array(64), 'rng-seed')).toBeNull();
    for (let cut = 0; cut < good.length; cut += 7) {
      expect(() => findChosenProp(good.subarray(0, cut), 'rng-seed')).not.toThrow();
    }
    for (let i = 0; i < 200; i++) {
      const junk = good.slice();
      junk[40 + ((i * 13) % (junk.length - 40))] ^= i + 1;
      expect(() => findChosenProp(junk, 'rng-seed')).not.toThrow();
    }
  });

  it('reads the rng-seed of the real QEMU virt-default.dtb', async () => {
    const { readFileSync } = await import('node:fs');
    const dtb = new Uint8Array(readFileSync('/work/shared/reference/qemu-virt/virt-default.dtb'));
    const seed = findChosenProp(dtb, 'rng-seed');
    expect(seed?.length).toBe(32);
  });
});
