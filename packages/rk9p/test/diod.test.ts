// Our client against diod over TCP: a whole 9P2000.L session, checked against the exported
// directory through node:fs (the files diod really wrote, the attributes the host really has).
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  P9_AT_REMOVEDIR,
  P9_DOTL,
  P9_GETATTR_ALL,
  P9_QTDIR,
  P9_QTSYMLINK,
  P9_SETATTR_MODE,
  P9_SETATTR_MTIME,
  P9_SETATTR_MTIME_SET,
  P9_SETATTR_SIZE,
  P9RemoteError,
  RkP9Client,
  type RkP9Fid,
  type RkP9Result,
} from '../src/index';
import { type Diod, haveDiod, startDiod } from './helpers/diod';
import { pending } from './helpers/pending';
import { socketTransport } from './helpers/socket';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function errnoOf(p: RkP9Result<unknown>): Promise<number> {
  try {
    await pending(p);
  } catch (e) {
    return (e as { errno: number }).errno;
  }
  return 0;
}

describe.skipIf(!haveDiod)('rk9p client against diod', () => {
  let diod: Diod;
  let c: RkP9Client;
  let root: RkP9Fid;

  beforeAll(async () => {
    diod = await startDiod();
    writeFileSync(join(diod.dir, 'hello.txt'), 'hello from the host over 9P\n');
    mkdirSync(join(diod.dir, 'sub'));
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 9)) & 0xff;
    writeFileSync(join(diod.dir, 'sub', 'big.bin'), big);
    c = await RkP9Client.connect(socketTransport({ port: diod.port }), 'sock', { msize: 65536 });
    root = await c.attach(diod.dir);
  });
  afterAll(async () => {
    c?.close();
    await diod?.stop();
  });

  it('negotiates msize down to what diod offers and attaches to the export', async () => {
    expect(c.dev.msize).toBeLessThanOrEqual(65536);
    expect(c.dev.msize).toBeGreaterThanOrEqual(4096);
    expect(root.qid.type & P9_QTDIR).toBe(P9_QTDIR);
    const a = await c.getattr(root);
    expect(a.qid.path).toBe(BigInt(statSync(diod.dir).ino));
  });

  it('walks, opens and reads a small file and a large one split by msize', async () => {
    const f = await c.walk(root, ['hello.txt']);
    await c.lopen(f, P9_DOTL.O_RDONLY);
    const buf = new Uint8Array(100);
    const n = await c.read(f, 0, buf);
    expect(new TextDecoder().decode(buf.subarray(0, n))).toBe('hello from the host over 9P\n');
    expect(await c.read(f, n, buf)).toBe(0);
    await c.clunk(f);

    const g = await c.walk(root, ['sub', 'big.bin']);
    await c.lopen(g, P9_DOTL.O_RDONLY);
    const out = new Uint8Array(300_000);
    let off = 0;
    let reads = 0;
    for (;;) {
      const k = await c.read(g, off, out.subarray(off));
      reads++;
      if (k === 0) break;
      expect(k).toBeLessThanOrEqual(c.dev.msize - 24);
      off += k;
    }
    expect(off).toBe(300_000);
    expect(reads).toBeGreaterThan(300_000 / c.dev.msize);
    expect(sha(out)).toBe(sha(readFileSync(join(diod.dir, 'sub', 'big.bin'))));
    await c.clunk(g);
  });

  it('creates and writes a file the host then holds byte for byte', async () => {
    const d = await c.walk(root, []);
    await c.lcreate(d, 'made.bin', P9_DOTL.O_RDWR | P9_DOTL.O_CREAT, 0o640);
    const data = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    let off = 0;
    while (off < data.length) off += await c.write(d, off, data.subarray(off));
    await c.fsync(d);
    await c.clunk(d);
    const host = readFileSync(join(diod.dir, 'made.bin'));
    expect(sha(host)).toBe(sha(data));
    expect(statSync(join(diod.dir, 'made.bin')).mode & 0o777).toBe(0o640);
  });

  it('lists a directory with readdir cookies across several requests', async () => {
    mkdirSync(join(diod.dir, 'many'));
    for (let i = 0; i < 60; i++) writeFileSync(join(diod.dir, 'many', `file-${i}`), '');
    const d = await c.walk(root, ['many']);
    await c.lopen(d, P9_DOTL.O_RDONLY | P9_DOTL.O_DIRECTORY);
    const names: string[] = [];
    let cookie = 0n;
    let rounds = 0;
    for (;;) {
      const ents = await c.readdir(d, cookie, 512);
      if (ents.length === 0) break;
      rounds++;
      for (const e of ents) names.push(e.name);
      cookie = ents[ents.length - 1].offset;
    }
    await c.clunk(d);
    expect(rounds).toBeGreaterThan(1);
    expect(names.sort()).toEqual(
      ['.', '..', ...Array.from({ length: 60 }, (_, i) => `file-${i}`)].sort(),
    );
  });

  it('getattr and setattr: mode, size and mtime reach the host', async () => {
    const f = await c.walk(root, ['made.bin']);
    await c.setattr(f, {
      valid: P9_SETATTR_MODE | P9_SETATTR_SIZE | P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET,
      mode: 0o600,
      size: 1234,
      mtimeSec: 1_000_000_000,
      mtimeNsec: 5000,
    });
    const a = await c.getattr(f, P9_GETATTR_ALL);
    const st = statSync(join(diod.dir, 'made.bin'));
    expect(a.size).toBe(1234);
    expect(st.size).toBe(1234);
    expect(st.mode & 0o7777).toBe(0o600);
    expect(a.mode).toBe(st.mode);
    expect(a.mtimeSec).toBe(1_000_000_000);
    expect(st.mtimeMs).toBe(1_000_000_000_000 + 0.005);
    expect(a.nlink).toBe(st.nlink);
    expect(a.qid.path).toBe(BigInt(st.ino));
    await c.clunk(f);
  });

  it('mkdir, symlink/readlink, link, renameat; unlinkat or remove as diod allows', async () => {
    const q = await c.mkdir(root, 'newdir', 0o755);
    expect(q.type & P9_QTDIR).toBe(P9_QTDIR);
    expect(statSync(join(diod.dir, 'newdir')).isDirectory()).toBe(true);
    const sq = await c.symlink(root, 'ln', 'hello.txt');
    expect(sq.type & P9_QTSYMLINK).toBe(P9_QTSYMLINK);
    expect(readlinkSync(join(diod.dir, 'ln'))).toBe('hello.txt');
    const l = await c.walk(root, ['ln']);
    expect(await c.readlink(l)).toBe('hello.txt');
    await c.clunk(l);
    const h = await c.walk(root, ['hello.txt']);
    await c.link(root, h, 'hard.txt');
    await c.clunk(h);
    expect(statSync(join(diod.dir, 'hard.txt')).ino).toBe(
      statSync(join(diod.dir, 'hello.txt')).ino,
    );
    const nd = await c.walk(root, ['newdir']);
    // diod 1.0.24 has no Trenameat either (EOPNOTSUPP): Linux falls back to Trename on a walked fid
    const rr = await errnoOf(c.renameat(root, 'hard.txt', nd, 'moved.txt'));
    expect([0, Errno.EOPNOTSUPP]).toContain(rr);
    if (rr !== 0) {
      const old = await c.walk(root, ['hard.txt']);
      await c.rename(old, nd, 'moved.txt');
      await c.clunk(old);
    }
    expect(existsSync(join(diod.dir, 'newdir', 'moved.txt'))).toBe(true);
    expect(existsSync(join(diod.dir, 'hard.txt'))).toBe(false);
    // diod 1.0.24 answers Tunlinkat with EOPNOTSUPP; a client falls back to walk + Tremove
    const rc = await errnoOf(c.unlinkat(nd, 'moved.txt', 0));
    expect([0, Errno.EOPNOTSUPP]).toContain(rc);
    if (rc !== 0) await c.remove(await c.walk(nd, ['moved.txt']));
    expect(existsSync(join(diod.dir, 'newdir', 'moved.txt'))).toBe(false);
    await c.clunk(nd);
    const rd = await errnoOf(c.unlinkat(root, 'newdir', P9_AT_REMOVEDIR));
    if (rd !== 0) await c.remove(await c.walk(root, ['newdir']));
    expect(existsSync(join(diod.dir, 'newdir'))).toBe(false);
    expect(lstatSync(join(diod.dir, 'ln')).isSymbolicLink()).toBe(true);
  });

  it('statfs reports the host file system', async () => {
    const s = await c.statfs(root);
    expect(s.bsize).toBeGreaterThan(0);
    expect(s.namelen).toBe(255);
    expect(s.blocks).toBeGreaterThan(0);
  });

  it('errors come back as the server errno, naming the request; fids are not leaked', async () => {
    const before = c.openFids;
    const e = await pending(c.walk(root, ['nope'])).catch((x) => x);
    expect(e).toBeInstanceOf(P9RemoteError);
    expect(e.errno).toBe(Errno.ENOENT);
    expect(e.message).toContain('Twalk');
    expect(await errnoOf(c.walk(root, ['sub', 'missing']))).toBe(Errno.ENOENT);
    expect(c.openFids).toBe(before);
    const d = await c.walk(root, []);
    expect(
      await errnoOf(
        c.lcreate(d, 'hello.txt', P9_DOTL.O_CREAT | P9_DOTL.O_EXCL | P9_DOTL.O_RDWR, 0o644),
      ),
    ).toBe(Errno.EEXIST);
    await c.clunk(d);
    const s = await c.walk(root, ['sub']);
    expect(await errnoOf(c.mkdir(s, 'big.bin', 0o755))).toBe(Errno.EEXIST);
    await c.clunk(s);
    expect(c.dev.stats.unknownTags + c.dev.stats.badReplies).toBe(0);
  });

  it('walks of more than 16 names are split into several Twalks', async () => {
    const parts = Array.from({ length: 20 }, (_, i) => `d${i}`);
    mkdirSync(join(diod.dir, ...parts), { recursive: true });
    writeFileSync(join(diod.dir, ...parts, 'deep'), 'deep');
    const before = c.dev.stats.requests;
    const f = await c.walk(root, [...parts, 'deep']);
    expect(c.dev.stats.requests - before).toBe(2);
    await c.lopen(f, P9_DOTL.O_RDONLY);
    const b = new Uint8Array(10);
    expect(await c.read(f, 0, b)).toBe(4);
    await c.clunk(f);
  });

  it('many requests in flight at once each get their own reply', async () => {
    const files = await Promise.all(
      Array.from({ length: 20 }, () => c.walk(root, ['sub', 'big.bin'])),
    );
    await Promise.all(files.map((f) => c.lopen(f, P9_DOTL.O_RDONLY)));
    const bufs = files.map(() => new Uint8Array(1000));
    const ns = await Promise.all(files.map((f, i) => c.read(f, i * 1000, bufs[i])));
    const host = readFileSync(join(diod.dir, 'sub', 'big.bin'));
    ns.forEach((n, i) => {
      expect(n).toBe(1000);
      expect(sha(bufs[i])).toBe(sha(host.subarray(i * 1000, i * 1000 + 1000)));
    });
    await Promise.all(files.map((f) => c.clunk(f)));
  });
});

describe.skipIf(!haveDiod)('rk9p: the rest of the Linux client messages against diod', () => {
  let diod: Diod;
  let c: RkP9Client;
  let root: RkP9Fid;
  beforeAll(async () => {
    diod = await startDiod();
    writeFileSync(join(diod.dir, 'f'), 'locked');
    c = await RkP9Client.connect(socketTransport({ port: diod.port }), 'sock', { msize: 8192 });
    root = await c.attach(diod.dir);
  });
  afterAll(async () => {
    c?.close();
    await diod?.stop();
  });

  it('Tmknod makes a FIFO; Tauth is refused under -n; Tlock/Tgetlock', async () => {
    const q = await c.mknod(root, 'fifo', 0o10644, 0, 0);
    expect(q.path).toBe(BigInt(statSync(join(diod.dir, 'fifo')).ino));
    expect(statSync(join(diod.dir, 'fifo')).isFIFO()).toBe(true);
    const auth = await pending(
      c.dev.rpc({ type: 'auth', afid: 99, uname: 'root', aname: diod.dir, nUname: 0 }),
    ).catch((e) => e);
    expect(auth).toBeInstanceOf(P9RemoteError);
    const f = await c.walk(root, ['f']);
    await c.lopen(f, P9_DOTL.O_RDWR);
    const lk = { lockType: 1, start: 0, length: 0, procId: 42, clientId: 'rk' };
    expect(await c.lock(f, { ...lk, flags: 0 })).toBe(0); // P9_LOCK_SUCCESS
    const g = await c.getlock(f, { ...lk, lockType: 0 });
    expect([0, 1, 2]).toContain(g.lockType); // diod reports the lock (or UNLCK for its own owner)
    expect(await c.lock(f, { ...lk, lockType: 2, flags: 0 })).toBe(0);
    await c.clunk(f);
  });

  it('Txattrwalk lists and reads an attribute; Txattrcreate sets one', async () => {
    const f = await c.walk(root, ['f']);
    // the export lives on ext4 here (user xattrs supported): Txattrcreate + Twrite + Tclunk sets it
    const w = await c.walk(f, []);
    await c.xattrcreate(w, 'user.rk', 5, 0);
    expect(await c.write(w, 0, new TextEncoder().encode('hello'))).toBe(5);
    await c.clunk(w);
    const { fid, size } = await c.xattrwalk(f, '');
    const names = new Uint8Array(size);
    expect(await c.read(fid, 0, names)).toBe(size);
    await c.clunk(fid);
    expect(new TextDecoder().decode(names).split('\0')).toContain('user.rk');
    const v = await c.xattrwalk(f, 'user.rk');
    expect(v.size).toBe(5);
    const b = new Uint8Array(v.size);
    await c.read(v.fid, 0, b);
    expect(new TextDecoder().decode(b)).toBe('hello');
    await c.clunk(v.fid);
    expect(await pending(c.xattrwalk(f, 'user.none')).catch((e) => e.errno)).toBe(Errno.ENODATA);
    await c.clunk(f);
    expect(c.dev.stats.badReplies + c.dev.stats.unknownTags).toBe(0);
  });
});
