// The log wraps: after a checkpoint the next transaction starts where the last one ended, so
// transactions run past the journal's last block and go on at s_first, as jbd2's do. Many small
// fsync'd changes on a minimum-size journal (1,024 blocks) take the head round the log several
// times; the machine then stops with the live log crossing the end (s_start after the head). Our
// replay and e2fsck's give the same tree, every fsync'd file has its content, e2fsck -fn is clean.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { fsck, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';
import { dumpTree, fsckFix } from './helpers/journal';

const top = scratch('rk-ext4-wrap-');
afterAll(() => rmrf(top));

const content = (i: number) => {
  const b = new Uint8Array(100 + (((i * 2654435761) >>> 0) % 3000));
  for (let k = 0; k < b.length; k++) b[k] = (k * 13 + i * 7) & 0xff;
  return b;
};
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe.skipIf(!haveE2fs)('jbd2: a wrapped log', () => {
  for (const [label, args, laps] of [
    ['1 KiB blocks', ['-b', '1024', '-J', 'size=1'], 3],
    ['4 KiB blocks', ['-b', '4096', '-J', 'size=4'], 1],
  ] as const)
    it(`crosses the log's end ${laps}× and is replayed by us and by e2fsck alike (${label})`, async () => {
      const img = mkfs(top, '32M', { args: [...args] });
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const j = (v.st.mountList[0]!.fs as Ext4Fs).journal!;
      expect(j.capacity).toBeLessThan(1024);
      const want = new Map<string, Uint8Array>();
      expect(await v.mkdir('/w', 0o755)).toBe(0);
      // bounded: a lap is ~100 small transactions. The machine stops after a directory fsync (it
      // commits the unlinks made since the last file's fsync) that leaves the live log across the
      // end. That commit can itself take the log past half full and checkpoint it — whether it
      // does depends on the image's random UUID and hash seed (1 image in 10) — so the writes go
      // on until one such fsync leaves the log wrapped.
      for (let i = 0; i < 2000; i++) {
        const path = `/w/f${i % 150}`;
        const data = content(i);
        const fd = await v.open(path, C.O_WRONLY | C.O_CREAT | C.O_TRUNC, 0o644);
        expect(await v.pwrite(fd, data, 0)).toBe(data.length);
        expect(await v.fsync(fd)).toBe(0);
        expect(await v.close(fd)).toBe(0);
        want.set(path, data);
        if (i % 7 === 3) {
          const gone = `/w/f${(i * 31) % 150}`;
          if (want.delete(gone)) expect(await v.unlink(gone)).toBe(0);
        }
        if (j.stats.wraps >= laps && j.wrapped) {
          const dir = await v.open('/w', C.O_RDONLY | C.O_DIRECTORY);
          expect(await v.fsync(dir)).toBe(0);
          expect(await v.close(dir)).toBe(0);
          if (j.wrapped) break;
        }
      }
      expect(j.stats.wraps).toBeGreaterThanOrEqual(laps);
      expect(j.wrapped).toBe(true);
      expect(j.stats.checkpoints).toBeGreaterThanOrEqual(laps);
      // the machine stops here: no unmount, the live log runs across the end
      const theirs = `${img}.e2fsck`;
      nfs.copyFileSync(img, theirs);
      // (dumpe2fs: debugfs refuses an image whose home blocks mix committed states before replay)
      const head = execFileSync('/usr/sbin/dumpe2fs', ['-h', img], { stdio: 'pipe' }).toString();
      expect(head).toMatch(/features:.*needs_recovery/);
      const m = await mountImage(img);
      if ('errno' in m) throw new Error(m.log.join(''));
      expect(m.log.join('')).toMatch(/journal replayed: [1-9]\d* transactions/);
      await m.close();
      const [st, out] = fsck(img);
      expect(st, out).toBe(0);
      const [fst, fout] = fsckFix(theirs);
      expect(fout).toContain('recovering journal');
      expect(fout).not.toMatch(/checksum|invalid|corrupt/i);
      expect(fst, fout).toBeLessThanOrEqual(1);
      const tree = dumpTree(top, img);
      expect(tree).toEqual(dumpTree(top, theirs));
      const files = [...tree.keys()].filter((k) => k.startsWith('/w/')).sort();
      expect(files).toEqual([...want.keys()].sort());
      for (const [path, data] of want) expect(tree.get(path)?.data, path).toBe(b64(data));
    }, 120_000);
});
