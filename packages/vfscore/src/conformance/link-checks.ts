// The kit's hard-link lifetime checks: a node that several names share stays usable through every
// name left after the others are unlinked or renamed over, open or not (vfscore must not tell the
// driver to drop it — 9pfs clunks its fid then — while another name still holds it).
import { Errno } from '@runikraft/errno';
import * as C from '../constants';
import { expectThat, type RkFsCheck, type RkFsKitCaps, type RkFsKitFactory } from './env';
import { call, withVfs } from './posix-env';

const enc = (s: string) => new TextEncoder().encode(s);

export function linkChecks(make: RkFsKitFactory, caps: RkFsKitCaps): RkFsCheck[] {
  if (!(caps.hardlinks ?? true)) return [];
  return [
    {
      name: 'hard links: link a b; unlink a; b reads, writes, stats, truncates, renames and unlinks',
      run: () =>
        withVfs(make, async (v) => {
          const fd = await call('create a', v.open('/a', C.O_CREAT | C.O_WRONLY, 0o644));
          await call('write', v.write(fd, enc('hello')), 5);
          await call('close', v.close(fd), 0);
          await call('stat a (cached)', v.stat('/a'), 0);
          await call('link a b', v.link('/a', '/b'), 0);
          await call('unlink a', v.unlink('/a'), 0);
          await call('a is gone', v.stat('/a'), -Errno.ENOENT);
          const st = await call('stat b', v.stat('/b'));
          expectThat(st.size === 5 && st.nlink === 1, `stat b: size ${st.size} nlink ${st.nlink}`);
          const r = await call('open b', v.open('/b', C.O_RDWR));
          const buf = new Uint8Array(8);
          await call('read b', v.read(r, buf), 5);
          expectThat(new TextDecoder().decode(buf.subarray(0, 5)) === 'hello', 'b holds a data');
          await call('append via b', v.pwrite(r, enc('!'), 5), 1);
          await call('ftruncate b', v.ftruncate(r, 6), 0);
          await call('close b', v.close(r), 0);
          await call('chmod b', v.chmod('/b', 0o600), 0);
          await call('truncate b', v.truncate('/b', 3), 0);
          const s2 = await call('stat b again', v.stat('/b'));
          expectThat(s2.size === 3 && (s2.mode & 0o777) === 0o600, `after: ${s2.size} ${s2.mode}`);
          await call('link b c', v.link('/b', '/c'), 0);
          await call('rename c over b', v.rename('/c', '/b'), 0); // same inode: a no-op
          await call('rename b d', v.rename('/b', '/d'), 0);
          await call('stat d', v.stat('/d'), 0);
          await call('unlink d', v.unlink('/d'), 0);
          await call('d is gone', v.stat('/d'), -Errno.ENOENT);
        }),
    },
    {
      name: 'hard links: a name unlinked while open elsewhere; the open file and the other name agree',
      run: () =>
        withVfs(make, async (v) => {
          const fd = await call('create a', v.open('/a', C.O_CREAT | C.O_RDWR, 0o644));
          await call('link a b', v.link('/a', '/b'), 0);
          await call('unlink b', v.unlink('/b'), 0);
          await call('link a c', v.link('/a', '/c'), 0);
          await call('unlink a', v.unlink('/a'), 0);
          await call('write through the open fd', v.write(fd, enc('xyz')), 3);
          const st = await call('stat c', v.stat('/c'));
          expectThat(st.size === 3 && st.nlink === 1, `stat c: size ${st.size} nlink ${st.nlink}`);
          await call('close', v.close(fd), 0);
          const r = await call('open c', v.open('/c', C.O_RDONLY));
          const buf = new Uint8Array(4);
          await call('read c', v.read(r, buf), 3);
          await call('close c', v.close(r), 0);
          await call('unlink c', v.unlink('/c'), 0);
        }),
    },
  ];
}
