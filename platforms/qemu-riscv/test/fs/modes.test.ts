// readonly=on refuses every modifying request with EROFS; security_model=mapped-file keeps guest
// ownership and modes in .virtfs_metadata (QEMU's format) and hides it from the guest.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dec, ERR, type Rig, rig, rreadData, text } from './harness';
import { rinfo, T, tmsg } from './tmsg';

let r: Rig;
afterEach(() => r?.close());
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_TRUNC = 0o1000;
const getattr = (m: Uint8Array) => {
  const dv = new DataView(m.buffer, m.byteOffset);
  return {
    mode: dv.getUint32(7 + 21, true),
    uid: dv.getUint32(7 + 25, true),
    gid: dv.getUint32(7 + 29, true),
    size: dv.getBigUint64(7 + 49, true),
  };
};

describe('readonly=on', () => {
  it('answers EROFS to every request that would change the share, and still serves reads', () => {
    r = rig({ readOnly: true });
    r.rpc(T.walk(2, 0, 5, ['top.txt']));
    r.rpc(T.walk(2, 0, 6, ['a']));
    r.rpc(T.walk(2, 0, 8, ['top.txt']));
    const refused: [string, Uint8Array][] = [
      ['lcreate', T.lcreate(2, 6, 'new', O_RDWR, 0o644)],
      ['lopen wronly', T.lopen(2, 5, O_WRONLY)],
      ['lopen rdwr', T.lopen(2, 5, O_RDWR)],
      ['lopen trunc', T.lopen(2, 5, O_RDONLY | O_TRUNC)],
      ['mkdir', T.mkdir(2, 0, 'd', 0o755)],
      ['symlink', T.symlink(2, 0, 'l', 'top.txt')],
      ['link', T.link(2, 0, 5, 'hard')],
      ['rename', T.rename(2, 5, 0, 'renamed')],
      ['renameat', T.renameat(2, 0, 'top.txt', 0, 'renamed')],
      ['unlinkat', T.unlinkat(2, 0, 'top.txt')],
      ['unlinkat dir', T.unlinkat(2, 0, 'a', 0x200)],
      ['setattr mode', T.setattr(2, 5, 1, { mode: 0o777 })],
      ['setattr size', T.setattr(2, 5, 8, { size: 0 })],
      [
        'mknod',
        tmsg(18, 2, [
          ['u32', 0],
          ['s', 'p'],
          ['u32', 0o10644],
          ['u32', 0],
          ['u32', 0],
          ['u32', 0],
        ]),
      ],
      [
        'xattrcreate',
        tmsg(32, 2, [
          ['u32', 5],
          ['s', 'user.x'],
          ['u64', 1],
          ['u32', 0],
        ]),
      ],
      ['remove', T.remove(2, 8)],
    ];
    for (const [name, m] of refused) expect(`${name}: ${r.err(m)}`).toBe(`${name}: ${ERR.EROFS}`);
    expect(rinfo(r.rpc(T.lopen(2, 5, O_RDONLY))).type).toBe(13);
    expect(r.err(T.write(2, 5, 0, text('x')))).toBe(ERR.EROFS);
    expect(dec(rreadData(r.rpc(T.read(2, 5, 0, 100))))).toBe('top\n');
    expect(readdirSync(r.share).sort()).toEqual(['a', 'top.txt']);
    expect(readFileSync(join(r.share, 'top.txt'), 'utf8')).toBe('top\n');
  });
});

describe('security_model=mapped-file', () => {
  it('stores the guest uid, gid and mode in .virtfs_metadata; host files stay 0600/0700', () => {
    r = rig({ securityModel: 'mapped-file' }, 1000);
    r.rpc(T.walk(2, 0, 5, []));
    expect(rinfo(r.rpc(T.lcreate(2, 5, 'f.txt', O_RDWR, 0o640, 1234))).type).toBe(15);
    r.rpc(T.write(2, 5, 0, text('data')));
    expect(getattr(r.rpc(T.getattr(2, 5)))).toEqual({
      mode: 0o100640,
      uid: 1000,
      gid: 1234,
      size: 4n,
    });
    const host = statSync(join(r.share, 'f.txt'));
    expect(host.mode & 0o7777).toBe(0o600);
    expect(host.uid).toBe(process.getuid?.());
    expect(readFileSync(join(r.share, '.virtfs_metadata', 'f.txt'), 'utf8')).toBe(
      'virtfs.uid=1000\nvirtfs.gid=1234\nvirtfs.mode=33184\n',
    );
    // chmod and chown land in the metadata, not on the host file
    r.rpc(T.walk(2, 0, 6, ['f.txt']));
    r.rpc(T.setattr(2, 6, 1, { mode: 0o4755 }));
    expect(getattr(r.rpc(T.getattr(2, 6))).mode).toBe(0o104755);
    expect(statSync(join(r.share, 'f.txt')).mode & 0o7777).toBe(0o600);
    // mkdir: host 0700, guest's mode in metadata
    expect(rinfo(r.rpc(T.mkdir(2, 0, 'd', 0o751, 7))).type).toBe(73);
    expect(statSync(join(r.share, 'd')).mode & 0o7777).toBe(0o700);
    r.rpc(T.walk(2, 0, 7, ['d']));
    expect(getattr(r.rpc(T.getattr(2, 7)))).toMatchObject({ mode: 0o40751, uid: 1000, gid: 7 });
  });

  it('keeps symlinks and device nodes as plain files described by their metadata', () => {
    r = rig({ securityModel: 'mapped-file' });
    expect(rinfo(r.rpc(T.symlink(2, 0, 'ln', '/etc/passwd'))).type).toBe(17);
    expect(lstatSync(join(r.share, 'ln')).isFile()).toBe(true);
    expect(readFileSync(join(r.share, 'ln'), 'utf8')).toBe('/etc/passwd');
    const w = r.rpc(T.walk(2, 0, 5, ['ln']));
    expect(w[9]).toBe(0x02); // a symlink qid
    expect(dec(r.rpc(T.readlink(2, 5)).subarray(9))).toBe('/etc/passwd');
    expect(r.err(T.lopen(2, 5, O_RDONLY))).not.toBe(0);
    const mknod = tmsg(18, 2, [
      ['u32', 0],
      ['s', 'null'],
      ['u32', 0o20666],
      ['u32', 1],
      ['u32', 3],
      ['u32', 0],
    ]);
    expect(rinfo(r.rpc(mknod)).type).toBe(19);
    r.rpc(T.walk(2, 0, 6, ['null']));
    expect(getattr(r.rpc(T.getattr(2, 6))).mode).toBe(0o20666);
    expect(statSync(join(r.share, 'null')).isFile()).toBe(true);
  });

  it('hides the metadata from walks and listings, and moves it with renames and unlinks', () => {
    r = rig({ securityModel: 'mapped-file' });
    r.rpc(T.walk(2, 0, 5, []));
    r.rpc(T.lcreate(2, 5, 'm.txt', O_RDWR, 0o604));
    expect(r.err(T.walk(2, 0, 6, ['.virtfs_metadata']))).toBe(ERR.EINVAL);
    expect(r.err(T.lcreate(2, 0, '.virtfs_metadata', O_RDWR, 0o600))).toBe(ERR.EINVAL);
    r.rpc(T.walk(2, 0, 7, []));
    r.rpc(T.lopen(2, 7, 0o200000));
    const rd = r.rpc(T.readdir(2, 7, 0, 4096));
    expect(dec(rd)).not.toContain('.virtfs_metadata');
    expect(dec(rd)).toContain('m.txt');
    expect(rinfo(r.rpc(T.renameat(2, 0, 'm.txt', 0, 'n.txt'))).type).toBe(75);
    expect(existsSync(join(r.share, '.virtfs_metadata', 'n.txt'))).toBe(true);
    expect(existsSync(join(r.share, '.virtfs_metadata', 'm.txt'))).toBe(false);
    r.rpc(T.walk(2, 0, 8, ['n.txt']));
    expect(getattr(r.rpc(T.getattr(2, 8))).mode).toBe(0o100604);
    expect(rinfo(r.rpc(T.unlinkat(2, 0, 'n.txt'))).type).toBe(77);
    expect(existsSync(join(r.share, '.virtfs_metadata', 'n.txt'))).toBe(false);
  });
});
