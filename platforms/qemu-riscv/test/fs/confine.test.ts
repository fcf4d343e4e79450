// Every way out of the share is refused: `..` walks, symlinks (absolute, relative, as a directory
// or the last component), a component swapped for a symlink between walk and use, rename and link
// out of the share, and a fid used after its file was moved out by another host process.
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECHECK_MS } from '../../src/machine/backends/fs/confine';
import { dec, ERR, type Rig, rig, rreadData, text } from './harness';
import { rinfo, T, tmsg } from './tmsg';

const O_RDONLY = 0;
const O_RDWR = 2;
let r: Rig;
afterEach(() => r?.close());

/** The qid path (inode) in an Rwalk's last qid / an Rattach. */
const lastQidPath = (m: Uint8Array) => {
  const dv = new DataView(m.buffer, m.byteOffset);
  const n = dv.getUint16(7, true);
  return dv.getBigUint64(9 + 13 * (n - 1) + 5, true);
};
const outsideUnchanged = (x: Rig) => {
  expect(readdirSync(x.outside)).toEqual(['secret']);
  expect(readFileSync(join(x.outside, 'secret'), 'utf8')).toBe('outside the share\n');
};

describe('9P server confinement', () => {
  it('`..` at the root stays at the root, whatever the depth', () => {
    r = rig();
    const rootIno = statSync(r.share).ino;
    for (const names of [['..'], ['..', '..', '..'], ['a', '..', '..', '..'], ['.', '..']]) {
      const m = r.rpc(T.walk(2, 0, 5, names));
      expect(rinfo(m).type, names.join('/')).toBe(111);
      expect(lastQidPath(m)).toBe(BigInt(rootIno));
      r.rpc(T.clunk(2, 5));
    }
    // a name holding '/' is never a path
    expect(r.err(T.walk(2, 0, 5, ['../outside']))).toBe(ERR.ENOENT);
    expect(r.err(T.walk(2, 0, 5, ['a/../../outside']))).toBe(ERR.ENOENT);
  });

  it('absolute and relative symlinks pointing outside are never followed', () => {
    r = rig();
    symlinkSync(join(r.outside, 'secret'), join(r.share, 'abs'));
    symlinkSync('../outside/secret', join(r.share, 'rel'));
    symlinkSync(r.outside, join(r.share, 'absdir'));
    symlinkSync('../outside', join(r.share, 'reldir'));
    for (const name of ['abs', 'rel']) {
      const w = r.rpc(T.walk(2, 0, 5, [name]));
      expect(w[9], name).toBe(0x02); // the qid is the symlink's own
      expect(r.err(T.lopen(2, 5, O_RDONLY)), name).toBe(ERR.ELOOP);
      expect(r.err(T.lopen(2, 5, O_RDWR | 0o1000)), name).toBe(ERR.ELOOP); // O_TRUNC too
      r.rpc(T.clunk(2, 5));
    }
    for (const name of ['absdir', 'reldir']) {
      // walking through it stops at the symlink: the first name answers, the second does not
      const w = r.rpc(T.walk(2, 0, 5, [name, 'secret']));
      expect(rinfo(w).type).toBe(111);
      expect(new DataView(w.buffer).getUint16(7, true)).toBe(1);
      r.rpc(T.walk(2, 0, 6, [name]));
      expect(r.err(T.lcreate(2, 6, 'planted', O_RDWR, 0o644))).toBe(ERR.ENOTDIR);
      expect(r.err(T.mkdir(2, 6, 'planted', 0o755))).toBe(ERR.ENOTDIR);
      expect(r.err(T.symlink(2, 6, 'planted', '/'))).toBe(ERR.ENOTDIR);
      expect(r.err(T.unlinkat(2, 6, 'secret'))).toBe(ERR.ENOTDIR);
      expect(r.err(T.lopen(2, 6, 0o200000))).toBe(ERR.ELOOP);
      r.rpc(T.clunk(2, 6));
    }
    outsideUnchanged(r);
  });

  it('a guest-made symlink is stored, never followed (readlink gives the text)', () => {
    r = rig();
    const m = r.rpc(T.symlink(2, 0, 'evil', '/etc/passwd'));
    expect(rinfo(m).type).toBe(17);
    expect(lstatSync(join(r.share, 'evil')).isSymbolicLink()).toBe(true);
    r.rpc(T.walk(2, 0, 5, ['evil']));
    const rl = r.rpc(T.readlink(2, 5));
    expect(dec(rl.subarray(9))).toBe('/etc/passwd');
    expect(r.err(T.lopen(2, 5, O_RDONLY))).toBe(ERR.ELOOP);
    // getattr describes the link itself (size = length of the target text)
    const ga = r.rpc(T.getattr(2, 5));
    expect(new DataView(ga.buffer).getUint32(7 + 21, true) & 0o170000).toBe(0o120000);
    expect(new DataView(ga.buffer).getBigUint64(7 + 49, true)).toBe(11n);
  });

  it('a directory swapped for a symlink between walk and use: the fid does not follow it', () => {
    r = rig();
    r.rpc(T.walk(2, 0, 5, ['a', 'f']));
    r.rpc(T.walk(2, 0, 6, ['a']));
    // another host process swaps a/ for a symlink to the outside directory (which has a file f too)
    renameSync(join(r.share, 'a'), join(r.share, 'a.old'));
    symlinkSync(r.outside, join(r.share, 'a'));
    writeFileSync(join(r.outside, 'f'), 'planted outside\n');
    expect(r.err(T.lopen(2, 5, O_RDONLY))).toBe(ERR.ENOTDIR);
    expect(r.err(T.getattr(2, 5))).toBe(ERR.ENOTDIR);
    expect(r.err(T.lcreate(2, 6, 'x', O_RDWR, 0o644))).toBe(ERR.ENOTDIR);
    expect(r.err(T.unlinkat(2, 6, 'f'))).toBe(ERR.ENOTDIR);
    expect(readFileSync(join(r.outside, 'f'), 'utf8')).toBe('planted outside\n');
  });

  it('the same swap made by the guest itself (renameat + symlink) is refused the same way', () => {
    r = rig();
    r.rpc(T.walk(2, 0, 5, ['a', 'f']));
    expect(rinfo(r.rpc(T.renameat(2, 0, 'a', 0, 'a.old'))).type).toBe(75);
    expect(rinfo(r.rpc(T.symlink(2, 0, 'a', r.outside))).type).toBe(17);
    // the fid followed its file on the rename: it now names a.old/f, still inside
    expect(rinfo(r.rpc(T.lopen(2, 5, O_RDONLY))).type).toBe(13);
    expect(dec(rreadData(r.rpc(T.read(2, 5, 0, 100))))).toBe('inside a\n');
    // a new walk through the symlink stops before it
    const w = r.rpc(T.walk(2, 0, 6, ['a', 'secret']));
    expect(new DataView(w.buffer).getUint16(7, true)).toBe(1);
    outsideUnchanged(r);
  });

  it('the last component swapped for a symlink: lopen refuses, getattr sees the link', () => {
    r = rig();
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    renameSync(join(r.share, 'top.txt'), join(r.share, 'top.old'));
    symlinkSync(join(r.outside, 'secret'), join(r.share, 'top.txt'));
    expect(r.err(T.lopen(2, 5, O_RDONLY))).toBe(ERR.ELOOP);
    const ga = r.rpc(T.getattr(2, 5));
    expect(new DataView(ga.buffer).getUint32(7 + 21, true) & 0o170000).toBe(0o120000);
    expect(r.err(T.setattr(2, 5, 1, { mode: 0o777 }))).toBe(ERR.EOPNOTSUPP);
    expect(r.err(T.setattr(2, 5, 8, { size: 0 }))).toBe(ERR.EINVAL);
    expect(statSync(join(r.outside, 'secret')).mode & 0o777).not.toBe(0o777);
    outsideUnchanged(r);
  });

  it('rename and link cannot name anything outside', () => {
    r = rig();
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    r.rpc(T.walk(2, 0, 6, ['a']));
    expect(r.err(T.renameat(2, 0, 'top.txt', 0, '../outside/x'))).toBe(ERR.ENOENT);
    expect(r.err(T.renameat(2, 0, '../outside/secret', 0, 'stolen'))).toBe(ERR.ENOENT);
    expect(r.err(T.renameat(2, 6, '..', 0, 'x'))).toBe(ERR.EEXIST);
    expect(r.err(T.rename(2, 5, 0, '..'))).toBe(ERR.EEXIST);
    expect(r.err(T.rename(2, 5, 0, '../x'))).toBe(ERR.ENOENT);
    expect(r.err(T.link(2, 0, 5, '../x'))).toBe(ERR.ENOENT);
    // the root itself cannot be renamed away
    expect(r.err(T.rename(2, 0, 6, 'root'))).not.toBe(0);
    // a hard link to a symlink pointing outside links the symlink, not its target
    symlinkSync(join(r.outside, 'secret'), join(r.share, 'ln'));
    r.rpc(T.walk(2, 0, 7, ['ln']));
    expect(rinfo(r.rpc(T.link(2, 0, 7, 'ln2'))).type).toBe(71);
    expect(lstatSync(join(r.share, 'ln2')).isSymbolicLink()).toBe(true);
    expect(statSync(join(r.outside, 'secret')).nlink).toBe(1);
    outsideUnchanged(r);
  });

  it('a fid used after its file was moved out of the share by another process is refused', () => {
    // the host clock as the server sees it: open fds are re-checked once RECHECK_MS have passed
    let now = 0;
    r = rig({ confine: { now: () => now } });
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    r.rpc(T.walk(2, 0, 6, ['top.txt']));
    r.rpc(T.walk(2, 0, 7, ['a']));
    expect(rinfo(r.rpc(T.lopen(2, 5, O_RDWR))).type).toBe(13);
    expect(rinfo(r.rpc(T.lopen(2, 7, 0o200000))).type).toBe(13);
    renameSync(join(r.share, 'top.txt'), join(r.outside, 'moved.txt'));
    renameSync(join(r.share, 'a'), join(r.outside, 'a'));
    now += RECHECK_MS;
    expect(r.err(T.read(2, 5, 0, 10))).toBe(ERR.ESTALE);
    expect(r.err(T.write(2, 5, 0, text('x')))).toBe(ERR.ESTALE);
    expect(r.err(T.getattr(2, 5))).toBe(ERR.ESTALE);
    expect(r.err(T.setattr(2, 5, 16 | 32))).toBe(ERR.ESTALE);
    expect(r.err(T.readdir(2, 7, 0, 1000))).toBe(ERR.ESTALE);
    // an unopened fid names a path: the path is simply gone
    expect(r.err(T.getattr(2, 6))).toBe(ERR.ENOENT);
    expect(r.err(T.lopen(2, 6, O_RDONLY))).toBe(ERR.ENOENT);
    expect(readFileSync(join(r.outside, 'moved.txt'), 'utf8')).toBe('top\n');
    expect(r.traces.some((t) => /moved out of the share/.test(t))).toBe(true);
  });

  it('with recheckMs 0 an open fid is checked at every use: refused right after the move', () => {
    r = rig({ confine: { recheckMs: 0, now: () => 0 } });
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    expect(rinfo(r.rpc(T.lopen(2, 5, O_RDWR))).type).toBe(13);
    renameSync(join(r.share, 'top.txt'), join(r.outside, 'moved.txt'));
    expect(r.err(T.write(2, 5, 0, text('x')))).toBe(ERR.ESTALE);
    expect(readFileSync(join(r.outside, 'moved.txt'), 'utf8')).toBe('top\n');
  });

  it('an open file unlinked inside the share stays usable (POSIX), as QEMU', () => {
    r = rig();
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    r.rpc(T.lopen(2, 5, O_RDONLY));
    expect(rinfo(r.rpc(T.unlinkat(2, 0, 'top.txt'))).type).toBe(77);
    expect(dec(rreadData(r.rpc(T.read(2, 5, 0, 10))))).toBe('top\n');
    expect(rinfo(r.rpc(T.getattr(2, 5))).type).toBe(25);
  });

  it('host device nodes are never opened, and the guest cannot make any', () => {
    r = rig();
    // mknod(S_IFCHR 1:3, /dev/null's numbers) is refused without mapped-file
    const mknod = tmsg(18, 2, [
      ['u32', 0],
      ['s', 'null'],
      ['u32', 0o20666],
      ['u32', 1],
      ['u32', 3],
      ['u32', 0],
    ]);
    expect(r.err(mknod)).toBe(ERR.EOPNOTSUPP);
    expect(readdirSync(r.share)).not.toContain('null');
    // a device node another host process put in the share is not opened for the guest
    const made = spawnSync('mknod', [join(r.share, 'hostnull'), 'c', '1', '3']).status === 0;
    if (!made) {
      console.log('[skip] device-node open check: mknod needs root');
      return;
    }
    r.rpc(T.walk(2, 0, 5, ['hostnull']));
    expect(r.err(T.lopen(2, 5, O_RDWR))).toBe(ERR.EACCES);
  });
});
