// Sync-or-promise results: a request whose reply is there as soon as it is sent (the machine's
// virtio-9p device answers inside the notify) returns its value directly, so a caller that has no
// reason to wait does not pay for promises or, under JSPI, a suspension of the program. Only a
// request that really waits (no free slot, a device that answers later, a socket) returns a Promise.

/** A value now, or a Promise when the request had to wait. Errors now are thrown now. */
export type RkP9Result<T> = T | Promise<T>;

/**
 * A multi-step operation written as a generator: each step yields an RkP9Result (through p9wait)
 * and gets its value back; p9drive runs it synchronously while every step is ready.
 */
export type RkP9Op<T> = Generator<unknown, T, unknown>;

/** One step of an RkP9Op: `yield* p9wait(r)` is r's value (a rejected r throws there). */
export function* p9wait<T>(r: RkP9Result<T>): RkP9Op<T> {
  return r instanceof Promise ? ((yield r) as T) : r;
}

/**
 * Runs `op`: synchronously to its end while no step is a Promise (its value, or its exception
 * thrown), else a Promise that continues it after each wait.
 */
export function p9drive<T>(op: RkP9Op<T>): RkP9Result<T> {
  let s = op.next();
  while (!s.done) {
    const v = s.value;
    if (v instanceof Promise) return driveLater(op, v);
    s = op.next(v);
  }
  return s.value;
}

async function driveLater<T>(op: RkP9Op<T>, first: Promise<unknown>): Promise<T> {
  let step: unknown = first;
  for (;;) {
    let value: unknown;
    let failed = false;
    try {
      value = step instanceof Promise ? await step : step;
    } catch (e) {
      failed = true;
      value = e;
    }
    // a rejected step is thrown into the generator at its yield (its try/catch sees it)
    const s = failed ? op.throw(value) : op.next(value);
    if (s.done) return s.value;
    step = s.value;
  }
}

/** f(value of r): now when r is a value, after it when r is a Promise. */
export function p9then<T, U>(r: RkP9Result<T>, f: (v: T) => U): RkP9Result<U> {
  return r instanceof Promise ? r.then(f) : f(r);
}

/** Runs `call`, then `after` once its result settled either way (now or later); as try/finally. */
export function p9finally<T>(call: () => RkP9Result<T>, after: () => void): RkP9Result<T> {
  let r: RkP9Result<T>;
  try {
    r = call();
  } catch (e) {
    after();
    throw e;
  }
  if (r instanceof Promise) return r.finally(after);
  after();
  return r;
}
