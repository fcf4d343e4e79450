// Requests per operation (a 9P round trip parks the caller and runs the whole request path): under
// cache=loose a name known to be absent is answered without a walk (Linux's v9fs keeps negative
// dentries in a caching mode), and nodes made by create and mkdir get their own fid only when
// something needs it. An SQLite autocommit transaction's file work (dot-file lock, journal) is
// counted whole.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { O_RDONLY, O_RDWR } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import type { P9Handle, P9Node } from '../src/index';
import { haveDiod, mountDiod } from './helpers';

type Mounted = Awaited<ReturnType<typeof mountDiod>>;
const sent = (m: Mounted) => m.fs.client.dev.stats.requests;

describe.skipIf(!haveDiod)('9pfs requests', () => {
  it('cache=loose: a missing name is walked once; made, removed or renamed through the mount, it is known', async () => {
    const m = await mountDiod('cache=loose');
    const { fs } = m;
    try {
      let n = sent(m);
      expect(await fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT);
      expect(sent(m) - n).toBe(1);
      n = sent(m);
      expect(fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT); // synchronous, no request
      expect(sent(m)).toBe(n);
      // made through the mount: found
      const f = (await fs.create(fs.root, 'j', 0o644)) as P9Node;
      const again = (await fs.lookup(fs.root, 'j')) as P9Node;
      expect(again.ino).toBe(f.ino);
      // removed through the mount: absent again without asking
      expect(await fs.unlink(fs.root, 'j', f)).toBe(0);
      n = sent(m);
      expect(fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT);
      expect(sent(m)).toBe(n);
      // renamed: the old name is absent, the new one found (a link's new name too)
      const g = (await fs.create(fs.root, 'g', 0o644)) as P9Node;
      expect(await fs.lookup(fs.root, 'h')).toBe(-Errno.ENOENT);
      expect(await fs.rename(fs.root, 'g', fs.root, 'h', 0)).toBe(0);
      expect(((await fs.lookup(fs.root, 'h')) as P9Node).ino).toBe(g.ino);
      expect(fs.lookup(fs.root, 'g')).toBe(-Errno.ENOENT);
      expect(await fs.link(g, fs.root, 'g')).toBe(0);
      expect(((await fs.lookup(fs.root, 'g')) as P9Node).ino).toBe(g.ino);
      // a name in a directory: mkdir and symlink make theirs known too
      expect(await fs.lookup(fs.root, 'd')).toBe(-Errno.ENOENT);
      const d = (await fs.mkdir(fs.root, 'd', 0o755)) as P9Node;
      expect(((await fs.lookup(fs.root, 'd')) as P9Node).ino).toBe(d.ino);
      expect(await fs.lookup(d, 's')).toBe(-Errno.ENOENT);
      expect(typeof (await fs.symlink(d, 's', 'x'))).toBe('object');
      expect(typeof (await fs.lookup(d, 's'))).toBe('object');
      // cache=loose trusts this mount: a name made on the host meanwhile is not seen (loose)
      writeFileSync(join(m.diod.dir, 'j'), 'host');
      expect(fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT);
    } finally {
      await m.close();
    }
  });

  it('cache=none walks every lookup and sees names the host made', async () => {
    const m = await mountDiod('cache=none');
    const { fs } = m;
    try {
      expect(await fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT);
      const n = sent(m);
      expect(await fs.lookup(fs.root, 'j')).toBe(-Errno.ENOENT);
      expect(sent(m) - n).toBe(1);
      writeFileSync(join(m.diod.dir, 'j'), 'host');
      expect(typeof (await fs.lookup(fs.root, 'j'))).toBe('object');
    } finally {
      await m.close();
    }
  });

  it('mkdir is one request; the directory gets a fid when one is needed (setattr), and rmdir forgets its names', async () => {
    const m = await mountDiod('cache=loose');
    const { fs } = m;
    try {
      let n = sent(m);
      const d = (await fs.mkdir(fs.root, 'lock', 0o777)) as P9Node;
      expect(sent(m) - n).toBe(1);
      expect(statSync(join(m.diod.dir, 'lock')).isDirectory()).toBe(true);
      n = sent(m);
      const t = { sec: 1_700_000_000, nsec: 0 };
      expect(await fs.setattr(d, { atime: t, mtime: t })).toBe(0); // walk + setattr
      expect(sent(m) - n).toBe(2);
      expect(statSync(join(m.diod.dir, 'lock')).mtimeMs).toBe(1_700_000_000_000);
      expect(await fs.lookup(d, 'x')).toBe(-Errno.ENOENT);
      expect(await fs.rmdir(fs.root, 'lock', d)).toBe(0);
      fs.release(d);
      expect(fs.lookup(fs.root, 'lock')).toBe(-Errno.ENOENT);
      // made again (its ino may come back): what the old one lacked is asked for afresh
      const d2 = (await fs.mkdir(fs.root, 'lock', 0o777)) as P9Node;
      writeFileSync(join(m.diod.dir, 'lock', 'x'), '');
      expect(typeof (await fs.lookup(d2, 'x'))).toBe('object');
    } finally {
      await m.close();
    }
  });

  it("an SQLite autocommit transaction's lock and journal: no walk of a known-absent name, no node walk for the journal", async () => {
    const m = await mountDiod('cache=loose');
    const { fs } = m;
    try {
      const db = (await fs.create(fs.root, 'db', 0o644)) as P9Node;
      const dbh = (await fs.open(db, O_RDWR)) as P9Handle;
      // diod 1.0.24 has no Tunlinkat: learn that first (its fallback is walk + Tremove)
      await fs.create(fs.root, 'x', 0o644);
      expect(await fs.unlink(fs.root, 'x', (await fs.lookup(fs.root, 'x')) as P9Node)).toBe(0);
      // the first transaction learns that the lock and the journal are absent
      expect(await fs.lookup(fs.root, 'db.lock')).toBe(-Errno.ENOENT);
      expect(await fs.lookup(fs.root, 'db-journal')).toBe(-Errno.ENOENT);
      const types: string[] = [];
      const dev = fs.client.dev as { rpc: unknown; rpcBatch: unknown };
      const rpc = fs.client.dev.rpc.bind(fs.client.dev);
      const batch = fs.client.dev.rpcBatch.bind(fs.client.dev);
      dev.rpc = (x: { type: string }, u?: unknown) => {
        types.push(x.type);
        return rpc(x as never, u as never);
      };
      dev.rpcBatch = (xs: { type: string }[], u: unknown) => {
        for (const x of xs) types.push(x.type);
        return batch(xs as never, u as never);
      };
      const now = { sec: 1_700_000_000, nsec: 0 };
      expect(fs.lookup(fs.root, 'db.lock')).toBe(-Errno.ENOENT);
      const lock = (await fs.mkdir(fs.root, 'db.lock', 0o777)) as P9Node;
      expect(await fs.setattr(lock, { atime: now, mtime: now })).toBe(0);
      expect(fs.lookup(fs.root, 'db-journal')).toBe(-Errno.ENOENT);
      const j = (await fs.create(fs.root, 'db-journal', 0o644)) as P9Node;
      const jh = (await fs.open(j, O_RDWR)) as P9Handle;
      expect(await fs.write(jh, new Uint8Array(512).fill(1), 0)).toBe(512);
      // SQLite's probe past the new journal's end: its size is known (made empty, grown here)
      expect(fs.read(jh, new Uint8Array(8), 512)).toBe(0);
      expect(await fs.fsync(jh, false)).toBe(0);
      expect(await fs.write(dbh, new Uint8Array(4096).fill(2), 0)).toBe(4096);
      expect(await fs.fsync(dbh, false)).toBe(0);
      expect(await fs.close(jh)).toBe(0);
      expect(await fs.unlink(fs.root, 'db-journal', j)).toBe(0);
      fs.release(j);
      expect(await fs.rmdir(fs.root, 'db.lock', lock)).toBe(0);
      fs.release(lock);
      expect(await fs.close(dbh)).toBe(0);
      expect(types).toEqual([
        'mkdir',
        'walk', // the lock's fid, for its times
        'setattr',
        'walk', // a clone of the directory's fid for Tlcreate
        'lcreate',
        'write',
        'fsync',
        'write',
        'fsync',
        'clunk', // the journal's open fid (its node never had one of its own)
        'walk', // unlink: diod's fallback
        'remove',
        'walk', // rmdir: diod's fallback
        'remove',
        'clunk', // the lock's fid, before the next request
        'clunk', // the database's open fid
      ]);
      expect(statSync(join(m.diod.dir, 'db')).size).toBe(4096);
      expect(fs.lookup(fs.root, 'db.lock')).toBe(-Errno.ENOENT);
      expect(fs.lookup(fs.root, 'db-journal')).toBe(-Errno.ENOENT);
    } finally {
      await m.close();
    }
  });

  it('cache=loose: a read past the end of a file made here is 0 without a Tread, until a truncate', async () => {
    const m = await mountDiod('cache=loose');
    const { fs } = m;
    try {
      const k = (await fs.create(fs.root, 'k', 0o644)) as P9Node;
      const h = (await fs.open(k, O_RDWR)) as P9Handle;
      let n = sent(m);
      expect(fs.read(h, new Uint8Array(8), 0)).toBe(0); // made empty
      expect(sent(m)).toBe(n);
      expect(await fs.write(h, new Uint8Array(10).fill(7), 0)).toBe(10);
      expect(fs.read(h, new Uint8Array(8), 10)).toBe(0); // grown by the write
      expect(await fs.setattr(k, { size: 100 })).toBe(0);
      n = sent(m);
      const b = new Uint8Array(8).fill(1);
      expect(await fs.read(h, b, 50)).toBe(8); // the size is asked again: zeros up to 100
      expect(b).toEqual(new Uint8Array(8));
      expect(sent(m)).toBeGreaterThan(n);
      expect(await fs.close(h)).toBe(0);
    } finally {
      await m.close();
    }
  });

  it("cache=loose: a directory's opens share one held fid, so SQLite's directory fsync is one Tfsync", async () => {
    const m = await mountDiod('cache=loose');
    const { fs } = m;
    try {
      const before = fs.client.openFids;
      const d = (await fs.mkdir(fs.root, 'd', 0o755)) as P9Node;
      const a = (await fs.create(d, 'a', 0o644)) as P9Node;
      expect(await fs.close((await fs.open(a, O_RDWR)) as P9Handle)).toBe(0);
      let n = sent(m);
      const h1 = (await fs.open(d, O_RDONLY)) as P9Handle;
      expect(sent(m) - n).toBe(2); // a clone of the node's fid, Tlopen: held by the node
      n = sent(m);
      expect(await fs.fsync(h1, false)).toBe(0);
      expect(sent(m) - n).toBe(1);
      n = sent(m);
      expect(fs.close(h1)).toBe(0); // synchronous: the node keeps the fid
      const h2 = fs.open(d, O_RDONLY) as P9Handle; // synchronous, the same fid
      expect(h2.fid).toBe(h1.fid);
      expect(fs.close(h2)).toBe(0);
      expect(sent(m)).toBe(n);
      // listing opens a fid of its own per handle (the server keeps a listing per fid)
      const list = async (h: P9Handle) => {
        const names: string[] = [];
        expect(
          await fs.readdir(h, 0, (name) => {
            names.push(name);
            return true;
          }),
        ).toBe(0);
        return names.sort();
      };
      const h3 = fs.open(d, O_RDONLY) as P9Handle;
      const h4 = fs.open(d, O_RDONLY) as P9Handle;
      expect(await list(h3)).toEqual(['.', '..', 'a']);
      expect(await list(h4)).toEqual(['.', '..', 'a']);
      expect(h3.fid).not.toBe(h4.fid);
      expect(await fs.close(h3)).toBe(0);
      expect(await fs.close(h4)).toBe(0);
      // the held fid goes with the node: no fid is left behind
      expect(await fs.unlink(d, 'a', a)).toBe(0);
      fs.release(a);
      expect(await fs.rmdir(fs.root, 'd', d)).toBe(0);
      fs.release(d);
      expect(await fs.statfs({} as never)).toBe(0); // a request: the queued clunks go first
      expect(fs.client.openFids).toBe(before);
    } finally {
      await m.close();
    }
  });
});
