// rknet sockets as descriptor objects (Unikraft posix-socket's file ops over a socket driver): the
// socket already has level-triggered readiness (pollEvents/watch), which maps one to one; reads and
// writes are recv/send, O_NONBLOCK is mirrored into the socket's own mode.
import type { RkSocket } from '@runikraft/rknet';
import type { RkPosixFile, RkPosixWatcher } from './api';
import { O_NONBLOCK, S_IFSOCK } from './constants';

/** MSG_NOSIGNAL: write(2) on a socket reports EPIPE without a signal (this layer has none). */
const MSG_NOSIGNAL = 0x4000;

export class RkPosixSocketFile implements RkPosixFile {
  readonly type = S_IFSOCK;
  readonly kind = 'socket';

  constructor(readonly sock: RkSocket) {}

  read(buf: Uint8Array): Promise<number> {
    return this.sock.recv(buf, 0);
  }
  write(buf: Uint8Array): Promise<number> {
    return this.sock.send(buf, MSG_NOSIGNAL);
  }
  poll(): number {
    return this.sock.pollEvents();
  }
  watch(w: RkPosixWatcher): () => void {
    return this.sock.watch(w);
  }
  setFlags(flags: number): void {
    this.sock.setNonBlocking((flags & O_NONBLOCK) !== 0);
  }
  release(): number | Promise<number> {
    return this.sock.close();
  }
}
