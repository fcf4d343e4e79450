// POSIX constants of the descriptor layer with Linux's values (asm-generic, riscv64), so a libc
// layer and C programs pass them through unchanged. File flags come from vfscore (one definition).
export {
  AT_FDCWD,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from '@runikraft/vfscore';

/* poll(2) events: asm-generic/poll.h (epoll's EPOLLIN... have the same values) */
export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDNORM = 0x040;
export const POLLRDBAND = 0x080;
export const POLLWRNORM = 0x100;
export const POLLWRBAND = 0x200;
export const POLLRDHUP = 0x2000;

/* epoll(7): uapi/linux/eventpoll.h */
export const EPOLLIN = POLLIN;
export const EPOLLPRI = POLLPRI;
export const EPOLLOUT = POLLOUT;
export const EPOLLERR = POLLERR;
export const EPOLLHUP = POLLHUP;
export const EPOLLRDHUP = POLLRDHUP;
export const EPOLLEXCLUSIVE = 1 << 28;
export const EPOLLWAKEUP = 1 << 29;
export const EPOLLONESHOT = 1 << 30;
export const EPOLLET = 1 << 31;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;
export const EPOLL_CLOEXEC = 0o2000000;

/* eventfd(2) */
export const EFD_SEMAPHORE = 1;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

/** Writes of at most this many bytes to a pipe are atomic (Linux's PIPE_BUF). */
export const PIPE_BUF = 4096;
/** A pipe's capacity (Linux's default: 16 pages). */
export const PIPE_SIZE = 65536;

/** select(2)'s FD_SETSIZE. */
export const FD_SETSIZE = 1024;

/* clock ids (as rktime) */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;

/* getrandom(2) */
export const GRND_NONBLOCK = 0x1;
export const GRND_RANDOM = 0x2;

/* pthread mutex types (glibc's numbering) */
export const PTHREAD_MUTEX_NORMAL = 0;
export const PTHREAD_MUTEX_RECURSIVE = 1;
export const PTHREAD_MUTEX_ERRORCHECK = 2;
export const PTHREAD_MUTEX_DEFAULT = PTHREAD_MUTEX_NORMAL;
/** Destructor rounds at thread exit (POSIX PTHREAD_DESTRUCTOR_ITERATIONS, glibc's value). */
export const PTHREAD_DESTRUCTOR_ITERATIONS = 4;
/** Keys a process may create (glibc's PTHREAD_KEYS_MAX). */
export const PTHREAD_KEYS_MAX = 1024;
