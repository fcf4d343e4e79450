// Reads and writes split by msize (Linux v9fs p9_client_read/write loops): a request larger than one
// message becomes several Tread/Twrite in flight at once (one rk9p batch: the calling thread parks
// once per round), so a large read costs about one round trip per batch instead of one per message.
import { p9wait, type RkP9Client, type RkP9Fid, type RkP9Op } from '@runikraft/rk9p';

/** Messages in flight for one read or write. */
const WINDOW = 8;

function parts(c: RkP9Client, f: RkP9Fid, len: number, done: number) {
  const step = c.ioSize(f);
  const n = Math.min(WINDOW, c.dev.maxRequests, Math.ceil((len - done) / step));
  return Array.from({ length: n }, (_, i) => {
    const at = done + i * step;
    return { at, end: Math.min(at + step, len) };
  });
}

/**
 * Reads `buf.length` bytes at `offset` (fewer at end of file). @returns bytes read.
 * @throws RkError from rk9p when nothing could be read.
 */
export function* p9ReadFull(
  c: RkP9Client,
  f: RkP9Fid,
  buf: Uint8Array,
  offset: number,
): RkP9Op<number> {
  // One message (SQLite's page reads): one Tread, without the batch's part lists.
  if (buf.length <= c.ioSize(f)) return buf.length ? yield* p9wait(c.read(f, offset, buf)) : 0;
  let done = 0;
  while (done < buf.length) {
    const ps = parts(c, f, buf.length, done);
    const got = yield* p9wait(
      c.readMany(
        f,
        ps.map((p) => ({ offset: offset + p.at, into: buf.subarray(p.at, p.end) })),
      ),
    );
    for (let i = 0; i < ps.length; i++) {
      const g = got[i];
      if (g instanceof Error) {
        if (done > 0) return done;
        throw g;
      }
      done += g;
      // a short read is the end of the file: what later messages returned lies beyond it
      if (g < ps[i].end - ps[i].at) return done;
    }
  }
  return done;
}

/** Writes all of `buf` at `offset` (fewer if the server writes short). @returns bytes written. */
export function* p9WriteFull(
  c: RkP9Client,
  f: RkP9Fid,
  buf: Uint8Array,
  offset: number,
): RkP9Op<number> {
  // One message (SQLite's page and journal writes): one Twrite, without the batch's part lists.
  if (buf.length <= c.ioSize(f)) return buf.length ? yield* p9wait(c.write(f, offset, buf)) : 0;
  let done = 0;
  while (done < buf.length) {
    const ps = parts(c, f, buf.length, done);
    const put = yield* p9wait(
      c.writeMany(
        f,
        ps.map((p) => ({ offset: offset + p.at, data: buf.subarray(p.at, p.end) })),
      ),
    );
    for (let i = 0; i < ps.length; i++) {
      const w = put[i];
      if (w instanceof Error) {
        if (done > 0) return done;
        throw w;
      }
      done += w;
      if (w < ps[i].end - ps[i].at) return done;
    }
  }
  return done;
}
