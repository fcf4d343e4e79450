import { Errno } from '@runikraft/errno';
import {
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  RkVfsCore,
  S_IFCHR,
  S_IFMT,
} from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { createDevfsType, POLLIN, POLLOUT } from '../src/index';

function clock() {
  let s = 1_700_000_000;
  return () => ({ sec: s++, nsec: 0 });
}

async function setup(input: number[] = []) {
  const out: number[] = [];
  let seeded = 0;
  const v = new RkVfsCore({ now: clock() });
  v.registerFsType(
    createDevfsType({
      rng: {
        getrandom: (b) => {
          for (let i = 0; i < b.length; i++) b[i] = (i * 37 + 11) & 0xff;
          return b.length;
        },
        addEntropy: (b) => {
          seeded += b.length;
        },
      },
      console: {
        out: (b) => {
          out.push(...b);
          return b.length;
        },
        in: (b) => {
          const n = Math.min(b.length, input.length);
          b.set(input.splice(0, n));
          return n;
        },
      },
    }),
  );
  expect(await v.mount('devfs', '/', 'devfs')).toBe(0);
  return { v, out, seeded: () => seeded };
}

describe('devfs', () => {
  it('lists its nodes as character devices with Linux device numbers', async () => {
    const { v } = await setup();
    const fd = await v.open('/', O_RDONLY);
    const names = (await v.readdir(fd)) as { name: string }[];
    expect(names.map((e) => e.name)).toEqual([
      '.',
      '..',
      'null',
      'zero',
      'full',
      'random',
      'urandom',
      'console',
    ]);
    const st = await v.stat('/null');
    expect(typeof st !== 'number' && st.mode & S_IFMT).toBe(S_IFCHR);
    expect(typeof st !== 'number' && st.rdev).toBe((1 << 8) | 3);
  });
  it('/dev/null, /dev/zero and /dev/full behave as on Linux', async () => {
    const { v } = await setup();
    const buf = new Uint8Array(16).fill(9);
    const n = await v.open('/null', O_RDWR);
    expect(await v.read(n, buf)).toBe(0);
    expect(await v.write(n, buf)).toBe(16);
    const z = await v.open('/zero', O_RDONLY);
    expect(await v.read(z, buf)).toBe(16);
    expect(buf.every((b) => b === 0)).toBe(true);
    const f = await v.open('/full', O_RDWR);
    expect(await v.write(f, buf)).toBe(-Errno.ENOSPC);
    buf.fill(3);
    expect(await v.read(f, buf)).toBe(16);
    expect(buf.every((b) => b === 0)).toBe(true);
  });
  it('/dev/urandom reads the generator; writes add entropy', async () => {
    const { v, seeded } = await setup();
    const fd = await v.open('/urandom', O_RDWR);
    const buf = new Uint8Array(4);
    expect(await v.read(fd, buf)).toBe(4);
    expect([...buf]).toEqual([11, 48, 85, 122]);
    expect(await v.write(fd, buf)).toBe(4);
    expect(seeded()).toBe(4);
  });
  it('/dev/console writes to the UART and reads typed input; O_NONBLOCK without input is EAGAIN', async () => {
    const { v, out } = await setup([104, 105]);
    const fd = await v.open('/console', O_RDWR);
    expect(await v.write(fd, new TextEncoder().encode('ok\n'))).toBe(3);
    expect(new TextDecoder().decode(Uint8Array.from(out))).toBe('ok\n');
    const buf = new Uint8Array(8);
    expect(await v.read(fd, buf)).toBe(2);
    const nb = await v.open('/console', O_RDONLY | O_NONBLOCK);
    expect(await v.read(nb, buf)).toBe(-Errno.EAGAIN);
  });
  it('/dev/console readiness: POLLIN once a read would get something, watchers told of input', async () => {
    const input: number[] = [];
    const listeners = new Set<() => void>();
    const type = (text: string) => {
      input.push(...new TextEncoder().encode(text));
      for (const l of [...listeners]) l();
    };
    const mount = async (canonical: boolean) => {
      const v = new RkVfsCore({ now: clock() });
      v.registerFsType(
        createDevfsType({
          consoleCanonical: canonical,
          console: {
            out: (b) => b.length,
            in: (b) => {
              const n = Math.min(b.length, input.length);
              b.set(input.splice(0, n));
              return n;
            },
            onInput: (l) => {
              listeners.add(l);
              return () => void listeners.delete(l);
            },
          },
        }),
      );
      expect(await v.mount('devfs', '/', 'devfs')).toBe(0);
      return v;
    };
    let v = await mount(true);
    const buf = new Uint8Array(16);
    const read = async (fd: number) =>
      new TextDecoder().decode(buf.subarray(0, await v.read(fd, buf)));

    // Canonical: ready only when a whole line (or Ctrl-D) is there.
    const fd = await v.open('/console', O_RDWR | O_NONBLOCK);
    expect(v.pollFd(fd)).toBe(POLLOUT);
    const seen: number[] = [];
    const unwatch = v.watchFd(fd, (e) => seen.push(e))!;
    type('ab');
    expect(seen).toEqual([POLLIN]);
    expect(v.pollFd(fd)).toBe(POLLOUT);
    type('\r');
    expect(v.pollFd(fd)).toBe(POLLOUT | POLLIN);
    expect(await read(fd)).toBe('ab\n');
    expect(v.pollFd(fd)).toBe(POLLOUT);
    unwatch();
    type('\x04');
    expect(seen).toEqual([POLLIN, POLLIN]);
    expect(v.pollFd(fd)).toBe(POLLOUT | POLLIN);
    expect(await read(fd)).toBe('');

    // Raw: any byte; what poll took from the port is what the next read gets, in order.
    v = await mount(false);
    const rfd = await v.open('/console', O_RDWR | O_NONBLOCK);
    expect(v.pollFd(rfd)).toBe(POLLOUT);
    type('xy');
    expect(v.pollFd(rfd)).toBe(POLLOUT | POLLIN);
    type('z');
    expect(await read(rfd)).toBe('xy');
    expect(await read(rfd)).toBe('z');
    expect(v.pollFd(rfd)).toBe(POLLOUT);
    expect(await v.read(rfd, buf)).toBe(-Errno.EAGAIN);

    // Devices without readiness are always ready; files of other drivers have none (null).
    expect(v.pollFd(await v.open('/null', O_RDWR))).toBe(POLLIN | POLLOUT);
    expect(v.pollFd(-1)).toBeNull();
  });
  it('refuses to create or remove names (EPERM) and write-opens nothing but devices', async () => {
    const { v } = await setup();
    expect(await v.open('/new', 0o100 | O_WRONLY, 0o644)).toBe(-Errno.EPERM);
    expect(await v.mkdir('/d', 0o755)).toBe(-Errno.EPERM);
    expect(await v.unlink('/null')).toBe(-Errno.EPERM);
    expect(await v.rename('/null', '/nil')).toBe(-Errno.EPERM);
  });
});
