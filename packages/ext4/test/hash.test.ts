// Directory hashes against e2fsprogs' own (debugfs dx_hash) for every version, signed and unsigned,
// with the default seed and a volume's seed; names include bytes >= 0x80 (where signedness matters)
// and lengths around the 16- and 32-byte block sizes of TEA and half-MD4.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c, crc32cZeros } from '../src/crc32c';
import { dxHash } from '../src/hash';
import { DEBUGFS, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-hash-');
afterAll(() => rmrf(top));

describe('crc32c', () => {
  it('matches the standard check value (with the conventional inversions)', () => {
    const s = new TextEncoder().encode('123456789');
    expect((crc32c(0xffffffff, s) ^ 0xffffffff) >>> 0).toBe(0xe3069283);
    // split anywhere, the same register
    expect(crc32c(crc32c(0xffffffff, s, 0, 5), s, 5)).toBe(crc32c(0xffffffff, s));
  });

  it('folds runs of zeros in one step to the same register as byte by byte', () => {
    // the textbook bitwise register update, no tables
    const ref = (crc: number, b: Uint8Array, from: number, to: number): number => {
      let c = crc >>> 0;
      for (let i = from; i < to; i++) {
        c ^= b[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return c >>> 0;
    };
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    // blocks shaped as ext4 metadata: data islands in long zero runs (up to past 32 KiB), at
    // every alignment and length
    for (let round = 0; round < 60; round++) {
      const b = new Uint8Array(1 + (rand() % 70_000));
      for (let islands = rand() % 6; islands > 0; islands--) {
        const at = rand() % b.length;
        for (let i = at; i < Math.min(b.length, at + (rand() % 40)); i++) b[i] = rand() & 0xff;
      }
      const from = rand() % Math.min(b.length, 9);
      const to = b.length - (rand() % Math.min(b.length - from, 9));
      const c0 = rand() | 0;
      expect(crc32c(c0, b, from, to)).toBe(ref(c0, b, from, to));
    }
    // views into shared memory at word offsets (the block cache's guest RAM), alternating buffers
    const ram = new Uint8Array(new SharedArrayBuffer(3 * 4096));
    const other = new Uint8Array(4096 + 8);
    for (let i = 0; i < ram.length; i += 1 + (rand() % 300)) ram[i] = rand() & 0xff;
    other.set(ram.subarray(4096, 2 * 4096), 8);
    for (const off of [0, 4, 12, 4096, 4100]) {
      const v = ram.subarray(off, off + 4096);
      expect(crc32c(1, v)).toBe(ref(1, v, 0, v.length));
      expect(crc32c(1, other, 8)).toBe(ref(1, other, 8, other.length));
    }
    for (const n of [0, 1, 7, 8, 9, 4092, 4096, 32_768, 70_001]) {
      expect(crc32cZeros(0xffffffff, n)).toBe(ref(0xffffffff, new Uint8Array(n), 0, n));
    }
  });
});

describe.skipIf(!haveE2fs)('dx hashes equal debugfs dx_hash', () => {
  it('for all six versions, two seeds and awkward names', () => {
    const img = mkfs(top, '8M');
    const seed = '1ef3b87c-af95-42af-b7fb-8c9682164a0c';
    const hex = seed.replace(/-/g, '');
    const words = Uint32Array.from({ length: 4 }, (_, i) =>
      Buffer.from(hex.slice(i * 8, i * 8 + 8), 'hex').readUInt32LE(0),
    );
    const names: Uint8Array[] = [];
    for (const len of [1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 64, 100, 255]) {
      const b = new Uint8Array(len);
      // letters, digits and bytes >= 0xc0 (debugfs splits its arguments on blanks and quotes)
      const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
      for (let i = 0; i < len; i++)
        b[i] = i % 5 === 4 ? 0xc0 + ((i * 7) % 64) : abc.charCodeAt((i * 37 + len) % abc.length);
      names.push(b);
    }
    const cmds: string[] = [];
    const want: number[] = [];
    for (const v of [0, 1, 2, 3, 4, 5])
      for (const s of [null, seed])
        for (const n of names) {
          cmds.push(`dx_hash -h ${v}${s ? ` -s ${s}` : ''} ${Buffer.from(n).toString('latin1')}`);
          want.push(dxHash(n, v, s ? words : new Uint32Array(4)));
        }
    const f = join(top, 'cmds');
    writeFileSync(f, Buffer.from(`${cmds.join('\n')}\n`, 'latin1'));
    const out = execFileSync(DEBUGFS, ['-f', f, img], { stdio: 'pipe' }).toString('latin1');
    const got = [...out.matchAll(/Hash of .* is 0x([0-9a-f]+)/g)].map((m) =>
      Number.parseInt(m[1]!, 16),
    );
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(want[i], cmds[i]).toBe(got[i]);
  });
});
