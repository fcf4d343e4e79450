// Requests over a transport that answers later (a socket, a scripted peer) must come back as
// Promises: the direct path is only for replies that are there once the request is sent.
import type { RkP9Result } from '../../src/index';

/** `r`, which must be a Promise (the request waits for its reply). */
export function pending<T>(r: RkP9Result<T>): Promise<T> {
  if (!(r instanceof Promise))
    throw new Error('a request that waits for its reply was answered directly');
  return r;
}
