// Character devices of devfs (Linux drivers/char/mem.c and tty semantics): what a node does on
// read and write. Drivers add their own with RkDevfs.add().
import { Errno } from '@runikraft/errno';
import { O_NONBLOCK } from '@runikraft/vfscore';
import { RkTtyLine } from './tty';

/** One device node. `read`/`write` get the open flags (O_NONBLOCK) and return counts or -errno. */
export interface RkDevfsDevice {
  /** Device number as makedev(major, minor) = major << 8 | minor (Linux's old 16-bit encoding). */
  readonly rdev: number;
  /** Permission bits. */
  readonly perm: number;
  read(buf: Uint8Array, offset: number, flags: number): number | Promise<number>;
  write(buf: Uint8Array, offset: number, flags: number): number | Promise<number>;
}

export const makedev = (major: number, minor: number): number => (major << 8) | minor;

/** /dev/null: reads end at once, writes vanish. */
export const nullDevice: RkDevfsDevice = {
  rdev: makedev(1, 3),
  perm: 0o666,
  read: () => 0,
  write: (buf) => buf.length,
};

/** /dev/zero: reads zeros, writes vanish. */
export const zeroDevice: RkDevfsDevice = {
  rdev: makedev(1, 5),
  perm: 0o666,
  read: (buf) => buf.fill(0).length,
  write: (buf) => buf.length,
};

/** /dev/full: reads zeros, every write is ENOSPC. */
export const fullDevice: RkDevfsDevice = {
  rdev: makedev(1, 7),
  perm: 0o666,
  read: (buf) => buf.fill(0).length,
  write: (buf) => (buf.length === 0 ? 0 : -Errno.ENOSPC),
};

/** /dev/random and /dev/urandom over getrandom(2) (rkswrand); writes add entropy. */
export function randomDevice(
  minor: 8 | 9,
  rng: { getrandom(buf: Uint8Array, flags?: number): number; addEntropy(b: Uint8Array): void },
): RkDevfsDevice {
  return {
    rdev: makedev(1, minor),
    perm: 0o666,
    read: (buf) => rng.getrandom(buf),
    write: (buf) => {
      rng.addEntropy(buf);
      return buf.length;
    },
  };
}

/** What the console device needs: the platform console and a way to park until input arrives. */
export interface RkConsolePort {
  out(data: Uint8Array): number;
  in(buf: Uint8Array): number;
  /** Parks until input may be there; absent means reads never block (-EAGAIN when empty). */
  waitInput?(): Promise<number>;
}

/**
 * /dev/console: writes go to the UART; reads take what was typed, blocking unless O_NONBLOCK. With
 * `canonical`, input goes through the line discipline (tty.ts): echoed, edited, a line per read.
 */
export function consoleDevice(
  port: RkConsolePort,
  opts: { canonical?: boolean } = {},
): RkDevfsDevice {
  const tty = opts.canonical ? new RkTtyLine((b) => port.out(b)) : null;
  const raw = new Uint8Array(256);
  const take = (buf: Uint8Array): number | null => {
    if (!tty) {
      const n = port.in(buf);
      return n > 0 ? n : null;
    }
    for (let n = port.in(raw); n > 0; n = port.in(raw)) tty.input(raw.subarray(0, n));
    return tty.read(buf);
  };
  return {
    rdev: makedev(5, 1),
    perm: 0o600,
    write: (buf) => port.out(buf),
    async read(buf, _off, flags) {
      if (buf.length === 0) return 0;
      for (;;) {
        const n = take(buf);
        if (n !== null) return n;
        if (flags & O_NONBLOCK || !port.waitInput) return -Errno.EAGAIN;
        const r = await port.waitInput();
        if (r < 0) return r;
      }
    },
  };
}
