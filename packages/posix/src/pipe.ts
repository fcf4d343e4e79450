// pipe(2) (Unikraft posix-pipe; pipe(7)): a bounded byte ring shared by a read end and a write end.
// Writes of at most PIPE_BUF bytes are atomic (they wait for room for all of them); larger ones may
// be split. Reading with no writer left is end of file; writing with no reader left is EPIPE
// (SIGPIPE is not raised: this layer has no signals). Blocking ends park on rksched wait queues.
import { Errno } from '@runikraft/errno';
import type { RkWaitQueue } from '@runikraft/rksched';
import type { RkPosixFile, RkPosixWatcher } from './api';
import {
  O_NONBLOCK,
  PIPE_BUF,
  PIPE_SIZE,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  S_IFIFO,
} from './constants';
import { RkFileWatchers } from './events';

/** The ring and the ends' counts; both ends' files refer to one. */
export class RkPipeBuffer {
  private readonly ring: Uint8Array;
  private head = 0;
  /** Bytes queued. */
  len = 0;
  readers = 1;
  writers = 1;
  /** Readers park here for data, writers for room; one queue: a change concerns both. */
  private readonly wq: RkWaitQueue;
  readonly watchers = new RkFileWatchers();

  constructor(
    waitQueue: () => RkWaitQueue,
    readonly capacity = PIPE_SIZE,
  ) {
    this.ring = new Uint8Array(capacity);
    this.wq = waitQueue();
  }

  get space(): number {
    return this.capacity - this.len;
  }

  /** Readiness of the read end. */
  readMask(): number {
    return (this.len > 0 ? POLLIN : 0) | (this.writers === 0 ? POLLHUP : 0);
  }

  /** Readiness of the write end: POLLOUT once a PIPE_BUF write would not park. */
  writeMask(): number {
    if (this.readers === 0) return POLLERR | POLLOUT;
    return this.space >= Math.min(PIPE_BUF, this.capacity) ? POLLOUT : 0;
  }

  /**
   * Something changed: parked callers re-check; watchers hear `key`, the events the change
   * concerns (data: POLLIN, room: POLLOUT), as Linux's wake-up keys, so that draining a pipe is not
   * an edge for an EPOLLET reader.
   */
  changed(key: number): void {
    this.wq.wakeAll();
    this.watchers.notify(key);
  }

  /** Reads what is queued; parks only while the pipe is empty and has writers. */
  read(buf: Uint8Array, flags: number): number | Promise<number> {
    if (buf.length === 0) return 0;
    if (this.len > 0) return this.take(buf);
    if (this.writers === 0) return 0;
    if (flags & O_NONBLOCK) return -Errno.EAGAIN;
    return this.readSlow(buf);
  }

  private async readSlow(buf: Uint8Array): Promise<number> {
    const r = await this.wq.waitEvent(() => this.len > 0 || this.writers === 0);
    if (r < 0) return r;
    return this.len === 0 ? 0 : this.take(buf);
  }

  private take(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.len);
    const first = Math.min(n, this.capacity - this.head);
    buf.set(this.ring.subarray(this.head, this.head + first));
    if (n > first) buf.set(this.ring.subarray(0, n - first), first);
    this.head = (this.head + n) % this.capacity;
    this.len -= n;
    this.changed(POLLOUT);
    return n;
  }

  /** Writes `buf`; a write that fits now completes without parking (the common case). */
  write(buf: Uint8Array, flags: number): number | Promise<number> {
    if (this.readers === 0) return -Errno.EPIPE;
    if (buf.length === 0) return 0;
    if (this.space >= buf.length) {
      this.put(buf);
      this.changed(POLLIN);
      return buf.length;
    }
    return this.writeSlow(buf, flags);
  }

  private async writeSlow(buf: Uint8Array, flags: number): Promise<number> {
    const atomic = buf.length <= PIPE_BUF;
    let done = 0;
    while (done < buf.length) {
      // An atomic write needs room for all of it; a larger one takes whatever room there is.
      const need = atomic ? buf.length : 1;
      if (this.space < need) {
        if (flags & O_NONBLOCK) return done > 0 ? done : -Errno.EAGAIN;
        const r = await this.wq.waitEvent(() => this.space >= need || this.readers === 0);
        if (r < 0) return done > 0 ? done : r;
      }
      if (this.readers === 0) return done > 0 ? done : -Errno.EPIPE;
      const n = Math.min(buf.length - done, this.space);
      this.put(buf.subarray(done, done + n));
      done += n;
      this.changed(POLLIN);
    }
    return done;
  }

  private put(b: Uint8Array): void {
    const tail = (this.head + this.len) % this.capacity;
    const first = Math.min(b.length, this.capacity - tail);
    this.ring.set(b.subarray(0, first), tail);
    if (b.length > first) this.ring.set(b.subarray(first), 0);
    this.len += b.length;
  }
}

/** One end of a pipe. */
export class RkPipeEnd implements RkPosixFile {
  readonly type = S_IFIFO;
  readonly kind = 'pipe';
  private closed = false;

  constructor(
    readonly pipe: RkPipeBuffer,
    readonly end: 'read' | 'write',
  ) {}

  read(buf: Uint8Array, flags: number): number | Promise<number> {
    return this.end === 'read' ? this.pipe.read(buf, flags) : -Errno.EBADF;
  }
  write(buf: Uint8Array, flags: number): number | Promise<number> {
    return this.end === 'write' ? this.pipe.write(buf, flags) : -Errno.EBADF;
  }
  poll(): number {
    return this.end === 'read' ? this.pipe.readMask() : this.pipe.writeMask();
  }
  /** What is queued, from either end (Linux's pipe FIONREAD does not look at the end). */
  nread(): number {
    return this.pipe.len;
  }
  watch(w: RkPosixWatcher): () => void {
    const mine = this.end === 'read' ? POLLIN | POLLHUP : POLLOUT | POLLERR;
    return this.pipe.watchers.add((key) => {
      if (key & mine) w(key & mine);
    });
  }
  release(): number {
    if (this.closed) return -Errno.EBADF;
    this.closed = true;
    if (this.end === 'read') this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.changed(this.end === 'read' ? POLLERR | POLLOUT : POLLHUP | POLLIN);
    return 0;
  }
}

/** A new pipe's two ends: [read, write]. */
export function createPipe(
  waitQueue: () => RkWaitQueue,
  capacity = PIPE_SIZE,
): [RkPipeEnd, RkPipeEnd] {
  const p = new RkPipeBuffer(waitQueue, capacity);
  return [new RkPipeEnd(p, 'read'), new RkPipeEnd(p, 'write')];
}
