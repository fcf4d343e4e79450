import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RkParamSpecs } from '../src/api';
import { tokenize } from '../src/cmdline';
import { parseParams } from '../src/parse';

const table = new Map<string, RkParamSpecs>([
  ['rkboot', { banner: { type: 'boolean', default: true, doc: 'print the banner' } }],
  [
    'rkparam',
    {
      strict: { type: 'boolean', default: false, doc: 'reject foreign tokens' },
      level: {
        type: 'enum',
        default: 'info',
        values: ['err', 'warn', 'info', 'debug'],
        doc: 'level',
      },
    },
  ],
  [
    'rksched-rr',
    {
      slice_us: { type: 'number', default: 10_000, min: 1, integer: true, doc: 'time slice' },
      heap: { type: 'size', default: 0, doc: 'heap' },
      name: { type: 'string', default: 'x', doc: 'name' },
    },
  ],
]);

describe('tokenize', () => {
  it('splits on whitespace, honours quotes and escapes', () => {
    expect(tokenize(`a  b\t"c d" 'e "f"' g\\ h`)).toEqual(['a', 'b', 'c d', 'e "f"', 'g h']);
    expect(tokenize('   ')).toEqual([]);
    expect(tokenize('""')).toEqual(['']);
  });
  it('rejects unterminated quotes and trailing backslashes with the offset', () => {
    expect(() => tokenize('a "bc')).toThrow(/unterminated " quote opened at offset 2/);
    expect(() => tokenize('a\\')).toThrow(/trailing backslash at offset 1/);
  });
  it('round-trips any list of simple words joined by spaces', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9=._-]{1,8}$/)), (words) => {
        expect(tokenize(words.join(' '))).toEqual(words);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseParams', () => {
  it('fills defaults and parses typed values before --', () => {
    const r = parseParams(
      'rkboot.banner=off rksched-rr.slice_us=0x20 rksched-rr.heap=16M -- x y',
      table,
    );
    expect(r.errors).toEqual([]);
    expect(r.values.get('rkboot')).toEqual({ banner: false });
    expect(r.values.get('rksched-rr')).toEqual({ slice_us: 32, heap: 16 * 1024 * 1024, name: 'x' });
    expect(r.values.get('rkparam')).toEqual({ strict: false, level: 'info' });
    expect(r.appArgs).toEqual(['x', 'y']);
  });
  it('a bare boolean flag means true', () => {
    expect(parseParams('rkparam.strict --', table).values.get('rkparam')!.strict).toBe(true);
  });
  it('without -- only tokens of composed libraries are parameters', () => {
    const r = parseParams('console=ttyS0 rkboot.banner=0 hello a.b=c', table);
    expect(r.values.get('rkboot')!.banner).toBe(false);
    expect(r.appArgs).toEqual(['console=ttyS0', 'hello', 'a.b=c']);
    expect(r.errors).toEqual([]);
  });
  it('foreign tokens before -- are ignored, not errors', () => {
    const r = parseParams('console=ttyS0 -- a', table);
    expect(r.ignored).toEqual(['console=ttyS0']);
    expect(r.errors).toEqual([]);
  });
  it('names unknown libraries, unknown parameters and bad values precisely', () => {
    const r = parseParams(
      'nolib.x=1 rkboot.bannr=1 rkboot.banner=maybe rksched-rr.slice_us=0 rksched-rr.slice_us=1.5 rkparam.level=loud --',
      table,
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      "unknown library 'nolib' in 'nolib.x=1' (libraries with parameters: rkboot, rkparam, rksched-rr)",
      "unknown parameter 'rkboot.bannr' (known: rkboot.banner)",
      "parameter 'rkboot.banner': expected a boolean (1/0, on/off, yes/no, true/false), got 'maybe'",
      "parameter 'rksched-rr.slice_us': 0 is below the minimum 1",
      "parameter 'rksched-rr.slice_us': expected an integer, got '1.5'",
      "parameter 'rkparam.level': expected one of err, warn, info, debug, got 'loud'",
    ]);
    expect(r.errors[0]!.token).toBe('nolib.x=1');
  });
  it('applies package.json defaults, overridden by the command line', () => {
    const r = parseParams('rksched-rr.name=cli --', table, {
      defaults: { 'rkboot.banner': false, 'rksched-rr.name': 'pkg' },
    });
    expect(r.values.get('rkboot')!.banner).toBe(false);
    expect(r.values.get('rksched-rr')!.name).toBe('cli');
  });
  it('reports bad quoting as an error instead of throwing', () => {
    const r = parseParams('a "b', table);
    expect(r.errors[0]!.message).toMatch(/unterminated/);
  });
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseParams(s, table);
        expect(Array.isArray(r.errors)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
