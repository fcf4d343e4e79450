// Malformed images: features this driver must refuse or mount read-only, and seeded byte corruption of
// the super block, group descriptors, inode table, extent index blocks and directory blocks of real
// mkfs.ext4 images (with and without metadata_csum). A mount either fails with a negative errno and a
// logged reason, or succeeds and every operation returns data or a negative errno: never an
// exception, never a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import type { RkVfsCore } from '@runikraft/vfscore';
import * as C from '@runikraft/vfscore';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debugfs, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';
import { makeTree } from './helpers/tree';

const top = scratch('rk-ext4-bad-');
const src = join(top, 'src');
afterAll(() => rmrf(top));
beforeAll(() => {
  if (haveE2fs) makeTree(src, { many: 300, depth: 4, huge: false, seed: 3 });
});

const ALLOWED = new Set([
  Errno.EUCLEAN,
  Errno.EIO,
  Errno.ENOENT,
  Errno.ENOTDIR,
  Errno.ELOOP,
  Errno.EINVAL,
]);

/** Walks everything, reading every file; collects errnos; throws only on a non-errno outcome. */
async function tolerantWalk(v: RkVfsCore, dir: string, errs: number[], budget = { n: 3000 }) {
  const fd = await v.open(dir, C.O_RDONLY | C.O_DIRECTORY);
  if (fd < 0) return void errs.push(fd);
  const all = await v.readdir(fd);
  await v.close(fd);
  if (typeof all === 'number') return void errs.push(all);
  for (const e of all) {
    if (e.name === '.' || e.name === '..' || --budget.n < 0) continue;
    const p = `${dir === '/' ? '' : dir}/${e.name}`;
    const st = await v.lstat(p);
    if (typeof st === 'number') {
      errs.push(st);
      continue;
    }
    const t = st.mode & C.S_IFMT;
    if (t === C.S_IFDIR) await tolerantWalk(v, p, errs, budget);
    else if (t === C.S_IFLNK) {
      const r = await v.readlink(p);
      if (typeof r === 'number') errs.push(r);
    } else if (t === C.S_IFREG) {
      const f = await v.open(p, C.O_RDONLY);
      if (f < 0) {
        errs.push(f);
        continue;
      }
      const b = new Uint8Array(Math.min(st.size, 1 << 20));
      const n = await v.pread(f, b, 0);
      if (n < 0) errs.push(n);
      await v.close(f);
    }
  }
}

function flip(img: Uint8Array, at: number, len: number, seed: number, count: number): Uint8Array {
  const out = img.slice();
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const o = at + (s % len);
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[o]! ^= 1 << (s & 7);
  }
  return out;
}

describe.skipIf(!haveE2fs)('ext4 features', () => {
  it('refuses an unknown incompat feature, naming it', async () => {
    const img = mkfs(top, '8M');
    debugfs(img, 'feature FEATURE_I20', true);
    const r = await mountImage(img);
    expect('errno' in r && r.errno).toBe(-Errno.EINVAL);
    expect(r.log.join('')).toContain('unsupported incompat feature FEATURE_I20');
  });

  it('refuses inline_data and casefold by name', async () => {
    for (const f of ['inline_data', 'casefold']) {
      const img = mkfs(top, '8M', { args: ['-O', f] });
      const r = await mountImage(img);
      expect('errno' in r && r.errno, f).toBe(-Errno.EINVAL);
      expect(r.log.join(''), f).toContain(`unsupported incompat feature ${f}`);
    }
  });

  it('mounts an unknown ro_compat feature read-only with a warning', async () => {
    const img = mkfs(top, '8M', { dir: src });
    debugfs(img, 'feature FEATURE_R20', true);
    const { v, r, log } = await vfsOn(img);
    expect(r).toBe(0);
    expect(log.join('')).toContain('unsupported ro_compat feature FEATURE_R20: mounted read-only');
    expect(await v.open('/new', C.O_CREAT | C.O_WRONLY, 0o644)).toBe(-Errno.EROFS);
    expect(await v.stat('/size-4096')).toMatchObject({ size: 4096 });
  });

  it('refuses a file system that is not ext2/3/4, and one larger than its disk', async () => {
    const r = await mountImage(new Uint8Array(1 << 20));
    expect('errno' in r && r.errno).toBe(-Errno.EINVAL);
    expect(r.log.join('')).toContain('no ext2/3/4 super block (magic 0x0');
    const img = new Uint8Array(readFileSync(mkfs(top, '8M')));
    const cut = await mountImage(img.subarray(0, 4 << 20));
    expect('errno' in cut && cut.errno).toBe(-Errno.EINVAL);
    expect(cut.log.join('')).toMatch(/but the device only 4194304 B/);
  });

  it('clears needs_recovery over an empty journal; refuses it on a read-only device', async () => {
    const img = mkfs(top, '8M');
    debugfs(img, 'feature needs_recovery', true);
    const ro = await mountImage(new Uint8Array(readFileSync(img)), '', false, true);
    expect('errno' in ro && ro.errno).toBe(-Errno.EROFS);
    expect(ro.log.join('')).toContain('the journal needs recovery but the device is read-only');
    const r = await mountImage(img);
    if ('errno' in r) throw new Error(r.log.join(''));
    expect(r.log.join('')).toContain('journal replayed: 0 transactions');
    await r.close();
    expect(debugfs(img, 'features')).not.toContain('needs_recovery');
  });
});

/** Locations of the structures to corrupt in an image made from `src`. */
function targets(img: string): Record<string, [number, number]> {
  const bs = Number(/Block size:\s+(\d+)/.exec(debugfs(img, 'stats'))![1]);
  const imap = /located at block (\d+), offset 0x([0-9a-f]+)/.exec(debugfs(img, 'imap /many'))!;
  const idx = /^ 0\/ 1 .*?\s(\d+)\s+\d+\s*$/m.exec(debugfs(img, 'ex /sparse'));
  const dirBlocks = debugfs(img, 'blocks /many').trim().split(/\s+/).map(Number);
  const t: Record<string, [number, number]> = {
    superblock: [1024, 1024],
    'group descriptors': [bs === 1024 ? 2048 : 4096, 64],
    'inode table': [Number(imap[1]) * bs + Number.parseInt(imap[2]!, 16), 256],
    'directory blocks': [dirBlocks[1]! * bs, bs * 3],
    'root directory': [Number(/(\d+)/.exec(debugfs(img, 'blocks /'))![1]) * bs, bs],
  };
  if (idx) t['extent index block'] = [Number(idx[1]) * bs, bs];
  return t;
}

describe.skipIf(!haveE2fs)(
  'ext4 malformed images: EUCLEAN/EIO or a mount error, never a crash',
  () => {
    for (const csum of [true, false])
      it(`seeded corruption, metadata_csum ${csum ? 'on' : 'off'}`, async () => {
        const path = mkfs(top, '8M', { dir: src, args: csum ? [] : ['-O', '^metadata_csum'] });
        const img = new Uint8Array(readFileSync(path));
        const where = targets(path);
        expect(Object.keys(where)).toContain('extent index block');
        const seen = { refused: 0, mounted: 0, errors: 0 };
        for (const [what, [at, len]] of Object.entries(where))
          await fc.assert(
            fc.asyncProperty(
              fc.integer({ min: 1, max: 2 ** 31 }),
              fc.integer({ min: 1, max: 24 }),
              async (seed, count) => {
                const { v, r, log } = await vfsOn(
                  flip(img, at, len, seed, count),
                  'cache=1024',
                  4 << 20,
                );
                if (r < 0) {
                  seen.refused++;
                  expect(log.join(''), `${what}: refused without a reason`).toMatch(
                    /ext4: cannot mount|corrupt/,
                  );
                  return;
                }
                seen.mounted++;
                const errs: number[] = [];
                await tolerantWalk(v, '/', errs);
                for (const e of errs)
                  expect(ALLOWED.has(-e as never), `${what}: errno ${e}`).toBe(true);
                if (errs.includes(-Errno.EUCLEAN)) {
                  seen.errors++;
                  expect(log.join('')).toContain('corrupt');
                }
              },
            ),
            { seed: 0xe4 + (csum ? 1 : 0), numRuns: 10 },
          );
        // the corruption was noticed: refusals plus EUCLEAN walks
        expect(seen.refused + seen.errors).toBeGreaterThan(10);
      }, 120_000);
  },
);
