// Character devices of devfs (Linux drivers/char/mem.c and tty semantics): what a node does on
// read and write. Drivers add their own with RkDevfs.add().
import { Errno } from '@runikraft/errno';
import { O_NONBLOCK } from '@runikraft/vfscore';
import { RkTtyLine } from './tty';

/** poll(2)'s bits (Linux values) a device reports. */
export const POLLIN = 0x001;
export const POLLOUT = 0x004;

/** One device node. `read`/`write` get the open flags (O_NONBLOCK) and return counts or -errno. */
export interface RkDevfsDevice {
  /** Device number as makedev(major, minor) = major << 8 | minor (Linux's old 16-bit encoding). */
  readonly rdev: number;
  /** Permission bits. */
  readonly perm: number;
  read(buf: Uint8Array, offset: number, flags: number): number | Promise<number>;
  write(buf: Uint8Array, offset: number, flags: number): number | Promise<number>;
  /** Readiness now (POLLIN, POLLOUT). Optional: absent means always ready, as /dev/null. */
  poll?(): number;
  /** Adds a watcher told when readiness may have changed (POLLIN: input arrived). @returns its remover. */
  watch?(w: (events: number) => void): () => void;
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
  /**
   * Adds a listener called when input arrives (from the console's interrupt: bounded work only).
   * @returns its remover. Absent: the console reports no readiness (poll sees it always ready).
   */
  onInput?(listener: () => void): () => void;
}

/**
 * /dev/console: writes go to the UART; reads take what was typed, blocking unless O_NONBLOCK. With
 * `canonical`, input goes through the line discipline (tty.ts): echoed, edited, a line per read.
 * Where the port tells of input (onInput), poll reports POLLIN when a read would get something (a
 * finished line in canonical mode, any byte in raw mode), so poll(2) on stdin parks until then.
 */
export function consoleDevice(
  port: RkConsolePort,
  opts: { canonical?: boolean } = {},
): RkDevfsDevice {
  const tty = opts.canonical ? new RkTtyLine((b) => port.out(b)) : null;
  const raw = new Uint8Array(256);
  /** Raw mode: bytes poll took from the port before a read asked for them. */
  let held = new Uint8Array(0);
  const pump = (t: RkTtyLine): void => {
    for (let n = port.in(raw); n > 0; n = port.in(raw)) t.input(raw.subarray(0, n));
  };
  const take = (buf: Uint8Array): number | null => {
    if (tty) {
      pump(tty);
      return tty.read(buf);
    }
    if (held.length > 0) {
      const n = Math.min(buf.length, held.length);
      buf.set(held.subarray(0, n));
      held = held.subarray(n);
      return n;
    }
    const n = port.in(buf);
    return n > 0 ? n : null;
  };
  const hasInput = (): boolean => {
    if (tty) {
      pump(tty);
      return tty.hasInput();
    }
    if (held.length === 0) held = raw.slice(0, Math.max(0, port.in(raw)));
    return held.length > 0;
  };
  const onInput = port.onInput?.bind(port);
  return {
    rdev: makedev(5, 1),
    perm: 0o600,
    write: (buf) => port.out(buf),
    ...(onInput && {
      poll: () => POLLOUT | (hasInput() ? POLLIN : 0),
      watch: (w: (events: number) => void) => onInput(() => w(POLLIN)),
    }),
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
