// Socket constants with Linux's numbering (as Unikraft's posix-socket and nolibc use), so a POSIX
// layer and C apps pass them through unchanged.

export const AF_INET = 2;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
/** Or-ed into the type argument of socket(): the socket starts in non-blocking mode. */
export const SOCK_NONBLOCK = 0o4000;

export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** Option levels: SOL_SOCKET, or the protocol number (IPPROTO_IP, IPPROTO_TCP). */
export const SOL_SOCKET = 1;

export const SO_REUSEADDR = 2;
export const SO_TYPE = 3;
/** Read-only: the pending asynchronous error (positive errno, 0 if none), cleared by reading. */
export const SO_ERROR = 4;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
/** Linger time in seconds; -1 = off (the default). 0 = abortive close (RST). */
export const SO_LINGER = 13;
/** Receive / send timeouts in milliseconds; 0 = wait forever (the default). */
export const SO_RCVTIMEO = 20;
export const SO_SNDTIMEO = 21;

export const IP_TOS = 1;
export const IP_TTL = 2;

export const TCP_NODELAY = 1;
export const TCP_MAXSEG = 2;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;

export const MSG_PEEK = 0x2;
export const MSG_DONTWAIT = 0x40;
export const MSG_WAITALL = 0x100;
export const MSG_NOSIGNAL = 0x4000;

export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

/** Readiness bits, Linux's poll/epoll values so a poll layer maps them one to one. */
export const RK_POLLIN = 0x001;
export const RK_POLLPRI = 0x002;
export const RK_POLLOUT = 0x004;
export const RK_POLLERR = 0x008;
export const RK_POLLHUP = 0x010;
export const RK_POLLRDHUP = 0x2000;
