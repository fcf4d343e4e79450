// The client facing a broken or hostile server: bad Rversion, truncated and oversized replies, bad
// counts and strings, unknown and crossed tags, connection loss — precise errors, never a crash,
// and the session stays usable. Ends with a seeded fuzz of mutated replies (a short CI version).
import { Errno, RkError } from '@runikraft/errno';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { P9_DOTL, P9WireError, RkP9Client, RkP9Dev, type RkP9Result } from '../src/index';
import { pending } from './helpers/pending';
import {
  le16,
  le32,
  le64,
  qid,
  rmsg,
  type Scripted,
  scripted,
  str,
  tagOf,
} from './helpers/scripted';

const tick = () => new Promise((r) => setTimeout(r, 0));
const errOf = (p: RkP9Result<unknown>) =>
  pending(p).then(
    () => null,
    (e) => e as RkError,
  );

async function session(): Promise<{
  s: Scripted;
  c: RkP9Client;
  answer: (f: (t: Uint8Array) => Uint8Array) => Promise<void>;
}> {
  const s = scripted((t) =>
    t[4] === 100 ? rmsg(101, 0xffff, [...le32(8192), ...str('9P2000.L')]) : null,
  );
  const c = await RkP9Client.connect(s.transport, 's');
  const answer = async (f: (t: Uint8Array) => Uint8Array) => {
    await tick();
    const t = s.sent.shift()!;
    s.reply(f(t));
  };
  return { s, c, answer };
}

describe('Rversion checks', () => {
  const withVersion = (body: number[], type = 101) =>
    RkP9Dev.connect(
      scripted((t) => (t[4] === 100 ? rmsg(type, 0xffff, body) : null)).transport,
      's',
      { msize: 16384 },
    );
  it('refuses a larger msize, one below 4096, another protocol, an Rlerror', async () => {
    let e = await errOf(withVersion([...le32(20000), ...str('9P2000.L')]));
    expect([e?.errno, e?.message]).toEqual([
      Errno.EPROTO,
      'EPROTO: 9P Rversion.msize: 20000 is outside [4096, 16384]',
    ]);
    e = await errOf(withVersion([...le32(1024), ...str('9P2000.L')]));
    expect(e?.errno).toBe(Errno.EPROTO);
    e = await errOf(withVersion([...le32(8192), ...str('unknown')]));
    expect(e?.errno).toBe(Errno.EPROTONOSUPPORT);
    expect(e?.message).toContain("speaks 'unknown'");
    e = await errOf(withVersion(le32(Errno.EACCES), 7));
    expect(e?.errno).toBe(Errno.EACCES);
    e = await errOf(withVersion([...le32(8192), ...le16(9), 0x39]));
    expect(e).toBeInstanceOf(P9WireError);
    const ok = await RkP9Dev.connect(
      scripted(() => rmsg(101, 0xffff, [...le32(8192), ...str('9P2000.L')])).transport,
      's',
      { msize: 16384 },
    );
    expect(ok.msize).toBe(8192);
  });
  it('an unknown device is ENODEV', async () => {
    expect((await errOf(RkP9Dev.connect(scripted().transport, 'nope')))?.errno).toBe(Errno.ENODEV);
  });
});

describe('malformed replies in a session', () => {
  it('truncated, bad counts, bad strings: EBADMSG for that request only', async () => {
    const { c, answer } = await session();
    const att = c.attach('/');
    await answer((t) => rmsg(105, tagOf(t), qid(0x80, 1n)));
    const root = await att;
    const cases: [() => RkP9Result<unknown>, (tag: number) => Uint8Array, string][] = [
      [() => c.getattr(root), (tag) => rmsg(25, tag, Array(100).fill(0)), 'Rgetattr'],
      [
        () => c.read(root, 0, new Uint8Array(10)),
        (tag) => rmsg(117, tag, [...le32(20), ...Array(20).fill(0)]),
        'Rread: 20 bytes for a count of 10',
      ],
      [
        () => c.read(root, 0, new Uint8Array(10)),
        (tag) => rmsg(117, tag, [...le32(5000), 1]),
        'Rread.data',
      ],
      [() => c.readlink(root), (tag) => rmsg(23, tag, [...le16(1), 0xff]), 'UTF-8'],
      [
        () => c.walk(root, ['a']),
        (tag) => rmsg(111, tag, [...le16(2), ...qid(0, 1n), ...qid(0, 2n)]),
        '2 qids for 1 names',
      ],
      [
        () => c.write(root, 0, new Uint8Array(4)),
        (tag) => rmsg(119, tag, le32(9)),
        'Rwrite: 9 bytes for 4 sent',
      ],
      [() => c.statfs(root), (tag) => rmsg(9, tag, le32(1)), 'Rstatfs.bsize'],
      [() => c.lopen(root, 0), (tag) => rmsg(111, tag, le16(0)), 'Rlopen or Rlerror expected'],
    ];
    for (const [call, bad, where] of cases) {
      const p = errOf(call());
      await answer((t) => bad(tagOf(t)));
      const e = await p;
      expect(e).toBeInstanceOf(RkError);
      expect([Errno.EBADMSG, Errno.EPROTO]).toContain(e!.errno);
      expect(e!.message).toContain(where);
    }
    expect(c.openFids).toBe(1);
    const p = pending(c.getattr(root))
      .then((a) => a.qid.path)
      .catch((e) => e);
    await answer((t) =>
      rmsg(25, tagOf(t), [...le64(0x7ffn), ...qid(0x80, 1n), ...Array(153 - 21).fill(0)]),
    );
    expect(await p).toBe(1n);
  });

  it('a reply with an unknown tag is dropped and counted; the right one still completes', async () => {
    const { s, c, answer } = await session();
    const att = c.attach('/');
    await tick();
    const t = s.sent.shift()!;
    s.reply(rmsg(105, 999, qid(0x80, 1n)));
    s.reply(rmsg(105, tagOf(t) ^ 1, qid(0x80, 1n)));
    expect(c.dev.stats.unknownTags).toBe(2);
    expect(c.dev.stats.lastError).toContain('tag');
    s.reply(rmsg(105, tagOf(t), qid(0x80, 7n)));
    expect((await att).qid.path).toBe(7n);
    s.reply(rmsg(105, tagOf(t), qid(0x80, 7n))); // a duplicate after completion
    expect(c.dev.stats.unknownTags).toBe(3);
    void answer;
  });

  it('a reply in the buffer of another request (virtio style) fails that request', async () => {
    const { s, c } = await session();
    const a = errOf(c.attach('/a'));
    const b = c.attach('/b');
    await tick();
    const [ta, tb] = s.sent.splice(0);
    const ra = s.reqs.find((r) => r.tag === tagOf(ta))!;
    s.reply(rmsg(105, tagOf(tb), qid(0x80, 2n)), ra);
    expect((await a)?.message).toContain(
      `tagged ${tagOf(tb)} arrived in the buffer of tag ${tagOf(ta)}`,
    );
    s.reply(rmsg(105, tagOf(tb), qid(0x80, 2n)));
    expect((await b).qid.path).toBe(2n);
    const short = errOf(c.attach('/c'));
    await tick();
    const tc = s.sent.shift()!;
    s.reply(
      new Uint8Array(3),
      s.reqs.find((r) => r.tag === tagOf(tc)),
    );
    expect((await short)?.message).toContain('3-byte reply is shorter than the header');
  });

  it('connection loss fails every waiting request with EIO and later ones too', async () => {
    const { s, c } = await session();
    const p1 = errOf(c.attach('/'));
    const p2 = errOf(c.dev.rpc({ type: 'statfs', fid: 0 }));
    await tick();
    s.down('device reset');
    for (const e of [await p1, await p2])
      expect([e?.errno, e?.message]).toEqual([
        Errno.EIO,
        'EIO: 9P: connection down (device reset)',
      ]);
    expect((await errOf(c.attach('/')))?.errno).toBe(Errno.EIO);
    c.close();
    expect((await errOf(c.attach('/')))?.errno).toBe(Errno.ENOTCONN);
  });

  it('requests beyond maxRequests wait for a free slot', async () => {
    const s = scripted((t) =>
      t[4] === 100 ? rmsg(101, 0xffff, [...le32(8192), ...str('9P2000.L')]) : null,
    );
    const c = await RkP9Client.connect(s.transport, 's', { maxRequests: 2 });
    const ps = [0, 1, 2, 3].map((i) => c.attach(`/${i}`));
    await tick();
    expect(s.sent.length).toBe(2);
    for (let k = 0; k < 4; k++) {
      await tick();
      const t = s.sent.shift()!;
      s.reply(rmsg(105, tagOf(t), qid(0x80, BigInt(k))));
    }
    expect((await Promise.all(ps)).length).toBe(4);
  });
});

/** Valid replies per request kind, as the fuzz's starting points. */
const SEEDS: [
  (c: RkP9Client, root: import('../src/index').RkP9Fid) => RkP9Result<unknown>,
  number,
  number[],
][] = [
  [(c, r) => c.getattr(r), 25, [...le64(0x7ffn), ...qid(0x80, 1n), ...Array(132).fill(3)]],
  [(c, r) => c.walk(r, ['a', 'b']), 111, [...le16(2), ...qid(0x80, 2n), ...qid(0, 3n)]],
  [
    (c, r) => c.readdir(r, 0n, 4000),
    41,
    (() => {
      const e = [...qid(0, 5n), ...le64(1n), 8, ...str('name')];
      return [...le32(e.length * 2), ...e, ...e];
    })(),
  ],
  [(c, r) => c.read(r, 0, new Uint8Array(64)), 117, [...le32(4), 1, 2, 3, 4]],
  [(c, r) => c.readlink(r), 23, str('target')],
  [(c, r) => c.statfs(r), 9, [...le32(1), ...le32(4096), ...Array(48).fill(1), ...le32(255)]],
  [(c, r) => c.lopen(r, P9_DOTL.O_RDONLY), 13, [...qid(0, 1n), ...le32(0)]],
  [(c, r) => c.mkdir(r, 'd', 0o755), 73, qid(0x80, 9n)],
];

describe('seeded fuzz: mutated replies', () => {
  it('every outcome is a value or an RkError, and the next request still works', async () => {
    const { c, answer } = await session();
    const att = c.attach('/');
    await answer((t) => rmsg(105, tagOf(t), qid(0x80, 1n)));
    const root = await att;
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      extra: fc.uint8Array({ maxLength: 8 }),
      fixSize: fc.boolean(),
    });
    const samples = fc.sample(mutation, { seed: 20261203, numRuns: 400 });
    let errors = 0;
    for (const m of samples) {
      const [call, type, body] = SEEDS[m.seed];
      const p = pending(call(c, root)).then(
        () => null,
        (e) => e,
      );
      await answer((t) => {
        let b = rmsg(type, tagOf(t), body);
        for (const [at, v] of m.flips) if (at % b.length >= 7) b[at % b.length] = v;
        if (m.cut !== undefined) b = b.subarray(0, 7 + (m.cut % (b.length - 6)));
        b = Uint8Array.of(...b, ...m.extra);
        if (m.fixSize) new DataView(b.buffer).setUint32(0, b.length, true);
        return b;
      });
      const e = await p;
      if (e) {
        errors++;
        expect(e, String(e?.stack)).toBeInstanceOf(RkError);
      }
    }
    expect(errors).toBeGreaterThan(100);
    const p = c.readlink(root);
    await answer((t) => rmsg(23, tagOf(t), str('still fine')));
    expect(await p).toBe('still fine');
  });
});

describe('rpcBatch: several requests in one wait loop', () => {
  it('answers each message in place, errors per message, and refuses more than maxRequests', async () => {
    const s = scripted((t) =>
      t[4] === 100 ? rmsg(101, 0xffff, [...le32(8192), ...str('9P2000.L')]) : null,
    );
    const c = await RkP9Client.connect(s.transport, 's', { maxRequests: 3 });
    const f = { id: 5, qid: { type: 0, version: 0, path: 1n }, iounit: 0 };
    const bufs = [new Uint8Array(4), new Uint8Array(4), new Uint8Array(4)];
    const p = c.readMany(
      f,
      bufs.map((into, i) => ({ offset: i * 4, into })),
    );
    await tick();
    const ts = s.sent.splice(0);
    expect(ts.length).toBe(3); // all three in flight before any reply
    s.reply(rmsg(117, tagOf(ts[2]), [...le32(2), 7, 8]));
    s.reply(rmsg(7, tagOf(ts[1]), le32(Errno.EIO)));
    s.reply(rmsg(117, tagOf(ts[0]), [...le32(4), 1, 2, 3, 4]));
    const r = await p;
    expect(r[0]).toBe(4);
    expect((r[1] as RkError).errno).toBe(Errno.EIO);
    expect(r[2]).toBe(2);
    expect([...bufs[0]]).toEqual([1, 2, 3, 4]);
    expect([...bufs[2].subarray(0, 2)]).toEqual([7, 8]);
    const four = Array.from({ length: 4 }, () => ({ offset: 0, into: new Uint8Array(1) }));
    // too many parts for one batch is refused before anything is sent
    expect(() => c.readMany(f, four)).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
  });
});
