// posix-demo: the POSIX layer's pieces together in a booted image. Producer pthreads write
// fixed-size records into one pipe (each at most PIPE_BUF, so never torn); a consumer thread waits
// on the pipe and an eventfd with epoll, checks every record, and counts under a mutex that a
// condition variable watches; poll with a timeout shows the virtual clock; the summary goes to the
// console through descriptor 1 and to a file on ramfs. Exit status 0 = every check passed.
import {
  EPOLL_CTL_ADD,
  EPOLLIN,
  O_CREAT,
  O_RDONLY,
  O_WRONLY,
  POLLIN,
  type RkPollFd,
  type RkPosix,
  type RkPthread,
  type RkPthreadCond,
  type RkPthreadMutex,
} from '@runikraft/posix';
import type { RkMainArgs } from '@runikraft/rkboot';

const PRODUCERS = 4;
const RECORDS = 50;
const RECORD = 512;

const enc = (s: string) => new TextEncoder().encode(s);

/** A record: producer id, sequence number, then a byte pattern both determine. */
function record(p: number, seq: number): Uint8Array {
  const b = new Uint8Array(RECORD);
  b[0] = p;
  b[1] = seq;
  for (let i = 2; i < RECORD; i++) b[i] = (p * 31 + seq * 7 + i) & 0xff;
  return b;
}

export default async function main({ argv, registry }: RkMainArgs): Promise<number> {
  const px = await registry.get('posix').createProcess({ argv, env: ['DEMO=posix'] });
  const say = (s: string) => px.write(1, enc(`posix-demo: ${s}\n`));
  const fails: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) fails.push(what);
  };
  await say(
    `pid ${px.getpid()} on ${px.uname().sysname} ${px.uname().machine}, DEMO=${px.getenv('DEMO')}`,
  );

  const fds = px.pipe();
  const done = px.eventfd(0);
  const m = px.mutex() as RkPthreadMutex;
  const cv = px.cond() as RkPthreadCond;
  if (typeof fds === 'number' || done < 0) return 1;
  const [r, w] = fds;
  let consumed = 0;

  const producers = Array.from({ length: PRODUCERS }, (_, p) =>
    px.pthreadCreate(async () => {
      for (let seq = 0; seq < RECORDS; seq++) {
        const n = await px.write(w, record(p, seq));
        if (n !== RECORD) return n;
        if (seq % 7 === 0) await px.sched.yield();
      }
      return 0;
    }),
  ) as RkPthread[];
  const consumer = px.pthreadCreate(() => consume(px, r, done, m, cv, () => consumed++, check));

  // The main thread waits on the condition variable until the consumer has counted everything.
  await m.lock();
  while (consumed < PRODUCERS * RECORDS) await cv.wait(m);
  m.unlock();
  for (const t of producers) {
    const out = { value: undefined as unknown };
    await px.threads.join(t, out);
    check(out.value === 0, `producer returned ${String(out.value)}`);
  }
  const u64 = new Uint8Array(8);
  new DataView(u64.buffer).setBigUint64(0, 1n, true);
  await px.write(done, u64); // tells the consumer to stop
  const cout = { value: undefined as unknown };
  await px.threads.join(consumer as RkPthread, cout);
  await say(
    `${PRODUCERS} producers x ${RECORDS} records of ${RECORD} bytes through a pipe: ${consumed} whole, in order per producer`,
  );

  // poll with a timeout on an empty pipe: returns 0 after exactly the timeout on the virtual clock.
  const t0 = px.clockGettime(1) as { sec: number; nsec: number };
  const want: RkPollFd[] = [{ fd: r, events: POLLIN, revents: 0 }];
  const pr = await px.poll(want, 25_000_000);
  const t1 = px.clockGettime(1) as { sec: number; nsec: number };
  const waited = (t1.sec - t0.sec) * 1e9 + (t1.nsec - t0.nsec);
  check(pr === 0 && waited >= 25_000_000, `poll timeout: ${pr} after ${waited} ns`);
  await say(`poll on an empty pipe timed out after ${(waited / 1e6).toFixed(3)} ms`);

  await px.close(w);
  const eof = await px.read(r, new Uint8Array(1));
  check(eof === 0, `read after the last writer closed gave ${eof}`);

  // The summary also goes to a file through the same table, and is read back.
  const f = await px.open('/summary.txt', O_CREAT | O_WRONLY, 0o644);
  await px.write(f, enc(`consumed=${consumed} fails=${fails.length}\n`));
  await px.close(f);
  const g = await px.open('/summary.txt', O_RDONLY);
  const buf = new Uint8Array(64);
  const n = await px.read(g, buf);
  await say(`/summary.txt: ${new TextDecoder().decode(buf.subarray(0, n)).trim()}`);
  for (const e of fails) await say(`FAILED: ${e}`);
  await say(fails.length === 0 ? 'all checks passed' : `${fails.length} checks failed`);
  await px.exit();
  return fails.length === 0 ? 0 : 1;
}

/** The consumer: epoll on the pipe (records) and the eventfd (stop). @returns 0. */
async function consume(
  px: RkPosix,
  r: number,
  done: number,
  m: RkPthreadMutex,
  cv: RkPthreadCond,
  count: () => void,
  check: (ok: boolean, what: string) => void,
): Promise<number> {
  const ep = px.epollCreate();
  px.epollCtl(ep, EPOLL_CTL_ADD, r, { events: EPOLLIN, data: 'pipe' });
  px.epollCtl(ep, EPOLL_CTL_ADD, done, { events: EPOLLIN, data: 'done' });
  const next = new Array<number>(PRODUCERS).fill(0);
  const buf = new Uint8Array(RECORD);
  for (;;) {
    const evs = await px.epollWait(ep, 4, -1);
    if (typeof evs === 'number') return evs;
    if (evs.some((e) => e.data === 'pipe')) {
      // Reads of exactly one record: a record is written atomically, so it is never split.
      const n = await px.read(r, buf);
      const p = buf[0]!;
      check(n === RECORD, `short record: ${n}`);
      check(p < PRODUCERS && buf[1] === next[p], `record out of order: ${p}/${buf[1]}`);
      const want = record(p, buf[1]!);
      check(
        buf.every((b, i) => b === want[i]),
        `torn record from producer ${p}`,
      );
      next[p] = (next[p] ?? 0) + 1;
      await m.lock();
      count();
      cv.signal();
      m.unlock();
    } else if (evs.some((e) => e.data === 'done')) {
      await px.close(ep);
      return 0;
    }
  }
}
