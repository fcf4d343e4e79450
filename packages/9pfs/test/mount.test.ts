// Mounting 9pfs: options as Linux's v9fs takes them, refusals with a reason, read-only shares, the
// two cache modes as Linux's cache=none and cache=loose behave, and large I/O split by msize.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { RkP9TransportRegistryImpl } from '@runikraft/rk9p';
import { O_RDONLY, O_RDWR, O_WRONLY } from '@runikraft/vfscore';
import { emptyAttr, emptyStatfs } from '@runikraft/vfscore/conformance';
import { describe, expect, it } from 'vitest';
import { startDiod } from '../../rk9p/test/helpers/diod';
import { socketTransport } from '../../rk9p/test/helpers/socket';
import {
  create9pfsType,
  type P9Handle,
  type P9Node,
  parseP9fsOptions,
  V9FS_MAGIC,
} from '../src/index';
import { haveDiod, mountDiod, testEnv } from './helpers';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('options', () => {
  it('parses what Linux takes and names what is wrong', () => {
    expect(
      parseP9fsOptions(
        'trans=virtio,version=9p2000.L,msize=65536,cache=loose,aname=/x,uname=u,uid=5',
      ),
    ).toEqual({
      trans: 'virtio',
      msize: 65536,
      cache: 'loose',
      aname: '/x',
      uname: 'u',
      uid: 5,
    });
    expect(parseP9fsOptions('')).toMatchObject({ msize: 131072, cache: 'none' });
    expect(parseP9fsOptions('cache=mmap')).toBe(
      'cache=mmap: 9pfs implements cache=none and cache=loose',
    );
    expect(parseP9fsOptions('msize=12')).toContain('msize=12');
    expect(parseP9fsOptions('version=9p2000.u')).toContain('9P2000.L only');
    expect(parseP9fsOptions('posixacl')).toContain("unknown option 'posixacl'");
  });

  it('a mount refused says why: bad options, no transport, unknown tag', async () => {
    const log: string[] = [];
    const reg = new RkP9TransportRegistryImpl();
    const t = create9pfsType(reg, (l) => log.push(l));
    const args = { source: 'share', target: '/mnt', readonly: false, env: testEnv() };
    expect(await t.mount({ ...args, options: 'cache=fscache' })).toBe(-Errno.EINVAL);
    expect(await t.mount({ ...args, options: '' })).toBe(-Errno.ENODEV);
    reg.register(socketTransport({ port: 1 }, 'share'));
    expect(await t.mount({ ...args, options: 'trans=virtio' })).toBe(-Errno.ENODEV);
    expect(await t.mount({ ...args, source: 'other', options: '' })).toBe(-Errno.ENODEV);
    expect(log).toEqual([
      "9pfs: mount of 'share' on /mnt: cache=fscache: 9pfs implements cache=none and cache=loose\n",
      '9pfs: no 9P transport is registered\n',
      "9pfs: no 9P transport 'virtio' is registered\n",
      "9pfs: ENODEV: 9P: cannot connect to 'other' over socket\n",
    ]);
  });
});

describe.skipIf(!haveDiod)('9pfs on diod', () => {
  it('an aname diod does not export is refused with its errno', async () => {
    const diod = await startDiod();
    try {
      const reg = new RkP9TransportRegistryImpl();
      reg.register(socketTransport({ port: diod.port }, 'share'));
      const log: string[] = [];
      const r = await create9pfsType(reg, (l) => log.push(l)).mount({
        source: 'share',
        target: '/mnt',
        options: 'aname=/nonexistent-export',
        readonly: false,
        env: testEnv(),
      });
      expect(typeof r === 'number' && r < 0).toBe(true);
      expect(log[0]).toContain("attach to 'share' (aname '/nonexistent-export')");
    } finally {
      await diod.stop();
    }
  });

  it('large reads and writes are split by msize, several messages in flight, bytes exact', async () => {
    const m = await mountDiod('msize=16384');
    try {
      const data = new Uint8Array(1_000_003).map((_, i) => (i * 131 + (i >> 13)) & 0xff);
      writeFileSync(join(m.diod.dir, 'big'), data);
      const n = (await m.fs.lookup(m.fs.root, 'big')) as P9Node;
      const h = (await m.fs.open(n, O_RDWR)) as P9Handle;
      const before = m.fs.client.dev.stats.requests;
      const out = new Uint8Array(data.length + 100);
      expect(await m.fs.read(h, out, 0)).toBe(data.length);
      expect(m.fs.client.dev.stats.requests - before).toBeGreaterThanOrEqual(
        Math.ceil(data.length / (16384 - 24)),
      );
      expect(sha(out.subarray(0, data.length))).toBe(sha(data));
      expect(await m.fs.read(h, out.subarray(0, 10), data.length - 4)).toBe(4);
      expect(await m.fs.read(h, out.subarray(0, 10), data.length + 5)).toBe(0);
      const rev = data.slice().reverse();
      expect(await m.fs.write(h, rev, 7)).toBe(rev.length);
      expect(await m.fs.fsync(h, false)).toBe(0);
      expect(await m.fs.close(h)).toBe(0);
      const host = readFileSync(join(m.diod.dir, 'big'));
      expect(host.length).toBe(rev.length + 7);
      expect(sha(host.subarray(7))).toBe(sha(rev));
      const st = emptyStatfs();
      expect(await m.fs.statfs(st)).toBe(0);
      expect([st.type, st.namelen, st.flags]).toEqual([V9FS_MAGIC, 255, 0]);
    } finally {
      await m.close();
    }
  });

  it('a read-only mount refuses every change with EROFS and still reads', async () => {
    const m = await mountDiod('', true);
    const { fs } = m;
    try {
      writeFileSync(join(m.diod.dir, 'f'), 'data');
      const f = (await fs.lookup(fs.root, 'f')) as P9Node;
      expect(await fs.create(fs.root, 'n', 0o644)).toBe(-Errno.EROFS);
      expect(await fs.mkdir(fs.root, 'd', 0o755)).toBe(-Errno.EROFS);
      expect(await fs.symlink(fs.root, 'l', 'f')).toBe(-Errno.EROFS);
      expect(await fs.link(f, fs.root, 'h')).toBe(-Errno.EROFS);
      expect(await fs.unlink(fs.root, 'f', f)).toBe(-Errno.EROFS);
      expect(await fs.rename(fs.root, 'f', fs.root, 'g', 0)).toBe(-Errno.EROFS);
      expect(await fs.setattr(f, { size: 0 })).toBe(-Errno.EROFS);
      expect(await fs.open(f, O_WRONLY)).toBe(-Errno.EROFS);
      const h = (await fs.open(f, O_RDONLY)) as P9Handle;
      const b = new Uint8Array(10);
      expect(await fs.read(h, b, 0)).toBe(4);
      expect(await fs.write(h, b, 0)).toBe(-Errno.EROFS);
      await fs.close(h);
      expect(readFileSync(join(m.diod.dir, 'f'), 'utf8')).toBe('data');
    } finally {
      await m.close();
    }
  });

  it('cache=none sees changes made behind its back; cache=loose keeps what it saw', async () => {
    for (const cache of ['none', 'loose'] as const) {
      const m = await mountDiod(`cache=${cache}`);
      try {
        expect(m.fs.caps.nameCache).toBe(cache === 'loose');
        writeFileSync(join(m.diod.dir, 'f'), 'abc');
        const f = (await m.fs.lookup(m.fs.root, 'f')) as P9Node;
        const a = emptyAttr();
        expect(await m.fs.getattr(f, a)).toBe(0);
        expect(a.size).toBe(3);
        writeFileSync(join(m.diod.dir, 'f'), 'abcdef'); // another client writes
        const requests = m.fs.client.dev.stats.requests;
        expect(await m.fs.getattr(f, a)).toBe(0);
        expect(a.size).toBe(cache === 'none' ? 6 : 3);
        expect(m.fs.client.dev.stats.requests - requests).toBe(cache === 'none' ? 1 : 0);
        // a change through 9pfs itself drops the cached attributes
        expect(await m.fs.setattr(f, { mode: 0o600 })).toBe(0);
        expect(await m.fs.getattr(f, a)).toBe(0);
        expect([a.size, a.mode & 0o777]).toEqual([6, 0o600]);
        expect(statSync(join(m.diod.dir, 'f')).mode & 0o777).toBe(0o600);
      } finally {
        await m.close();
      }
    }
  });

  it('create hands its Tlcreate fid to the open that follows (2 requests + 1 at close)', async () => {
    const m = await mountDiod();
    const { fs } = m;
    try {
      const before = fs.client.dev.stats.requests;
      const f = (await fs.create(fs.root, 'new', 0o600)) as P9Node;
      const h = (await fs.open(f, O_WRONLY)) as P9Handle;
      expect(await fs.write(h, new Uint8Array([9, 8, 7]), 0)).toBe(3);
      expect(await fs.close(h)).toBe(0);
      // walk (a clone of the directory's fid), lcreate, write, clunk: the node's own fid is not
      // walked until something needs it
      expect(fs.client.dev.stats.requests - before).toBe(4);
      expect([...readFileSync(join(m.diod.dir, 'new'))]).toEqual([9, 8, 7]);
      expect(statSync(join(m.diod.dir, 'new')).mode & 0o777).toBe(0o600);
      // a second open walks the node, then clones and opens it
      const h2 = (await fs.open(f, O_RDONLY)) as P9Handle;
      const b = new Uint8Array(8);
      expect(await fs.read(h2, b, 0)).toBe(3);
      await fs.close(h2);
      // a created node released unopened gives its Tlcreate fid back (it has no other): clunked
      // before the next request (never beside another: a thread parks once at a time)
      const g = (await fs.create(fs.root, 'other', 0o644)) as P9Node;
      const open = fs.client.openFids;
      const sent = fs.client.dev.stats.requests;
      fs.release(g);
      expect(fs.client.openFids).toBe(open);
      expect(await fs.statfs(emptyStatfs())).toBe(0);
      expect(fs.client.openFids).toBe(open - 1);
      expect(fs.client.dev.stats.requests - sent).toBe(2); // clunk, statfs
    } finally {
      await m.close();
    }
  });

  it('unlink and rmdir fall back to walk + Tremove where diod refuses Tunlinkat', async () => {
    const m = await mountDiod();
    const { fs } = m;
    try {
      const d = (await fs.mkdir(fs.root, 'd', 0o755)) as P9Node;
      const f = (await fs.create(d, 'f', 0o644)) as P9Node;
      expect(await fs.rmdir(fs.root, 'd', d)).toBe(-Errno.ENOTEMPTY);
      expect(await fs.unlink(d, 'f', f)).toBe(0);
      expect(await fs.rmdir(fs.root, 'd', d)).toBe(0);
      expect(await fs.lookup(fs.root, 'd')).toBe(-Errno.ENOENT);
      expect(fs.client.dev.stats.badReplies).toBe(0);
    } finally {
      await m.close();
    }
  });
});
