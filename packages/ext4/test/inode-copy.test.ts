// Inode copies share slabs (no buffer of their own per inode) and a store compares one with its
// slot in guest RAM a word at a time: the comparison must agree with a byte-by-byte one for every
// differing byte, aligned or not, and no two copies may overlap.
import { describe, expect, it } from 'vitest';
import { Ext4Inode, inodeBytes, inSlot } from '../src/inode';
import type { Ext4Super } from '../src/superblock';

const sb = { csumSeed: 0 } as Ext4Super;

describe('inode copies and their comparison with the inode table', () => {
  it('hands out zeroed, word-aligned, disjoint copies across slabs', () => {
    const got = Array.from({ length: 200 }, (_, i) => inodeBytes(i % 3 === 0 ? 512 : 256));
    for (const b of got) {
      expect(b.every((x) => x === 0)).toBe(true);
      expect(b.byteOffset % 4).toBe(0);
      b.fill(0xee);
    }
    for (let i = 0; i < got.length; i++)
      for (let j = i + 1; j < got.length; j++) {
        const [a, b] = [got[i]!, got[j]!];
        if (a.buffer !== b.buffer) continue;
        const apart =
          a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
        expect(apart).toBe(true);
      }
    expect(new Set(got.map((b) => b.buffer)).size).toBeGreaterThan(1);
  });

  it('inSlot agrees with a byte-by-byte comparison for every differing byte', () => {
    const ram = new Uint8Array(new SharedArrayBuffer(8192));
    const words = new Int32Array(ram.buffer);
    for (let i = 0; i < ram.length; i++) ram[i] = (i * 131) & 0xff;
    const block = ram.subarray(1024, 2048);
    for (const off of [0, 256, 512, 1, 2, 3, 258]) {
      // a slab copy (words) and a copy of its own at an odd offset (bytes)
      for (const raw of [inodeBytes(256), new Uint8Array(300).subarray(3, 259)]) {
        raw.set(block.subarray(off, off + 256));
        const inode = new Ext4Inode(12, raw, sb);
        expect(inode.words === null).toBe(raw.byteOffset % 4 !== 0);
        expect(inSlot(inode, block, off, words)).toBe(true);
        for (let k = 0; k < 256; k++) {
          raw[k]! ^= 0x40;
          expect(inSlot(inode, block, off, words), `offset ${off}, byte ${k}`).toBe(false);
          raw[k]! ^= 0x40;
        }
      }
    }
  });
});
