// The descriptor-object contract of the POSIX layer (Unikraft posix-fdtab's struct uk_file with its
// event state), types only. Every descriptor kind — vfscore files and the console, rknet sockets,
// pipes, eventfds, epoll instances — implements RkPosixFile; the table, poll/select and epoll see
// nothing else.
//
// Error convention (one for the whole package): a call returns its result (>= 0, or an object) or
// a negative Linux errno (`-Errno.EAGAIN`), as a number or a Promise of one. Nothing throws for a
// POSIX condition; a programming error (a buffer that is not a Uint8Array, a call outside thread
// context where the call must park) may throw RkError.

/**
 * Called each time the file's readiness may have changed, with the events the change concerns
 * (Linux's wake-up key: POLLIN when data arrived, POLLOUT when room was made; a file may pass its
 * whole current mask instead, as rknet sockets do). epoll's EPOLLET counts each call whose events
 * it asked for as an edge. Bounded work only: wake a queue, mark an item ready.
 */
export type RkPosixWatcher = (events: number) => void;

/** An open file of any kind (what a descriptor refers to, through its RkOpenFile). */
export interface RkPosixFile {
  /** The st_mode file type: S_IFREG/S_IFDIR/S_IFCHR (vfscore), S_IFIFO, S_IFSOCK; 0 for anon inodes. */
  readonly type: number;
  /** The kind, for messages and dispatch: 'file', 'pipe', 'socket', 'eventfd', 'epoll'. */
  readonly kind: string;
  /**
   * Reads into `buf`. `flags` are the open file's status flags: with O_NONBLOCK the call returns
   * -EAGAIN instead of parking the caller. @returns bytes read, 0 at end of file, or -errno.
   */
  read(buf: Uint8Array, flags: number): number | Promise<number>;
  /** Writes `buf` (O_NONBLOCK as read). @returns bytes written, or -errno (-EPIPE, -EAGAIN...). */
  write(buf: Uint8Array, flags: number): number | Promise<number>;
  /** Readiness now: POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP, POLLPRI (Linux values). */
  poll(): number;
  /** Adds a watcher of readiness changes. @returns the function that removes it. */
  watch(w: RkPosixWatcher): () => void;
  /** The last descriptor referring to the file was closed. @returns 0 or -errno. */
  release(): number | Promise<number>;
  /** F_SETFL changed the status flags (a socket mirrors O_NONBLOCK into its own mode). */
  setFlags?(flags: number): void;
  /** FIONREAD: the bytes queued for reading now (absent: not known, reported as 0). */
  nread?(): number;
}

/** One entry of poll(2)'s array; `revents` is filled in. */
export interface RkPollFd {
  fd: number;
  events: number;
  revents: number;
}

/** struct epoll_event: the events and the caller's opaque data (epoll_data_t). */
export interface RkEpollEvent {
  events: number;
  data: unknown;
}

/** struct utsname (uname(2)). */
export interface RkUtsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

/** A pthread as the layer hands it out (pthread_t). */
export interface RkPthread {
  /** The thread id (gettid); the scheduler's thread id. */
  readonly id: number;
}
