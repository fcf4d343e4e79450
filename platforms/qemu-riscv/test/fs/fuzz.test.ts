// Malformed T-messages (truncated, extended, bit-flipped, wrong size fields, huge counts and string
// lengths, unknown fids and types, reused tags) against the server: every reply is a well-formed
// R-message or Rlerror, the host process never throws, nothing outside the share changes, and
// the server still serves a fresh session afterwards. Seeded (CI); long runs belong in tools/bench.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Rig, rig, text } from './harness';
import { rinfo, T } from './tmsg';

let r: Rig;
afterEach(() => r?.close());

/** Valid requests over the rig's tree (fids 0 = root, 5..9 scratch): the material to mutate. */
const corpus = (): Uint8Array[] => [
  T.version(0xffff, 8192),
  T.attach(1, 3),
  T.walk(2, 0, 5, ['a', 'f']),
  T.walk(2, 0, 6, ['a']),
  T.walk(2, 0, 7, []),
  T.lopen(3, 5, 2),
  T.lopen(3, 7, 0o200000),
  T.read(4, 5, 0, 100),
  T.write(4, 5, 3, text('xyz')),
  T.readdir(5, 7, 0, 4000),
  T.getattr(6, 5),
  T.setattr(6, 5, 8, { size: 2 }),
  T.lcreate(7, 6, 'n', 2, 0o644),
  T.mkdir(7, 0, 'd', 0o755),
  T.symlink(7, 0, 's', '../outside/secret'),
  T.renameat(8, 0, 'd', 6, 'd2'),
  T.unlinkat(8, 6, 'd2', 0x200),
  T.link(8, 0, 5, 'hl'),
  T.readlink(9, 8),
  T.statfs(9, 0),
  T.fsync(9, 5),
  T.flush(9, 2),
  T.lock(9, 5),
  T.getlock(9, 5),
  T.xattrwalk(9, 5, 9, 'user.x'),
  T.remove(9, 9),
  T.clunk(9, 5),
];

type Mut =
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'size'; value: number }
  | { kind: 'u16'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'random'; bytes: Uint8Array };

const mut: fc.Arbitrary<Mut> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(80) }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(80), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('size' as const), value: fc.nat() }),
  fc.record({ kind: fc.constant('u16' as const), at: fc.nat(80), value: fc.nat(0xffff) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(80), value: fc.nat() }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

function apply(base: Uint8Array, m: Mut): Uint8Array {
  const b = base.slice();
  const dv = () => new DataView(b.buffer);
  switch (m.kind) {
    case 'truncate':
      return b.subarray(0, Math.min(m.at, b.length));
    case 'extend': {
      const out = new Uint8Array(b.length + m.bytes.length);
      out.set(b);
      out.set(m.bytes, b.length);
      // keep the size field honest half of the time: the server must read fields, not trust size
      if (m.bytes.length % 2) new DataView(out.buffer).setUint32(0, out.length, true);
      return out;
    }
    case 'flip':
      if (m.at < b.length) b[m.at] = m.value;
      return b;
    case 'size':
      if (b.length >= 4) dv().setUint32(0, m.value, true);
      return b;
    case 'u16':
      if (m.at + 2 <= b.length) dv().setUint16(m.at, m.value, true);
      return b;
    case 'u32':
      if (m.at + 4 <= b.length) dv().setUint32(m.at, m.value, true);
      return b;
    case 'random':
      return m.bytes;
  }
}

/** Checks one reply: a header, a size equal to its length, a tag echoing the request's. */
function wellFormed(req: Uint8Array, rep: Uint8Array): void {
  expect(rep.length).toBeGreaterThanOrEqual(7);
  const info = rinfo(rep);
  expect(info.size).toBe(rep.length);
  if (req.length >= 7) {
    expect(info.tag).toBe(new DataView(req.buffer, req.byteOffset).getUint16(5, true));
    if (info.type !== 7) expect(info.type).toBe(req[4] + 1);
  } else expect(info.type).toBe(7);
  if (info.type === 7) expect(rep.length).toBe(11);
}

describe('9P server under malformed and hostile messages (seeded fuzz)', () => {
  it('answers every mutated request with a well-formed reply; the host and the outside are untouched', () => {
    const base = corpus();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.option(mut, { freq: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (steps) => {
          r = rig();
          for (const [i, m] of steps) {
            const req = m ? apply(base[i], m) : base[i];
            let rep: Uint8Array | undefined;
            expect(() => {
              rep = r.rpc(req);
            }).not.toThrow();
            wellFormed(req, rep!);
          }
          expect(readdirSync(r.outside)).toEqual(['secret']);
          expect(readFileSync(join(r.outside, 'secret'), 'utf8')).toBe('outside the share\n');
          // the server still works: a new session reads a file
          r.rpc(T.version(0xffff, 8192));
          r.rpc(T.attach(1, 0));
          expect(rinfo(r.rpc(T.walk(1, 0, 1, ['top.txt']))).type).toBe(111);
          expect(rinfo(r.rpc(T.lopen(1, 1, 0))).type).toBe(13);
          expect(rinfo(r.rpc(T.read(1, 1, 0, 10))).type).toBe(117);
          r.close();
        },
      ),
      { numRuns: 40, seed: 9 },
    );
  });

  it('precise errors: truncated and oversized messages, bad strings, unknown fids, reused tags', () => {
    r = rig();
    const walk = T.walk(2, 0, 5, ['a']);
    // truncated: the string is cut
    const cut = walk.slice(0, walk.length - 1);
    new DataView(cut.buffer).setUint32(0, cut.length, true);
    expect(r.err(cut)).toBe(71); // EPROTO
    // size field larger than the message / smaller than the header
    const big = walk.slice();
    new DataView(big.buffer).setUint32(0, 1000, true);
    expect(r.err(big)).toBe(71);
    expect(r.err(walk.subarray(0, 5))).toBe(71);
    // a message above msize
    const huge = T.write(2, 0, 0, new Uint8Array(70_000));
    expect(r.err(huge)).toBe(90); // EMSGSIZE
    // a string whose length runs past the end, and one that is not UTF-8
    const badLen = walk.slice();
    new DataView(badLen.buffer).setUint16(17, 500, true);
    expect(r.err(badLen)).toBe(71);
    const notUtf8 = T.walk(2, 0, 5, ['ab']);
    notUtf8[19] = 0xff;
    expect(r.err(notUtf8)).toBe(71);
    // nwname above 16, a count above what follows
    expect(r.err(T.walk(2, 0, 5, new Array(17).fill('a')))).toBe(22);
    const wr = T.write(2, 0, 0, text('abc'));
    new DataView(wr.buffer).setUint32(19, 4, true);
    expect(r.err(wr)).toBe(71);
    // unknown fids
    expect(r.err(T.getattr(2, 4242))).toBe(2);
    expect(r.err(T.read(2, 4242, 0, 1))).toBe(22);
    expect(r.err(T.clunk(2, 4242))).toBe(2);
    // a reused tag: served in order, each answered (nothing is outstanding in between)
    const a = r.rpc(T.walk(7, 0, 5, ['a']));
    const b = r.rpc(T.walk(7, 0, 6, ['top.txt']));
    expect([rinfo(a).tag, rinfo(a).type, rinfo(b).tag, rinfo(b).type]).toEqual([7, 111, 7, 111]);
    expect(r.traces.some((t) => /needs \d+ bytes at offset/.test(t))).toBe(true);
  });
});
