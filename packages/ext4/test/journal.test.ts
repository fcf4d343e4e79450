// jbd2: journals written by debugfs (a real jbd2 writer) replay at mount as e2fsck replays them;
// journals this driver writes (metadata_csum → csum v3) are replayed by e2fsck to the same tree
// our own replay gives; malformed journal blocks refuse the mount precisely and change nothing.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { fsck, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';
import { bmap, debugfsScript, dumpTree, features, fsckFix } from './helpers/journal';

const top = scratch('rk-ext4-jnl-');
afterAll(() => rmrf(top));

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      b[i] = s & 0xff;
    }
    return b;
  };
}

function copy(img: string, tag: string): string {
  const to = `${img}.${tag}`;
  nfs.copyFileSync(img, to);
  return to;
}

async function readAll(v: C.RkVfsCore, path: string, n: number): Promise<Uint8Array> {
  const fd = await v.open(path, C.O_RDONLY);
  expect(fd, path).toBeGreaterThanOrEqual(0);
  const b = new Uint8Array(n);
  expect(await v.pread(fd, b, 0)).toBe(n);
  await v.close(fd);
  return b;
}

describe.skipIf(!haveE2fs)('jbd2 replay', () => {
  for (const args of [[], ['-b', '4096']])
    it(`replays debugfs's journal as e2fsck does: tags, escape, revoke, uncommitted tail (${args.join(' ') || '1 KiB blocks'})`, async () => {
      const bytes = rng(args.length + 7);
      const bs = args.length ? 4096 : 1024;
      const src = join(top, `src-${bs}`);
      nfs.mkdirSync(src);
      const orig = [1, 2, 3, 4].map(() => bytes(2 * bs));
      for (const [i, b] of orig.entries()) nfs.writeFileSync(join(src, `f${i + 1}`), b);
      const img = mkfs(top, '16M', { dir: src, args });
      const [x1, x2, x3, x4] = [1, 2, 3, 4].map((i) => bmap(img, `/f${i}`));
      const c1 = bytes(bs);
      const c23 = bytes(2 * bs);
      c23.set([0xc0, 0x3b, 0x39, 0x98]); // starts with the jbd2 magic: logged escaped
      const c4 = bytes(bs);
      for (const [n, b] of [
        ['c1', c1],
        ['c23', c23],
        ['c4', c4],
      ] as const)
        nfs.writeFileSync(join(top, `${n}-${bs}`), b);
      debugfsScript(top, img, [
        'jo -c',
        `jw -b ${x1} ${join(top, `c1-${bs}`)}`,
        `jw -b ${x2},${x3} ${join(top, `c23-${bs}`)}`,
        `jw -r ${x3}`,
        `jw -b ${x4} -c ${join(top, `c4-${bs}`)}`,
        'jc',
      ]);
      expect(features(img)).toContain('needs_recovery');
      const ours = copy(img, 'ours');
      const theirs = copy(img, 'e2fsck');
      const { v, r, log } = await vfsOn(ours);
      expect(r, log.join('')).toBe(0);
      expect(log.join('')).toContain('journal replayed: 3 transactions, 2 blocks (1 revoked)');
      expect(await readAll(v, '/f1', bs)).toEqual(c1);
      expect(await readAll(v, '/f2', bs)).toEqual(c23.subarray(0, bs));
      expect(await readAll(v, '/f3', bs)).toEqual(orig[2]!.subarray(0, bs));
      expect(await readAll(v, '/f4', bs)).toEqual(orig[3]!.subarray(0, bs));
      expect(await (v.st.mountList[0]!.fs as Ext4Fs).unmount()).toBe(0);
      expect(features(ours)).not.toContain('needs_recovery');
      const [st, out] = fsck(ours);
      expect(st, out).toBe(0);
      const [fst, fout] = fsckFix(theirs);
      expect(fst, fout).toBeLessThanOrEqual(1);
      expect(dumpTree(top, ours)).toEqual(dumpTree(top, theirs));
    }, 60_000);

  it('writes a journal e2fsck replays to the tree our replay gives (fsync without unmount)', async () => {
    const img = mkfs(top, '32M');
    const bytes = rng(99);
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const want = new Map<string, Uint8Array>();
    expect(await v.mkdir('/d', 0o755)).toBe(0);
    for (let i = 0; i < 40; i++) {
      const data = bytes((i * 977) % 20000);
      const fd = await v.open(`/d/f${i}`, C.O_WRONLY | C.O_CREAT, 0o644);
      expect(await v.pwrite(fd, data, 0)).toBe(data.length);
      if (i % 4 === 0) expect(await v.fsync(fd)).toBe(0);
      await v.close(fd);
      want.set(`/d/f${i}`, data);
    }
    for (let i = 0; i < 40; i += 5) expect(await v.unlink(`/d/f${i}`)).toBe(0);
    expect(await v.rename('/d/f1', '/moved')).toBe(0);
    const fd = await v.open('/moved', C.O_RDONLY);
    expect(await v.fsync(fd)).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    expect(fs.journal!.stats.commits).toBeGreaterThan(0);
    // the machine stops here: no unmount, the journal holds committed transactions
    const ours = copy(img, 'ours');
    const theirs = copy(img, 'e2fsck');
    expect(features(ours)).toContain('needs_recovery');
    const m = await mountImage(ours);
    if ('errno' in m) throw new Error(m.log.join(''));
    expect(m.log.join('')).toMatch(/journal replayed: [1-9]\d* transactions/);
    await m.close();
    const [st, out] = fsck(ours);
    expect(st, out).toBe(0);
    const [fst, fout] = fsckFix(theirs);
    expect(fout).toContain('recovering journal');
    expect(fout).not.toMatch(/checksum|invalid|corrupt/i);
    expect(fst, fout).toBeLessThanOrEqual(1);
    const tree = dumpTree(top, ours);
    expect(tree).toEqual(dumpTree(top, theirs));
    // everything up to the last fsync is there with its content
    expect(tree.get('/moved')?.data).toBe(Buffer.from(want.get('/d/f1')!).toString('base64'));
    for (let i = 1; i < 40; i++)
      if (i % 5 !== 0 && i !== 1)
        expect(tree.get(`/d/f${i}`)?.data, `/d/f${i}`).toBe(
          Buffer.from(want.get(`/d/f${i}`)!).toString('base64'),
        );
    expect(tree.has('/d/f5')).toBe(false);
  }, 60_000);
});
