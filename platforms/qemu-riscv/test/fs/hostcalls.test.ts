// Host work per request: entries directly in the share's root are reached through the held root
// fd (no directory fd opened per request), a new entry's owner and mode are set only where
// creation did not already give them, and a refused request builds no stack trace. Confinement
// is unchanged (confine.test.ts): these checks pin what the fast paths skip and what they keep.
import { lstatSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECHECK_MS } from '../../src/machine/backends/fs/confine';
import { P9Errno } from '../../src/machine/backends/fs/errno';
import { ERR, type Rig, rig } from './harness';
import { rinfo, T } from './tmsg';

const O_RDWR = 2;
const O_EXCL = 0o200;
const AT_REMOVEDIR = 0x200;
/** Tsetattr valid: ATIME | MTIME (both "now", as utimes(path, NULL)). */
const TIMES_NOW = 16 | 32;
let r: Rig;
afterEach(() => r?.close());

describe('9P server host calls', () => {
  it('a transaction on files directly in the root opens no directory fd', () => {
    r = rig();
    const opens = () => r.server.root.stats.dirOpens;
    expect(r.err(T.walk(2, 0, 5, ['db-journal']))).toBe(ERR.ENOENT);
    expect(r.err(T.mkdir(2, 0, 'db.lock', 0o777))).toBe(0);
    r.rpc(T.walk(2, 0, 5, ['db.lock']));
    expect(r.err(T.setattr(2, 5, TIMES_NOW))).toBe(0);
    r.rpc(T.walk(2, 0, 6, []));
    expect(r.err(T.lcreate(2, 6, 'db-journal', O_RDWR | O_EXCL, 0o644))).toBe(0);
    expect(r.err(T.write(2, 6, 0, new Uint8Array(512)))).toBe(0);
    expect(r.err(T.fsync(2, 6))).toBe(0);
    expect(rinfo(r.rpc(T.getattr(2, 6))).type).toBe(25);
    r.rpc(T.clunk(2, 6));
    expect(r.err(T.unlinkat(2, 0, 'db-journal'))).toBe(0);
    r.rpc(T.clunk(2, 5));
    expect(r.err(T.unlinkat(2, 0, 'db.lock', AT_REMOVEDIR))).toBe(0);
    expect(opens()).toBe(0);
    // one level down, each step resolves the directory from the root again (walk's a/f, getattr)
    r.rpc(T.walk(2, 0, 7, ['a', 'f']));
    r.rpc(T.getattr(2, 7));
    expect(opens()).toBe(2);
    expect(r.err(T.lcreate(2, 7, 'x', O_RDWR, 0o644))).toBe(ERR.ENOTDIR);
  });

  it('a symlink directly in the root is still a symlink: not opened, not entered', () => {
    r = rig();
    symlinkSync(r.outside, join(r.share, 'out'));
    r.rpc(T.walk(2, 0, 5, ['out']));
    expect(r.err(T.lopen(2, 5, 0))).toBe(ERR.ELOOP);
    expect(r.err(T.lcreate(2, 5, 'planted', O_RDWR, 0o644))).toBe(ERR.ENOTDIR);
    expect(r.err(T.unlinkat(2, 5, 'secret'))).toBe(ERR.ENOTDIR);
    expect(r.err(T.setattr(2, 5, TIMES_NOW))).toBe(0); // the link's own times (lutimes)
    expect(lstatSync(join(r.share, 'out')).isSymbolicLink()).toBe(true);
  });

  it('owner and mode are set after creation only where creation left them different', () => {
    r = rig();
    const umask = process.umask();
    // a mode the umask leaves alone: nothing to set for a server running as the guest's ids
    const own = process.getuid?.() === 0;
    r.rpc(T.walk(2, 0, 5, []));
    expect(r.err(T.lcreate(2, 5, 'plain', O_RDWR, 0o600 & ~umask))).toBe(0);
    expect(r.err(T.mkdir(2, 0, 'pdir', 0o700 & ~umask))).toBe(0);
    if (own) expect(r.server.stats.credSets).toBe(0);
    // a mode the umask would have cut is set exactly, as before
    r.rpc(T.walk(2, 0, 6, []));
    expect(r.err(T.lcreate(2, 6, 'open', O_RDWR, 0o777))).toBe(0);
    expect(r.err(T.mkdir(2, 0, 'odir', 0o777))).toBe(0);
    expect(statSync(join(r.share, 'open')).mode & 0o7777).toBe(0o777);
    expect(statSync(join(r.share, 'odir')).mode & 0o7777).toBe(0o777);
    if (own) expect(r.server.stats.credSets).toBe(umask & 0o777 ? 2 : 0);
    if (!own) return; // chown to another gid needs root (CI runs as root)
    // another gid: chown, and the mode after it (chown may clear set-id bits)
    r.rpc(T.walk(2, 0, 7, []));
    expect(r.err(T.lcreate(2, 7, 'g', O_RDWR, 0o2755, 4321))).toBe(0);
    expect(r.err(T.mkdir(2, 0, 'gdir', 0o2755, 4321))).toBe(0);
    for (const n of ['g', 'gdir']) {
      const st = statSync(join(r.share, n));
      expect([n, st.gid, st.mode & 0o7777]).toEqual([n, 4321, 0o2755]);
    }
  });

  it('a file in use is checked to be inside the share at most once per recheck interval', () => {
    let now = 1000;
    r = rig({ confine: { now: () => now } });
    const checks = () => r.server.root.stats.insideChecks;
    r.rpc(T.walk(2, 0, 5, []));
    // opened through the root: inside now, nothing to check until the interval has passed
    expect(r.err(T.lcreate(2, 5, 'db-journal', O_RDWR | O_EXCL, 0o644))).toBe(0);
    for (let i = 0; i < 8; i++) expect(r.err(T.write(2, 5, i * 512, new Uint8Array(512)))).toBe(0);
    expect(rinfo(r.rpc(T.getattr(2, 5))).type).toBe(25);
    expect(r.err(T.setattr(2, 5, TIMES_NOW))).toBe(0);
    expect(rinfo(r.rpc(T.read(2, 5, 0, 512))).type).toBe(117);
    expect(checks()).toBe(0);
    now += RECHECK_MS - 0.5;
    expect(r.err(T.write(2, 5, 0, new Uint8Array(512)))).toBe(0);
    expect(checks()).toBe(0);
    // past the interval: one check, and the interval starts again from it
    now += 1;
    expect(r.err(T.write(2, 5, 0, new Uint8Array(512)))).toBe(0);
    expect(r.err(T.write(2, 5, 512, new Uint8Array(512)))).toBe(0);
    expect(checks()).toBe(1);
    now += RECHECK_MS;
    expect(rinfo(r.rpc(T.getattr(2, 5))).type).toBe(25);
    expect(checks()).toBe(2);
    // a directory opened for listing is dated at its open too
    r.rpc(T.walk(2, 0, 6, ['a']));
    expect(rinfo(r.rpc(T.lopen(2, 6, 0o200000))).type).toBe(13);
    expect(rinfo(r.rpc(T.readdir(2, 6, 0, 1000))).type).toBe(41);
    expect(checks()).toBe(2);
  });

  it('a refused request carries no stack trace', () => {
    const e = new P9Errno(ERR.ENOENT, 'x does not exist');
    expect(e.stack).not.toMatch(/\n\s+at /);
    expect(e.errno).toBe(ERR.ENOENT);
    expect(e).toBeInstanceOf(Error);
  });
});
