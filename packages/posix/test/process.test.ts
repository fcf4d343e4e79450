import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD,
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  EPOLL_CTL_ADD,
  EPOLLIN,
  F_GETFL,
  F_SETFL,
  inheritStdio,
  O_APPEND,
  O_CREAT,
  O_DIRECTORY,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  PIPE_BUF,
  S_IFDIR,
  S_IFIFO,
  S_IFREG,
  TIMER_ABSTIME,
} from '../src/index';
import { bytes, setup, text, withFs } from './helpers';

describe('files through the descriptor table', () => {
  it('open/read/write/lseek/fstat on vfscore files; dup shares the offset; O_APPEND via F_SETFL', async () => {
    const { px, vfs, run } = await withFs();
    await run(async () => {
      const fd = await px.open('/a.txt', O_CREAT | O_RDWR, 0o644);
      expect(fd).toBe(0);
      expect(await px.write(fd, bytes('hello world'))).toBe(11);
      const d = px.dup(fd);
      expect(await px.lseek(d, 0, 0)).toBe(0);
      const b = new Uint8Array(5);
      expect(await px.read(fd, b)).toBe(5);
      expect(await px.lseek(d, 0, 1)).toBe(5); // the shared offset moved
      expect(px.fcntl(fd, F_SETFL, O_APPEND)).toBe(0);
      expect(px.fcntl(d, F_GETFL) & O_APPEND).toBe(O_APPEND);
      expect(await px.pwrite(fd, bytes('!'), 0)).toBe(1); // Linux: pwrite with O_APPEND appends
      expect(await px.write(fd, bytes('?'))).toBe(1);
      const st = (await px.fstat(fd)) as { mode: number; size: number };
      expect(st.mode & 0o170000).toBe(S_IFREG);
      expect(st.size).toBe(13);
      expect(await px.readv(fd, [new Uint8Array(2)])).toBe(0); // at the end
      expect(await px.close(fd)).toBe(0);
      expect(await px.close(d)).toBe(0);
      // The vfscore descriptors behind them are closed too.
      expect(await vfs.fstat(0)).toBe(-Errno.EBADF);
      expect(await px.open('/missing', O_RDONLY)).toBe(-Errno.ENOENT);
    });
  });

  it("open installs a descriptor without asking the file system for attributes (its type is the node's)", async () => {
    const { px, vfs, run } = await withFs();
    await run(async () => {
      expect(await px.files.mkdirat(AT_FDCWD, '/d', 0o755)).toBe(0);
      let stats = 0;
      const fstat = vfs.fstat.bind(vfs);
      vfs.fstat = (fd) => {
        stats++;
        return fstat(fd);
      };
      const f = await px.open('/d/j', O_CREAT | O_RDWR, 0o644);
      const d = await px.open('/d', O_RDONLY | O_DIRECTORY);
      expect(stats).toBe(0);
      // the type is known all the same: epoll refuses both (always ready), as Linux
      const ep = px.epollCreate(0);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, f, { events: EPOLLIN, data: 0 })).toBe(-Errno.EPERM);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, d, { events: EPOLLIN, data: 0 })).toBe(-Errno.EPERM);
      expect(((await px.fstat(d)) as { mode: number }).mode & 0o170000).toBe(S_IFDIR);
      const names = (await px.files.readdir(d)) as { name: string }[];
      expect(names.map((e) => e.name).sort()).toEqual(['.', '..', 'j']);
    });
  });

  it('*at() calls translate directory descriptors; a pipe is ENOTDIR; stream calls on pipes are ESPIPE', async () => {
    const { px, run } = await withFs();
    await run(async () => {
      expect(await px.files.mkdirat(AT_FDCWD, '/d', 0o755)).toBe(0);
      const [r, w] = px.pipe() as [number, number];
      const dir = await px.open('/d', O_RDONLY | O_DIRECTORY);
      expect(dir).toBe(2);
      const f = await px.openat(dir, 'f', O_CREAT | O_WRONLY, 0o600);
      expect(await px.write(f, bytes('xyz'))).toBe(3);
      const st = (await px.files.fstatat(dir, 'f', 0)) as { size: number };
      expect(st.size).toBe(3);
      expect(((await px.fstat(dir)) as { mode: number }).mode & 0o170000).toBe(S_IFDIR);
      expect(await px.files.symlinkat('f', dir, 'l')).toBe(0);
      expect(await px.files.readlinkat(dir, 'l')).toBe('f');
      expect(await px.files.renameat2(dir, 'f', AT_FDCWD, '/g', 0)).toBe(0);
      expect(await px.files.unlinkat(AT_FDCWD, '/g', 0)).toBe(0);
      expect(await px.openat(r, 'f', O_RDONLY)).toBe(-Errno.ENOTDIR);
      expect(await px.files.mkdirat(99, 'x', 0o755)).toBe(-Errno.EBADF);
      expect(await px.lseek(r, 0, 0)).toBe(-Errno.ESPIPE);
      expect(await px.pread(w, new Uint8Array(1), 0)).toBe(-Errno.ESPIPE);
      expect(await px.files.ftruncate(w, 0)).toBe(-Errno.EINVAL);
      expect(await px.files.readdir(r)).toBe(-Errno.ENOTDIR);
      const pst = (await px.fstat(r)) as { mode: number; ino: number };
      expect(pst.mode & 0o170000).toBe(S_IFIFO);
      // Both ends are one inode, as Linux's pipefs; another pipe is another.
      expect(((await px.fstat(w)) as { ino: number }).ino).toBe(pst.ino);
      const other = px.pipe() as [number, number];
      expect(((await px.fstat(other[1])) as { ino: number }).ino).not.toBe(pst.ino);
      for (const fd of other) await px.close(fd);
      const names = ((await px.files.readdir(dir)) as { name: string }[]).map((e) => e.name);
      expect(names).toContain('l');
      // writev on a pipe is one atomic write of the gathered bytes.
      const parts = [new Uint8Array(PIPE_BUF / 2).fill(1), new Uint8Array(PIPE_BUF / 2).fill(2)];
      expect(await px.writev(w, parts)).toBe(PIPE_BUF);
      const outs = [new Uint8Array(3), new Uint8Array(PIPE_BUF)];
      expect(await px.readv(r, outs)).toBe(PIPE_BUF);
      expect(outs[0]).toEqual(Uint8Array.of(1, 1, 1));
      expect(outs[1]![PIPE_BUF - 4]).toBe(2);
    });
  });

  it("inherits duplicates of the kernel stdio: closing them leaves the kernel's open", async () => {
    const { px, vfs, run } = await withFs();
    await run(async () => {
      for (const p of ['/in', '/out', '/err'])
        expect(await vfs.open(p, O_CREAT | O_RDWR)).toBeGreaterThanOrEqual(0);
      await inheritStdio(px, [0, 1, 2]);
      expect(await px.write(1, bytes('to out'))).toBe(6);
      await px.exit();
      expect([...px.fdtab.open()].length).toBe(0);
      const b = new Uint8Array(16);
      expect(await vfs.pread(1, b, 0)).toBe(6);
      expect(text(b.subarray(0, 6))).toBe('to out');
    });
  });
});

describe('time, identity, environment, randomness', () => {
  it('clock_gettime and nanosleep on the virtual clock; an interrupted sleep reports what is left', async () => {
    const { px, sched, plat, run } = setup();
    await run(async () => {
      const m0 = px.clockGettime(CLOCK_MONOTONIC) as { sec: number; nsec: number };
      const rt = px.clockGettime(CLOCK_REALTIME) as { sec: number };
      expect(rt.sec).toBeGreaterThan(1_600_000_000);
      expect(px.clockGettime(42)).toBe(-Errno.EINVAL);
      expect(await px.nanosleep({ sec: 0, nsec: 2_500_000 })).toBe(0);
      const m1 = px.clockGettime(CLOCK_MONOTONIC) as { sec: number; nsec: number };
      expect(m1.sec * 1e9 + m1.nsec - (m0.sec * 1e9 + m0.nsec)).toBeGreaterThanOrEqual(2_500_000);
      expect(await px.nanosleep({ sec: 0, nsec: 1e9 })).toBe(-Errno.EINVAL); // nsec out of range
      expect(await px.nanosleep({ sec: -1, nsec: 0 })).toBe(-Errno.EINVAL);
      // Absolute on CLOCK_REALTIME: wakes at that wall time.
      const now = px.clockGettime(CLOCK_REALTIME) as { sec: number; nsec: number };
      const t0 = plat.time.monotonicNs();
      expect(
        await px.clockNanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {
          sec: now.sec + 2,
          nsec: now.nsec,
        }),
      ).toBe(0);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(2e9);
      expect(await px.clockNanosleep(2, 0, { sec: 0, nsec: 1 })).toBe(-Errno.EINVAL);
      const me = sched.current();
      const t = sched.spawn('poke', async () => {
        await sched.sleep(1_000_000);
        sched.interrupt(me);
      });
      const rem = { sec: 0, nsec: 0 };
      expect(await px.nanosleep({ sec: 0, nsec: 10_000_000 }, rem)).toBe(-Errno.EINTR);
      expect(rem.sec * 1e9 + rem.nsec).toBeGreaterThan(8_000_000);
      expect(rem.sec * 1e9 + rem.nsec).toBeLessThan(9_100_000);
      await sched.join(t);
    });
  });

  it('environment, argv, identity, uname, umask, getrandom', async () => {
    const seen: number[] = [];
    const { px, run } = setup({
      argv: ['prog', 'x'],
      env: ['HOME=/', 'A=1=2'],
      pid: 7,
      random: {
        getrandom: (b, f) => {
          seen.push(f ?? 0);
          b.fill(0xab);
          return b.length;
        },
      },
      uname: { nodename: 'box' },
    });
    await run(async () => {
      expect(px.argv).toEqual(['prog', 'x']);
      expect(px.getenv('A')).toBe('1=2');
      expect(px.setenv('A', 'z', false)).toBe(0);
      expect(px.getenv('A')).toBe('1=2');
      expect(px.setenv('B', 'b')).toBe(0);
      expect(px.setenv('C=', 'b')).toBe(-Errno.EINVAL);
      expect(px.unsetenv('HOME')).toBe(0);
      expect(px.putenv('noequals')).toBe(-Errno.EINVAL);
      expect(px.environ()).toEqual(['A=1=2', 'B=b']);
      expect(px.getpid()).toBe(7);
      expect(px.getppid()).toBe(0);
      expect(px.gettid()).toBe(px.sched.current().id);
      expect(px.getuid()).toBe(0);
      const u = px.uname();
      expect(u.sysname).toBe('Runikraft');
      expect(u.nodename).toBe('box');
      expect(u.machine).toBe('riscv64');
      expect(px.umask(0o077)).toBe(0o022);
      expect(px.umask(0o022)).toBe(0o077);
      const b = new Uint8Array(4);
      expect(px.getrandom(b, 1)).toBe(4);
      expect(b).toEqual(Uint8Array.of(0xab, 0xab, 0xab, 0xab));
      expect(seen).toEqual([1]);
      expect(px.getrandom(b, 4)).toBe(-Errno.EINVAL);
    });
  });

  it('umask reaches vfscore: a created file gets mode & ~umask', async () => {
    const { px, run } = await withFs();
    await run(async () => {
      px.umask(0o027);
      const fd = await px.open('/m', O_CREAT | O_RDWR, 0o666);
      expect(((await px.fstat(fd)) as { mode: number }).mode & 0o777).toBe(0o640);
      expect(px.getcwd()).toBe('/');
      expect(await px.files.mkdirat(AT_FDCWD, '/sub', 0o777)).toBe(0);
      expect(await px.chdir('/sub')).toBe(0);
      expect(px.getcwd()).toBe('/sub');
    });
  });
});
