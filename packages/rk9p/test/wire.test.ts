// The codec: T-messages byte for byte as the 9P2000.L layouts say (diod protocol.md), R-messages
// decoded from real bytes, and every malformed form as a P9WireError naming message and field.
import { Errno } from '@runikraft/errno';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeR, encodeT, P9Framer, P9Reader, P9WireError, P9Writer } from '../src/index';
import { le16, le32, le64, qid, rmsg, str } from './helpers/scripted';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const wireErr = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(P9WireError);
    return e as P9WireError;
  }
  throw new Error('no error');
};

describe('T-message encoding', () => {
  const buf = new Uint8Array(256);
  it('Tversion, Twalk, Tread, Tlcreate, Tsetattr, Treaddir have the spec layout', () => {
    expect(hex(encodeT(buf, 0xffff, { type: 'version', msize: 8192, version: '9P2000.L' }))).toBe(
      '1500000064ffff0020000008003950323030302e4c',
    );
    expect(hex(encodeT(buf, 1, { type: 'walk', fid: 0, newfid: 1, names: ['a', 'bc'] }))).toBe(
      `18000000${'6e'}0100${'00000000'}${'01000000'}0200${'0100'}61${'0200'}6263`,
    );
    expect(hex(encodeT(buf, 2, { type: 'read', fid: 3, offset: 2 ** 40 + 5, count: 100 }))).toBe(
      `17000000740200030000000500000000010000${'64000000'}`,
    );
    const lc = encodeT(buf, 3, {
      type: 'lcreate',
      fid: 7,
      name: 'x',
      flags: 0o102,
      mode: 0o644,
      gid: 0,
    });
    expect(hex(lc)).toBe('1a0000000e0300070000000100784200000' + '0a401000000000000');
    const sa = encodeT(buf, 4, { type: 'setattr', fid: 1, attr: { valid: 8, size: 10 } });
    expect(sa.length).toBe(7 + 4 + 4 * 4 + 8 * 5);
    expect(new DataView(sa.buffer).getUint32(11, true)).toBe(8);
    expect(new DataView(sa.buffer).getUint32(27, true)).toBe(10);
    const rd = encodeT(buf, 5, {
      type: 'readdir',
      fid: 1,
      offset: 0xfedcba9876543210n,
      count: 8168,
    });
    expect(hex(rd.subarray(11, 19))).toBe('1032547698badcfe');
  });

  it('refuses what it cannot encode, naming the field', () => {
    expect(
      wireErr(() =>
        encodeT(new Uint8Array(20), 1, {
          type: 'write',
          fid: 1,
          offset: 0,
          data: new Uint8Array(10),
        }),
      ).errno,
    ).toBe(Errno.EMSGSIZE);
    const e = wireErr(() =>
      encodeT(buf, 1, { type: 'walk', fid: 1, newfid: 2, names: Array(17).fill('a') }),
    );
    expect(e.message).toContain('Twalk.nwname');
    expect(wireErr(() => encodeT(buf, 1, { type: 'clunk', fid: -1 })).message).toContain(
      'Tclunk.fid',
    );
    expect(
      wireErr(() => encodeT(buf, 1, { type: 'read', fid: 1, offset: 0.5, count: 1 })).errno,
    ).toBe(Errno.EINVAL);
    expect(
      wireErr(() => encodeT(buf, 1, { type: 'mkdir', dfid: 1, name: '\ud800', mode: 0, gid: 0 }))
        .errno,
    ).toBe(Errno.EILSEQ);
    const long = new Uint8Array(70000);
    expect(
      wireErr(() =>
        encodeT(long, 1, { type: 'mkdir', dfid: 1, name: 'a'.repeat(65536), mode: 0, gid: 0 }),
      ).errno,
    ).toBe(Errno.ENAMETOOLONG);
    expect(
      hex(
        encodeT(buf, 1, { type: 'mkdir', dfid: 1, name: 'é😀', mode: 0, gid: 0 }).subarray(11, 19),
      ),
    ).toBe('0600c3a9f09f9880');
  });
});

describe('T-message encoding into a reused buffer', () => {
  it('each message gets its own bytes, after a refused one too and with buffers taking turns', () => {
    const fresh = (m: Parameters<typeof encodeT>[2], tag: number) =>
      hex(encodeT(new Uint8Array(256), tag, m));
    const walk = { type: 'walk', fid: 0, newfid: 1, names: ['journal', 'x'] } as const;
    const read = { type: 'read', fid: 3, offset: 4096, count: 100 } as const;
    const write = { type: 'write', fid: 3, offset: 8, data: new Uint8Array([1, 2, 3]) } as const;
    const a = new Uint8Array(256);
    const b = new Uint8Array(256);
    expect(hex(encodeT(a, 1, walk))).toBe(fresh(walk, 1));
    // refused after the header and part of the body were written into a
    const big = { type: 'write', fid: 3, offset: 0, data: new Uint8Array(300) } as const;
    expect(wireErr(() => encodeT(a, 2, big)).errno).toBe(Errno.EMSGSIZE);
    expect(hex(encodeT(a, 3, read))).toBe(fresh(read, 3));
    expect(hex(encodeT(b, 4, write))).toBe(fresh(write, 4));
    expect(hex(encodeT(a, 5, write))).toBe(fresh(write, 5));
    expect(hex(encodeT(b, 6, walk))).toBe(fresh(walk, 6));
  });
});

describe('R-message decoding', () => {
  it('decodes a real Rgetattr from diod (153-byte body) and Rlerror', () => {
    const body = new Uint8Array(153);
    const v = new DataView(body.buffer);
    v.setBigUint64(0, 0x7ffn, true);
    body[8] = 0x80;
    v.setBigUint64(13, 0x2121edn, true);
    v.setUint32(21, 0o40755, true);
    v.setBigUint64(49, 4096n, true);
    v.setBigUint64(89, 1700000000n, true);
    const r = decodeR(rmsg(25, 3, body), 'getattr');
    expect(r.type).toBe('getattr');
    if (r.type !== 'getattr') return;
    expect(r.attr.qid).toEqual({ type: 0x80, version: 0, path: 0x2121edn });
    expect(r.attr.mode).toBe(0o40755);
    expect(r.attr.size).toBe(4096);
    expect(r.attr.mtimeSec).toBe(1700000000);
    expect(decodeR(rmsg(7, 3, le32(2)), 'walk')).toEqual({ type: 'lerror', ecode: 2 });
  });

  it('Rreaddir entries with exact cookies; Rwalk; Rstatfs', () => {
    const ents = [
      ...qid(0x80, 5n),
      ...le64(0xffffffffffffff01n),
      4,
      ...str('.'),
      ...qid(0, 6n),
      ...le64(2n),
      8,
      ...str('a.txt'),
    ];
    const r = decodeR(rmsg(41, 1, [...le32(ents.length), ...ents]), 'readdir');
    expect(r.type === 'readdir' && r.entries.map((e) => [e.name, e.dtype, e.offset])).toEqual([
      ['.', 4, 0xffffffffffffff01n],
      ['a.txt', 8, 2n],
    ]);
    const w = decodeR(rmsg(111, 1, [...le16(2), ...qid(0x80, 1n), ...qid(0, 2n)]), 'walk');
    expect(w.type === 'walk' && w.qids.map((q) => q.path)).toEqual([1n, 2n]);
    const sf = [
      ...le32(0x01021997),
      ...le32(4096),
      ...le64(10n),
      ...le64(5n),
      ...le64(4n),
      ...le64(100n),
      ...le64(50n),
      ...le64(0xabcdefn << 40n),
      ...le32(255),
    ];
    const s = decodeR(rmsg(9, 1, sf), 'statfs');
    expect(s.type === 'statfs' && [s.fsType, s.bsize, s.bfree, s.fsid, s.namelen]).toEqual([
      0x01021997,
      4096,
      5,
      0xabcdefn << 40n,
      255,
    ]);
  });

  it('a reply anywhere inside a larger buffer decodes as on its own, buffers taking turns', () => {
    const walk = rmsg(111, 1, [...le16(2), ...qid(0x80, 1n), ...qid(0, 0x1234567890abn)]);
    const write = rmsg(119, 2, [...le32(4096)]);
    const one = new Uint8Array(1024);
    const two = new Uint8Array(512);
    one.set(walk, 100);
    two.set(write, 7);
    one.set(write, 333);
    const w = decodeR(one.subarray(100, 100 + walk.length), 'walk');
    expect(w).toEqual(decodeR(walk, 'walk'));
    expect(w.type === 'walk' && w.qids.map((q) => q.path)).toEqual([1n, 0x1234567890abn]);
    expect(decodeR(two.subarray(7, 7 + write.length), 'write')).toEqual({
      type: 'write',
      count: 4096,
    });
    expect(decodeR(one.subarray(333, 333 + write.length), 'write')).toEqual({
      type: 'write',
      count: 4096,
    });
    expect(decodeR(one.subarray(100, 100 + walk.length), 'walk')).toEqual(w);
  });

  it('names the field of every malformation', () => {
    const cases: [Uint8Array, Parameters<typeof decodeR>[1], string, number][] = [
      [new Uint8Array([1, 0, 0]), 'clunk', 'message.size', Errno.EBADMSG],
      [rmsg(121, 1).subarray(0, 6), 'clunk', 'message.size', Errno.EBADMSG],
      [
        (() => {
          const m = rmsg(121, 1);
          m[0] = 9;
          return m;
        })(),
        'clunk',
        'Rclunk.size',
        Errno.EBADMSG,
      ],
      [rmsg(121, 1, [0]), 'clunk', 'trailing', Errno.EBADMSG],
      [rmsg(55, 1), 'clunk', 'type', Errno.EPROTO],
      [rmsg(123, 1), 'clunk', 'Rclunk or Rlerror expected', Errno.EPROTO],
      [rmsg(117, 1, [...le32(10), 1, 2, 3]), 'read', 'Rread.data', Errno.EBADMSG],
      [
        rmsg(111, 1, [...le16(17), ...Array(17 * 13).fill(0)]),
        'walk',
        'Rwalk.nwqid',
        Errno.EBADMSG,
      ],
      [rmsg(111, 1, [...le16(2), ...qid(0, 1n)]), 'walk', 'wqid[1]', Errno.EBADMSG],
      [rmsg(23, 1, [...le16(5), 0x61]), 'readlink', 'Rreadlink.target', Errno.EBADMSG],
      [rmsg(23, 1, [...le16(2), 0xc3, 0x28]), 'readlink', 'not valid UTF-8', Errno.EBADMSG],
      [rmsg(23, 1, [...le16(2), 0xc0, 0x80]), 'readlink', 'not valid UTF-8', Errno.EBADMSG],
      [rmsg(41, 1, [...le32(100), 1, 2]), 'readdir', 'Rreaddir.count', Errno.EBADMSG],
      [
        rmsg(41, 1, [...le32(23), ...qid(0, 1n), ...le64(1n), 8, ...str('ab')]),
        'readdir',
        'entry[0]',
        Errno.EBADMSG,
      ],
      [
        rmsg(41, 1, [...le32(27), ...qid(0, 1n), ...le64(1n), 8, ...str('a/b')]),
        'readdir',
        'not a file name',
        Errno.EBADMSG,
      ],
      [rmsg(25, 1, Array(152).fill(0)), 'getattr', 'Rgetattr.data_version', Errno.EBADMSG],
      [
        rmsg(25, 1, [...Array(49).fill(0), ...le64(1n << 60n), ...Array(96).fill(0)]),
        'getattr',
        'Rgetattr.size',
        Errno.EBADMSG,
      ],
      [
        rmsg(101, 0xffff, [...le32(8192), ...le16(3)]),
        'version',
        'Rversion.version',
        Errno.EBADMSG,
      ],
    ];
    for (const [m, t, where, errno] of cases) {
      const e = wireErr(() => decodeR(m, t));
      expect(e.message, hex(m)).toContain(where);
      expect(e.errno, e.message).toBe(errno);
    }
  });
});

describe('random bytes', () => {
  const types = [
    'version',
    'attach',
    'walk',
    'read',
    'write',
    'readdir',
    'getattr',
    'statfs',
    'readlink',
    'lopen',
    'getlock',
    'lock',
    'xattrwalk',
    'clunk',
  ] as const;
  it('only ever yield records or P9WireError, for every reply kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        (t, b, sized, type) => {
          const m = Uint8Array.of(...le32(0), type, 1, 0, ...b);
          if (sized) new DataView(m.buffer).setUint32(0, m.length, true);
          try {
            decodeR(m, t);
          } catch (e) {
            expect(e).toBeInstanceOf(P9WireError);
          }
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('reader/writer primitives and the framer', () => {
  it('parse(emit(x)) = x for every field kind', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.maxSafeNat(),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.uint8Array({ maxLength: 50 }),
        (a, b, c, d, s, bytes) => {
          const w = new P9Writer(new Uint8Array(512), 200, 7);
          w.u8(a, 'a')
            .u32(b, 'b')
            .u64(c, 'c')
            .u64big(d, 'd')
            .str(s, 's')
            .qid({ type: a, version: b, path: d }, 'q')
            .bytes(bytes, 'x');
          const r = new P9Reader(w.finish());
          expect([
            r.type,
            r.tag,
            r.u8('a'),
            r.u32('b'),
            r.u64('c'),
            r.u64big('d'),
            r.str('s'),
          ]).toEqual([200, 7, a, b, c, d, s]);
          expect(r.qid('q')).toEqual({ type: a, version: b, path: d });
          expect([...r.bytes(bytes.length, 'x')]).toEqual([...bytes]);
          r.end();
        },
      ),
      { seed: 9, numRuns: 300 },
    );
  });

  it('the framer splits a stream at any chunking and refuses sizes outside [7, msize]', () => {
    const msgs = [rmsg(121, 1), rmsg(117, 2, [...le32(3), 1, 2, 3]), rmsg(7, 3, le32(5))];
    const all = Uint8Array.from(msgs.flatMap((m) => [...m]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: all.length }), { maxLength: 6 }), (cuts) => {
        const f = new P9Framer(8192);
        const pts = [0, ...[...new Set(cuts)].sort((a, b) => a - b), all.length];
        const out: Uint8Array[] = [];
        for (let i = 0; i + 1 < pts.length; i++)
          out.push(...f.push(all.subarray(pts[i], pts[i + 1])));
        expect(out.map(hex)).toEqual(msgs.map(hex));
      }),
      { seed: 3, numRuns: 200 },
    );
    expect(
      wireErr(() => new P9Framer(8192).push(Uint8Array.of(...le32(8193), 0))).message,
    ).toContain('outside [7, 8192]');
    expect(wireErr(() => new P9Framer(8192).push(Uint8Array.of(...le32(3)))).errno).toBe(
      Errno.EBADMSG,
    );
  });
});
