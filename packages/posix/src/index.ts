// @runikraft/posix: the POSIX layer (Unikraft's posix-fdtab, -pipe, -poll, -event, -socket,
// -process, -time and pthreads): one descriptor table per process over vfscore files, rknet
// sockets, pipes, eventfds and epolls; poll/select/epoll; pthreads over rksched/rklock.
export type * from './api';
export * from './constants';
export { RkEpoll } from './epoll';
export { EVENTFD_MAX, RkEventFd } from './eventfd';
export { RkFileWatchers } from './events';
export { RK_POSIX_NOFILE, RkFdtab, RkOpenFile } from './fdtab';
export { RkPosixFiles } from './files';
export {
  createPosixApi,
  inheritStdio,
  library,
  type RkPosixApi,
  type RkProcessSpec,
} from './library';
export { createPipe, RkPipeBuffer, RkPipeEnd } from './pipe';
export { poll, type RkSelectSets, select, waitReady, withNorm } from './poll';
export { RkPosix, type RkPosixOptions, TIMER_ABSTIME } from './process';
export {
  type RkPthreadAttr,
  type RkPthreadOnce,
  type RkPthreadStart,
  RkPthreads,
} from './pthread';
export { RkPosixSocketFile } from './socket';
export {
  type RkClockNs,
  RkPthreadCond,
  RkPthreadMutex,
  RkPthreadRwlock,
  type RkTimespec,
  untilNs,
} from './sync';
export { RkPosixVfsFile } from './vfile';
