// Reads and writes split by msize (Linux v9fs p9_client_read/write loops): a request larger than one
// message becomes several Tread/Twrite in flight at once, so a large read costs about one round trip
// per `maxRequests` messages instead of one per message.
import type { RkP9Client, RkP9Fid } from '@runikraft/rk9p';

/** Messages in flight for one read or write (rk9p's default request slots). */
const WINDOW = 8;

/**
 * Reads `buf.length` bytes at `offset` (fewer at end of file). @returns bytes read.
 * @throws RkError from rk9p.
 */
export async function p9ReadFull(c: RkP9Client, f: RkP9Fid, buf: Uint8Array, offset: number) {
  const step = c.ioSize(f);
  let done = 0;
  while (done < buf.length) {
    const n = Math.min(WINDOW, Math.ceil((buf.length - done) / step));
    const parts: Promise<number>[] = [];
    for (let i = 0; i < n; i++) {
      const at = done + i * step;
      parts.push(c.read(f, offset + at, buf.subarray(at, Math.min(at + step, buf.length))));
    }
    const got = await Promise.all(parts);
    for (let i = 0; i < n; i++) {
      done += got[i];
      // a short read is the end of the file: what later messages returned lies beyond it
      if (got[i] < Math.min(step, buf.length - (done - got[i]))) return done;
    }
  }
  return done;
}

/** Writes all of `buf` at `offset` (fewer if the server writes short). @returns bytes written. */
export async function p9WriteFull(c: RkP9Client, f: RkP9Fid, buf: Uint8Array, offset: number) {
  const step = c.ioSize(f);
  let done = 0;
  while (done < buf.length) {
    const n = Math.min(WINDOW, Math.ceil((buf.length - done) / step));
    const parts: Promise<number>[] = [];
    for (let i = 0; i < n; i++) {
      const at = done + i * step;
      parts.push(c.write(f, offset + at, buf.subarray(at, Math.min(at + step, buf.length))));
    }
    const put = await Promise.all(parts);
    for (let i = 0; i < n; i++) {
      const want = Math.min(step, buf.length - done);
      done += put[i];
      if (put[i] < want) return done;
    }
  }
  return done;
}
