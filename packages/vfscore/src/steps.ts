// Calls written once for both paths. A step generator yields each RkFsResult it needs
// (`const v = yield* wait(r)`) and runSteps drives it synchronously while every result is there
// already, continuing in a Promise from the first one a driver has to wait for. Used by the
// namespace calls programs make now and then (rename, link, symlink, readlink, readdir): on ramfs
// they answer without suspending the program, with one body for both paths. The calls a program
// makes per statement (open, close, stat, unlink...) keep their hand-split continuations, which
// allocate nothing on the synchronous path.
import type { RkFsResult } from './driver';

/** A call as a step generator: yields what it waits for, returns its result. */
export type RkFsSteps<T> = Generator<RkFsResult<unknown>, T, unknown>;

/**
 * Inside a step generator: the value of `r`, waited for only if it is a Promise (a value is not
 * yielded: it would travel up every generator of the chain to runSteps and back down).
 */
export function* wait<T>(r: RkFsResult<T>): Generator<RkFsResult<T>, T, unknown> {
  return r instanceof Promise ? ((yield r) as T) : r;
}

/** Runs `g`: its result itself when nothing waited, else a Promise of it. */
export function runSteps<T>(g: RkFsSteps<T>): RkFsResult<T> {
  return drive(g, g.next());
}

function drive<T>(g: RkFsSteps<T>, s: IteratorResult<RkFsResult<unknown>, T>): RkFsResult<T> {
  while (!s.done) {
    const r = s.value;
    if (r instanceof Promise)
      return r.then(
        (v) => drive(g, g.next(v)),
        (e) => drive(g, g.throw(e)),
      );
    s = g.next(r);
  }
  return s.value;
}
