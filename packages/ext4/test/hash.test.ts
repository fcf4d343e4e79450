// Directory hashes against e2fsprogs' own (debugfs dx_hash) for every version, signed and unsigned,
// with the default seed and a volume's seed; names include bytes >= 0x80 (where signedness matters)
// and lengths around the 16- and 32-byte block sizes of TEA and half-MD4.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c } from '../src/crc32c';
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
