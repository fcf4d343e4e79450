// epoll(7) (Linux fs/eventpoll.c; Unikraft posix-event): an interest list keyed by (open file,
// descriptor) as Linux's (file, fd), a ready list fed by the files' watchers, level-triggered by
// default, EPOLLET (reported once per readiness change) and EPOLLONESHOT (disabled after one
// report until EPOLL_CTL_MOD). The instance is itself a descriptor: readable while items are ready.
import { Errno } from '@runikraft/errno';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';
import type { RkEpollEvent, RkPosixFile, RkPosixWatcher } from './api';
import {
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLLERR,
  EPOLLET,
  EPOLLEXCLUSIVE,
  EPOLLHUP,
  EPOLLONESHOT,
  POLLIN,
  S_IFDIR,
  S_IFREG,
} from './constants';
import { RkFileWatchers } from './events';
import type { RkOpenFile } from './fdtab';
import { withNorm } from './poll';

interface Item {
  readonly fd: number;
  readonly of: RkOpenFile;
  events: number;
  data: unknown;
  /** On the ready list. */
  ready: boolean;
  /** EPOLLONESHOT fired: no reports until EPOLL_CTL_MOD re-arms it. */
  disabled: boolean;
  unwatch: () => void;
  dropOnClose: () => void;
}

export class RkEpoll implements RkPosixFile {
  readonly type = 0;
  readonly kind = 'epoll';
  private readonly items = new Map<RkOpenFile, Map<number, Item>>();
  private readyList: Item[] = [];
  private readonly wq: RkWaitQueue;
  private readonly watchers = new RkFileWatchers();

  constructor(sched: RkSched) {
    this.wq = sched.waitQueue();
  }

  read(): number {
    return -Errno.EINVAL;
  }
  write(): number {
    return -Errno.EINVAL;
  }
  poll(): number {
    return this.readyList.some((it) => this.pending(it) !== 0) ? POLLIN : 0;
  }
  watch(w: RkPosixWatcher): () => void {
    return this.watchers.add(w);
  }
  release(): number {
    for (const byFd of this.items.values()) for (const it of byFd.values()) this.unlink(it);
    this.items.clear();
    this.readyList = [];
    return 0;
  }

  /** Number of items registered. */
  get size(): number {
    let n = 0;
    for (const m of this.items.values()) n += m.size;
    return n;
  }

  /** What `it` would report now (0 when nothing it asked for is ready). */
  private pending(it: Item): number {
    if (it.disabled) return 0;
    return withNorm(it.of.file.poll()) & (it.events | EPOLLERR | EPOLLHUP);
  }

  private markReady(it: Item): void {
    if (it.disabled || it.ready) return;
    it.ready = true;
    this.readyList.push(it);
    this.wq.wakeAll();
    this.watchers.notify(POLLIN);
  }

  /**
   * epoll_ctl(2). `of` is the open file at `fd` (the caller looked it up).
   * @returns 0, -EEXIST (ADD of a registered pair), -ENOENT (MOD/DEL of an unregistered one),
   * -EPERM (a regular file or directory: always ready, Linux refuses them), -EINVAL (the epoll
   * itself, an unknown op, EPOLLEXCLUSIVE with MOD).
   */
  ctl(op: number, fd: number, of: RkOpenFile, ev: RkEpollEvent | null): number {
    if (of.file === this) return -Errno.EINVAL;
    const t = of.file.type;
    if (of.file.kind === 'file' && (t === S_IFREG || t === S_IFDIR)) return -Errno.EPERM;
    const have = this.items.get(of)?.get(fd);
    switch (op) {
      case EPOLL_CTL_ADD: {
        if (!ev) return -Errno.EFAULT;
        if (have) return -Errno.EEXIST;
        this.add(fd, of, ev);
        return 0;
      }
      case EPOLL_CTL_MOD: {
        if (!ev) return -Errno.EFAULT;
        if (!have) return -Errno.ENOENT;
        if (ev.events & EPOLLEXCLUSIVE) return -Errno.EINVAL;
        have.events = ev.events;
        have.data = ev.data;
        have.disabled = false;
        if (this.pending(have)) this.markReady(have);
        return 0;
      }
      case EPOLL_CTL_DEL:
        if (!have) return -Errno.ENOENT;
        this.unlink(have);
        this.items.get(of)!.delete(fd);
        if (this.items.get(of)!.size === 0) this.items.delete(of);
        return 0;
      default:
        return -Errno.EINVAL;
    }
  }

  private add(fd: number, of: RkOpenFile, ev: RkEpollEvent): void {
    const it: Item = {
      fd,
      of,
      events: ev.events,
      data: ev.data,
      ready: false,
      disabled: false,
      unwatch: () => {},
      dropOnClose: () => {
        this.unlink(it);
        this.items.delete(of);
      },
    };
    // Each change the file reports is a new edge: an item asked-for events make ready.
    it.unwatch = of.file.watch((mask) => {
      if (withNorm(mask) & (it.events | EPOLLERR | EPOLLHUP)) this.markReady(it);
    });
    (of.onLastClose ??= new Set()).add(it.dropOnClose);
    let byFd = this.items.get(of);
    if (!byFd) this.items.set(of, (byFd = new Map()));
    byFd.set(fd, it);
    if (this.pending(it)) this.markReady(it);
  }

  private unlink(it: Item): void {
    it.unwatch();
    it.of.onLastClose?.delete(it.dropOnClose);
    if (it.ready) {
      it.ready = false;
      this.readyList = this.readyList.filter((x) => x !== it);
    }
  }

  /** Moves up to `max` reports from the ready list into `out`. @returns how many. */
  private harvest(out: RkEpollEvent[], max: number): number {
    const keep: Item[] = [];
    const list = this.readyList;
    this.readyList = [];
    let i = 0;
    for (; i < list.length && out.length < max; i++) {
      const it = list[i]!;
      const ev = this.pending(it);
      if (ev === 0) {
        it.ready = false;
        continue;
      }
      out.push({ events: ev, data: it.data });
      if (it.events & EPOLLONESHOT) it.disabled = true;
      // Level-triggered items stay ready (re-checked at the next wait); edge-triggered ones wait
      // for the next change; both go behind the others for fairness.
      if (it.events & (EPOLLET | EPOLLONESHOT)) it.ready = false;
      else keep.push(it);
    }
    this.readyList = [...list.slice(i), ...this.readyList, ...keep];
    return out.length;
  }

  /**
   * epoll_wait(2): up to `maxevents` ready items, waiting up to `timeoutNs` (negative: forever,
   * 0: just check). @returns the events (possibly none on timeout), or -EINVAL (maxevents < 1),
   * -EINTR. Parks the caller unless timeout is 0.
   */
  async wait(maxevents: number, timeoutNs: number): Promise<RkEpollEvent[] | number> {
    if (!Number.isInteger(maxevents) || maxevents < 1) return -Errno.EINVAL;
    const out: RkEpollEvent[] = [];
    if (this.harvest(out, maxevents) > 0 || timeoutNs === 0) return out;
    const r = await this.wq.waitEvent(
      () => this.harvest(out, maxevents) > 0,
      timeoutNs < 0 ? undefined : timeoutNs,
    );
    if (r === -Errno.EINTR && out.length === 0) return r;
    return out;
  }
}
