// The direct path: when the transport has the reply as soon as the request is sent (the machine's
// virtio-9p device answers inside the notify), an operation returns its value, or throws, with no
// Promise. A request that must wait — the transport has no room (-EBUSY), every slot is taken —
// returns a Promise and still completes.
import { Errno } from '@runikraft/errno';
import { afterEach, describe, expect, it } from 'vitest';
import {
  P9_DOTL,
  type RkP9Attr,
  type RkP9Channel,
  RkP9Client,
  type RkP9Transport,
} from '../src/index';
import { serverTransport, sharedDir } from './helpers/server';

let share: ReturnType<typeof sharedDir> | null = null;
afterEach(() => {
  share?.close();
  share = null;
});

/** The machine's 9P server answering at once, refusing the next `busy.n` requests with -EBUSY. */
function busyTransport(busy: { n: number; waits: number }): RkP9Transport {
  share = sharedDir();
  const base = serverTransport(share.server, true);
  return {
    ...base,
    connect(device, h) {
      const ch = base.connect(device, h) as RkP9Channel;
      return {
        ...ch,
        request(req) {
          if (busy.n > 0) {
            busy.n--;
            return -Errno.EBUSY;
          }
          return ch.request(req);
        },
        wait: async () => {
          busy.waits++;
        },
      };
    },
  };
}

describe('rk9p direct replies', () => {
  it('returns values and throws errors directly when the reply is there at once', async () => {
    const busy = { n: 0, waits: 0 };
    const c = await RkP9Client.connect(busyTransport(busy), 'share');
    const root = await c.attach('');
    const d = c.walk(root, []);
    expect(d).not.toBeInstanceOf(Promise);
    const f = d as Awaited<typeof d>;
    expect(
      c.lcreate(f, 'a', P9_DOTL.O_RDWR | P9_DOTL.O_CREAT | P9_DOTL.O_EXCL, 0o644),
    ).toBeUndefined();
    expect(c.write(f, 0, new Uint8Array([1, 2, 3]))).toBe(3);
    const got = new Uint8Array(8);
    const parts = c.readMany(f, [
      { offset: 0, into: got.subarray(0, 2) },
      { offset: 2, into: got.subarray(2, 8) },
    ]);
    expect(parts).toEqual([2, 1]);
    expect([...got.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect((c.getattr(f) as RkP9Attr).size).toBe(3);
    expect(c.clunk(f)).toBeUndefined();
    const before = c.openFids;
    expect(() => c.walk(root, ['a', 'missing'])).toThrow(
      expect.objectContaining({ errno: Errno.ENOENT }),
    );
    expect(c.openFids).toBe(before); // the failed walk left no fid
    expect(busy.waits).toBe(0);
    c.close();
    expect(() => c.getattr(root)).toThrow(expect.objectContaining({ errno: Errno.ENOTCONN }));
  });

  it('waits, returning a Promise, while the transport has no room, then answers directly again', async () => {
    const busy = { n: 0, waits: 0 };
    const c = await RkP9Client.connect(busyTransport(busy), 'share');
    const root = await c.attach('');
    busy.n = 2;
    const r = c.getattr(root);
    expect(r).toBeInstanceOf(Promise);
    expect((await r).qid.path).toBe(root.qid.path);
    expect(busy.waits).toBe(2);
    busy.n = 1;
    const m = c.mkdir(root, 'sub', 0o755);
    expect(m).toBeInstanceOf(Promise);
    await m;
    await expect(
      (async () => {
        busy.n = 1;
        return c.mkdir(root, 'sub', 0o755);
      })(),
    ).rejects.toMatchObject({ errno: Errno.EEXIST });
    const again = c.getattr(root);
    expect(again).not.toBeInstanceOf(Promise);
    expect(c.dev.stats.badReplies + c.dev.stats.unknownTags).toBe(0);
    c.close();
  });

  it('a batch with more parts than slots is refused at once; one that waits for a slot completes', async () => {
    const busy = { n: 0, waits: 0 };
    const c = await RkP9Client.connect(busyTransport(busy), 'share', { maxRequests: 2 });
    const root = await c.attach('');
    const f = (await c.walk(root, [])) as Awaited<ReturnType<typeof c.walk>>;
    await c.lcreate(f, 'b', P9_DOTL.O_RDWR | P9_DOTL.O_CREAT, 0o644);
    const three = [0, 1, 2].map((i) => ({ offset: i, data: new Uint8Array([i + 10]) }));
    expect(() => c.writeMany(f, three)).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    busy.n = 1; // the second part finds no room and waits; the first was answered directly
    const w = c.writeMany(f, three.slice(0, 2));
    expect(w).toBeInstanceOf(Promise);
    expect(await w).toEqual([1, 1]);
    const back = new Uint8Array(2);
    expect(c.read(f, 0, back)).toBe(2);
    expect([...back]).toEqual([10, 11]);
    c.close();
  });
});
