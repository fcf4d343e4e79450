import { describe, expect, it } from 'vitest';
import type { RkDebug } from '../src/api';
import { backtrace, createRkDebug } from '../src/debug';
import { createTraceRing } from '../src/trace';

class Crashed extends Error {
  constructor(readonly status: number) {
    super(`crashed ${status}`);
  }
}

function fakePlat() {
  let out = '';
  let ns = 1_500_000_000;
  return {
    plat: {
      console: {
        out(s: string) {
          out += s;
          return s.length;
        },
      },
      time: { monotonicNs: () => (ns += 1000) },
      power: {
        crash(status = 1): never {
          throw new Crashed(status);
        },
      },
    },
    output: () => out,
  };
}

describe('printk', () => {
  it('prints with a timestamp and level label, filtered by level', () => {
    const f = fakePlat();
    const d = createRkDebug(
      f.plat,
      createTraceRing(8, () => 0),
      'warn',
    );
    expect(d.printk('err', 'disk gone')).toBe(true);
    expect(d.printk('info', 'hidden')).toBe(false);
    d.level = 'debug';
    d.debug('now shown');
    expect(f.output()).toMatch(
      /^\[ {4}1\.500001\] ERR: disk gone\n\[ {4}1\.500002\] dbg: now shown\n$/,
    );
  });
});

describe('panic and assert', () => {
  it('panic prints the reason and a backtrace, then crashes with status 1', () => {
    const f = fakePlat();
    const d = createRkDebug(
      f.plat,
      createTraceRing(8, () => 0),
    );
    expect(() => d.panic('out of frames')).toThrow(Crashed);
    expect(f.output()).toContain('CRIT: PANIC: out of frames');
    expect(f.output()).toMatch(/backtrace:\n {4}at /);
    expect(d.trace.events().at(-1)).toMatchObject({ name: 'panic', phase: 'i' });
  });
  it('panic with a cause prints the cause and its stack', () => {
    const f = fakePlat();
    const d = createRkDebug(
      f.plat,
      createTraceRing(8, () => 0),
    );
    expect(() => d.panic('init failed', new TypeError('x is not a function'))).toThrow(Crashed);
    expect(f.output()).toContain('cause: TypeError: x is not a function');
  });
  it('rethrows the hart-stopped unwind instead of printing', () => {
    const f = fakePlat();
    const d = createRkDebug(
      f.plat,
      createTraceRing(8, () => 0),
    );
    const stop = Object.assign(new Error('hart stopped'), { name: 'HartStopped' });
    expect(() => d.panic('x', stop)).toThrow(stop);
    expect(f.output()).toBe('');
  });
  it('assert panics only on a false condition', () => {
    const f = fakePlat();
    const d: RkDebug = createRkDebug(
      f.plat,
      createTraceRing(8, () => 0),
    );
    d.assert(1 + 1 === 2, 'math');
    expect(() => d.assert(false, 'queue not empty')).toThrow(Crashed);
    expect(f.output()).toContain('assertion failed: queue not empty');
  });
  it('backtrace keeps only frames', () => {
    expect(backtrace(new Error('m')).every((l) => l.startsWith('at '))).toBe(true);
  });
  it("backtrace keeps the image's own frames and drops the machine's", () => {
    const e = new Error('x');
    e.stack = [
      'Error: x',
      '    at panic (file:///b/image.mjs:10:5)',
      '    at main (file:///b/image.mjs:99:3)',
      '    at Machine.runEntry (file:///rk/machine.js:3813:32)',
      '    at node:internal/process/task_queues:140:7',
    ].join('\n');
    expect(backtrace(e, 'file:///b/image.mjs')).toEqual([
      'at panic (file:///b/image.mjs:10:5)',
      'at main (file:///b/image.mjs:99:3)',
    ]);
    expect(backtrace(e, 'file:///elsewhere.mjs')).toHaveLength(4);
  });
});
