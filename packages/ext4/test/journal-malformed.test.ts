// Malformed journals: seeded corruption of the journal super block, descriptor, commit and revoke
// blocks and logged copies of a journal that needs recovery. The mount either replays what is
// intact (csum v3: then e2fsck -fn is clean) or is refused with a message naming the journal, the
// disk untouched — never an exception or a hang.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RamdiskBlkdev } from '@runikraft/rkblkdev/ramdisk';
import { afterAll, describe, expect, it } from 'vitest';
import { fsck, haveE2fs, mkfs, mountImage, rmrf, scratch } from './helpers/image';
import { debugfsScript, journalOffset } from './helpers/journal';

const top = scratch('rk-ext4-jfuzz-');
afterAll(() => rmrf(top));

/** An 8 MiB image whose journal holds: tx1 (1 block), tx2 (2), tx3 (a revoke), tx4 uncommitted. */
function journaled(csum: boolean): { img: Uint8Array; blocks: number[] } {
  const img = mkfs(top, '8M', { args: ['-b', '1024'] });
  const f = join(top, 'blk');
  writeFileSync(f, new Uint8Array(2048).fill(0x5a));
  const [a, b, c] = [3000, 3001, 3002];
  debugfsScript(top, img, [
    csum ? 'jo -c' : 'jo',
    `jw -b ${a} ${f}`,
    `jw -b ${b},${c} ${f}`,
    `jw -r ${c}`,
    `jw -b ${a} -c ${f}`,
    'jc',
  ]);
  // journal blocks 0 (super) .. 11 (tx4's copy)
  const blocks = Array.from({ length: 12 }, (_, j) => journalOffset(img, 1024, j));
  return { img: new Uint8Array(readFileSync(img)), blocks };
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

describe.skipIf(!haveE2fs)('malformed journals', () => {
  for (const csum of [true, false])
    it(`refuses precisely or replays what is intact (${csum ? 'csum v3' : 'no checksums'})`, async () => {
      const { img, blocks } = journaled(csum);
      const outcomes = new Map<string, number>();
      for (let seed = 1; seed <= 40; seed++) {
        const r = rng(seed * 7919 + (csum ? 1 : 0));
        const bad = img.slice();
        const j = r(blocks.length);
        // header and tag fields mostly (the first 64 bytes), sometimes anywhere in the block
        const span = r(3) === 0 ? 1024 : 64;
        for (let k = 0, n = 1 + r(4); k < n; k++) bad[blocks[j]! + r(span)] ^= 1 + r(255);
        const before = bad.slice();
        const m = await mountImage(bad);
        if ('errno' in m) {
          expect(m.log.join(''), `seed ${seed}`).toMatch(/journal/);
          expect(Buffer.from((m.drv as RamdiskBlkdev).disk).equals(Buffer.from(before))).toBe(true);
          const why = m.log.join('').replace(/.*: (journal[^:]*).*\n?/s, '$1');
          outcomes.set(why, (outcomes.get(why) ?? 0) + 1);
          continue;
        }
        await m.close();
        outcomes.set('mounted', (outcomes.get('mounted') ?? 0) + 1);
        if (csum) {
          const out = join(top, `fuzz-${seed}.img`);
          writeFileSync(out, (m.drv as RamdiskBlkdev).disk);
          const [st, text] = fsck(out);
          expect(st, `seed ${seed} journal block ${j}: ${text}`).toBe(0);
        }
      }
      expect(outcomes.get('mounted') ?? 0).toBeGreaterThan(0);
    }, 60_000);

  /** Big-endian store into a copy of `img`. */
  const poke = (img: Uint8Array, at: number, v: number) => {
    const b = img.slice();
    new DataView(b.buffer).setUint32(at, v >>> 0);
    return b;
  };

  it('names the bad field: super block, tag, revoke count, logged copy; drops a torn commit', async () => {
    const { img, blocks } = journaled(true);
    const plain = journaled(false);
    const cases: [string, Uint8Array, RegExp][] = [
      ['magic', poke(img, blocks[0]!, 0x12345678), /journal super block magic 0x12345678/],
      ['s_first', poke(plain.img, plain.blocks[0]! + 0x14, 0), /journal s_first 0/],
      ['s_start', poke(plain.img, plain.blocks[0]! + 0x1c, 9999), /journal s_start 9999 outside/],
      ['block size', poke(plain.img, plain.blocks[0]! + 0xc, 4096), /journal block size 4096/],
      ['sb checksum', poke(img, blocks[0]! + 0x18, 77), /journal super block checksum/],
      ['incompat', poke(img, blocks[0]! + 0x28, 0x20), /fast_commit is not supported/],
      // no checksums: the first tag of tx2's descriptor (journal block 4) logs block 10^9
      ['tag', poke(plain.img, plain.blocks[4]! + 12, 1e9), /tag logs block 1000000000, outside/],
      ['r_count', poke(plain.img, plain.blocks[8]! + 12, 5000), /revoke block r_count 5000/],
      ['copy', poke(img, blocks[5]! + 100, 1), /checksum of the logged copy of block 3001/],
    ];
    for (const [what, bad, msg] of cases) {
      const before = Buffer.from(bad);
      const m = await mountImage(bad);
      if (!('errno' in m)) throw new Error(`${what}: mounted`);
      expect(m.log.join(''), what).toMatch(msg);
      expect(Buffer.from((m.drv as RamdiskBlkdev).disk).equals(before), what).toBe(true);
    }
    // a commit block whose checksum fails ends the log there: tx1 replays, tx2 and tx3 do not
    const torn = poke(img, blocks[7]! + 0x38, 1);
    const m = await mountImage(torn);
    if ('errno' in m) throw new Error(m.log.join(''));
    expect(m.log.join('')).toMatch(/journal block 7 \(transaction 2\): commit block checksum/);
    expect(m.log.join('')).toContain('journal replayed: 1 transactions, 1 blocks (0 revoked)');
    await m.close();
  });
});
