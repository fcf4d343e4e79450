// The readiness state every descriptor kind shares (Unikraft posix-fdtab's uk_file_state): the
// watchers that poll, select and epoll register, told each time the file's readiness may have
// changed. Files whose readiness never changes (regular files) keep an empty list.
import type { RkPosixWatcher } from './api';

export class RkFileWatchers {
  private list: RkPosixWatcher[] = [];

  /** Adds `w`. @returns the function that removes it (idempotent). */
  add(w: RkPosixWatcher): () => void {
    this.list.push(w);
    return () => {
      this.list = this.list.filter((x) => x !== w);
    };
  }

  get size(): number {
    return this.list.length;
  }

  /** Tells every watcher the current mask (a copy of the list: a watcher may remove itself). */
  notify(events: number): void {
    if (this.list.length === 0) return;
    for (const w of [...this.list]) w(events);
  }
}
