// RkWriteBehind (src/writebehind.ts): the runs a driver holds back, merged by offset within bounds.
import { describe, expect, it } from 'vitest';
import { RkWriteBehind } from '../src/index';

describe('RkWriteBehind runs', () => {
  it('merges overlapping and touching writes, later bytes winning, within its bounds', () => {
    const d = new RkWriteBehind<string>(100, 3);
    const b = (n: number, v: number) => new Uint8Array(n).fill(v);
    expect(d.add('f', b(10, 1), 20)).toBe(true); // [20, 30)
    expect(d.add('f', b(10, 2), 30)).toBe(true); // touches: [20, 40)
    expect(d.add('f', b(5, 3), 0)).toBe(true); // apart: [0, 5)
    expect(d.add('f', b(10, 4), 35)).toBe(true); // overlaps the end: [20, 45)
    expect(d.bytes).toBe(30);
    const runs = d.file('f')!.runs.map((r) => [r.offset, [...r.data.subarray(0, r.len)]]);
    expect(runs).toEqual([
      [0, [3, 3, 3, 3, 3]],
      [20, [...b(10, 1), ...b(5, 2), ...b(10, 4)]],
    ]);
    expect(d.add('f', b(20, 5), 3)).toBe(true); // joins both: [0, 45)
    expect(d.file('f')!.runs.length).toBe(1);
    expect(d.bytes).toBe(45);
    expect(d.add('g', b(10, 6), 0)).toBe(true);
    expect(d.add('h', b(10, 6), 0)).toBe(true);
    expect(d.add('i', b(1, 6), 0)).toBe(false); // a fourth run
    expect(d.add('f', b(50, 7), 45)).toBe(false); // past 100 bytes
    expect(d.bytes).toBe(65);
    expect(d.take('f').length).toBe(1);
    expect(d.bytes).toBe(20);
    d.settle('f');
    expect(d.file('f')).toBeUndefined();
  });

  it('a recycled run buffer serves the next run: no allocation, no stale bytes inside the run', () => {
    const d = new RkWriteBehind<string>(1 << 20, 8);
    const b = (n: number, v: number) => new Uint8Array(n).fill(v);
    // SQLite's journal: a header, then appended records, one run growing in place
    expect(d.add('j', b(512, 1), 0)).toBe(true);
    const first = d.file('j')!.runs[0]!.data;
    expect(first.length).toBeGreaterThanOrEqual(16 << 10); // room to grow without a copy
    expect(d.add('j', b(4, 2), 512)).toBe(true);
    expect(d.add('j', b(4096, 3), 516)).toBe(true);
    expect(d.file('j')!.runs[0]!.data).toBe(first);
    const [run] = d.take('j');
    expect(run!.len).toBe(4612);
    d.recycle(run!.data);
    d.settle('j');
    // the next file's run takes the same buffer, its bytes from the new writes only
    expect(d.add('db', b(50, 8), 0)).toBe(true);
    expect(d.add('db', b(100, 9), 50)).toBe(true);
    const r = d.file('db')!.runs[0]!;
    expect(r.data).toBe(first);
    expect([...r.data.subarray(0, r.len)]).toEqual([...b(50, 8), ...b(100, 9)]);
  });
});
