import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import {
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  O_CLOEXEC,
  O_NONBLOCK,
  O_WRONLY,
} from '../src/index';
import { bytes, setup } from './helpers';

describe('descriptor table', () => {
  it('hands out the lowest free descriptor and reuses closed ones', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      expect([r, w]).toEqual([0, 1]);
      expect(px.eventfd(0)).toBe(2);
      expect(await px.close(0)).toBe(0);
      expect(await px.close(0)).toBe(-Errno.EBADF);
      expect(px.eventfd(0)).toBe(0);
      expect(px.fcntl(1, F_DUPFD, 10)).toBe(10);
      expect(px.fcntl(1, F_DUPFD, 10)).toBe(11);
      expect(px.fcntl(1, F_DUPFD, -1)).toBe(-Errno.EINVAL);
      expect(px.fcntl(99, F_GETFD)).toBe(-Errno.EBADF);
      expect(px.fcntl(1, 999)).toBe(-Errno.EINVAL);
    });
  });

  it('dup shares the open file: status flags, and the file lives until the last close', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const r2 = px.dup(r);
      expect(px.fcntl(r2, F_GETFL)).toBe(0);
      expect(px.fcntl(r, F_SETFL, O_NONBLOCK | O_WRONLY)).toBe(0);
      // Access mode is not changed by F_SETFL; O_NONBLOCK is, for both descriptors.
      expect(px.fcntl(r2, F_GETFL)).toBe(O_NONBLOCK);
      expect(await px.read(r2, new Uint8Array(4))).toBe(-Errno.EAGAIN);
      expect(await px.close(r)).toBe(0);
      expect(await px.write(w, bytes('hi'))).toBe(2); // a reader remains: r2
      const b = new Uint8Array(4);
      expect(await px.read(r2, b)).toBe(2);
      expect(await px.close(r2)).toBe(0);
      expect(await px.write(w, bytes('x'))).toBe(-Errno.EPIPE); // now no reader
    });
  });

  it('close-on-exec is per descriptor; dup2/dup3 replace the target and check their arguments', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe(O_CLOEXEC) as [number, number];
      expect(px.fcntl(r, F_GETFD)).toBe(FD_CLOEXEC);
      const d = px.dup(r);
      expect(px.fcntl(d, F_GETFD)).toBe(0);
      expect(px.fcntl(d, F_SETFD, FD_CLOEXEC)).toBe(0);
      expect(px.fcntl(d, F_GETFD)).toBe(FD_CLOEXEC);
      const c = px.fcntl(r, F_DUPFD_CLOEXEC, 0);
      expect(px.fcntl(c, F_GETFD)).toBe(FD_CLOEXEC);
      const e = px.eventfd(7);
      expect(px.dup2(w, e)).toBe(e); // the eventfd is closed, e now writes to the pipe
      expect(await px.write(e, bytes('abc'))).toBe(3);
      expect(px.dup2(w, w)).toBe(w);
      expect(px.dup2(77, w)).toBe(-Errno.EBADF);
      expect(px.dup2(w, 5000)).toBe(-Errno.EBADF);
      expect(px.dup3(w, w, 0)).toBe(-Errno.EINVAL);
      expect(px.dup3(w, 20, 0x1)).toBe(-Errno.EINVAL);
      expect(px.dup3(w, 20, O_CLOEXEC)).toBe(20);
      expect(px.fcntl(20, F_GETFD)).toBe(FD_CLOEXEC);
      await px.fdtab.closeOnExec();
      // Both pipe ends, their CLOEXEC dups and 20 are gone; e (a plain dup2) stays.
      expect([...px.fdtab.open()].map(([fd]) => fd)).toEqual([e]);
    });
  });

  it('RLIMIT_NOFILE: -EMFILE, and a failed pipe leaves nothing open', async () => {
    const { px, run } = setup({ nofile: 3 });
    await run(async () => {
      expect(px.eventfd(0)).toBe(0);
      expect(px.eventfd(0)).toBe(1);
      expect(px.pipe()).toBe(-Errno.EMFILE);
      expect([...px.fdtab.open()].length).toBe(2);
      expect(px.dup(0)).toBe(2);
      expect(px.dup(0)).toBe(-Errno.EMFILE);
      expect(px.epollCreate()).toBe(-Errno.EMFILE);
    });
  });
});
