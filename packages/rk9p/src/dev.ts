// The 9P device (Unikraft lib/uk9p/9pdev.c): one connection over a transport channel — version and
// msize negotiation, tag allocation, request slots, reply matching, Tflush, connection loss.
import { Errno, RkError } from '@runikraft/errno';
import type { RkP9Channel, RkP9Transport, RkP9TransportHandler, RkP9TransportReq } from './api';
import { P9Req, type P9Slot } from './req';
import type { RkP9Result } from './result';
import { P9Ids } from './tags';
import { P9_HDRSZ, P9_IOHDRSZ, P9_MIN_MSIZE, P9_NOTAG, P9_PROTO_2000L } from './wire/consts';
import { P9RemoteError, P9WireError } from './wire/error';
import type { P9RFor, P9Tmsg, P9Type } from './wire/msgs';
import { decodeR } from './wire/rmsg';
import { encodeT } from './wire/tmsg';

export interface RkP9DevOptions {
  /** msize to propose (capped by the transport's maximum); default 128 KiB as Linux's. */
  msize?: number;
  /** Requests in flight at once (each holds two msize buffers); default 8. */
  maxRequests?: number;
}

/** Counters of what the peer got wrong; a healthy session keeps them at 0. */
export interface RkP9DevStats {
  requests: number;
  /** Replies whose tag named no request in flight (dropped). */
  unknownTags: number;
  /** Replies that could not be decoded (the request failed with EBADMSG). */
  badReplies: number;
  /** The last protocol error, as a sentence. */
  lastError: string;
}

const VERSION_BUF = 512;

export class RkP9Dev implements RkP9TransportHandler {
  /** The negotiated msize (0 before Rversion). */
  msize = 0;
  readonly stats: RkP9DevStats = { requests: 0, unknownTags: 0, badReplies: 0, lastError: '' };
  private channel: RkP9Channel | null = null;
  private downReason = '';
  private readonly tags = new P9Ids(P9_NOTAG, P9_NOTAG);
  /**
   * Requests awaiting a reply (or their Rflush), by tag: tags are handed out lowest first, so the
   * array stays as short as the most requests ever in flight (no Map entry made and dropped per
   * request). Tversion's NOTAG has a slot of its own.
   */
  private readonly inflight: (P9Req | undefined)[] = [];
  private notagReq: P9Req | undefined;
  private readonly free: P9Slot[] = [];
  private slots = 0;
  private slotWaiters = 0;
  /** Requests in flight at once (slots). */
  readonly maxRequests: number;

  private constructor(opts: RkP9DevOptions) {
    this.maxRequests = Math.max(1, opts.maxRequests ?? 8);
  }

  /**
   * Connects to `device` over `transport` and negotiates 9P2000.L (Tversion).
   * @throws RkError ENODEV/EBUSY/ENOMEM from the transport; EPROTONOSUPPORT when the server does
   * not speak 9P2000.L; EPROTO for an msize above the proposal or below 4096; EBADMSG malformed.
   */
  static async connect(
    transport: RkP9Transport,
    device: string,
    opts: RkP9DevOptions = {},
  ): Promise<RkP9Dev> {
    const dev = new RkP9Dev(opts);
    const ch = transport.connect(device, dev);
    if (typeof ch === 'number')
      throw new RkError(ch, `9P: cannot connect to '${device}' over ${transport.name}`);
    dev.channel = ch;
    try {
      await dev.version(Math.min(opts.msize ?? 128 * 1024, ch.maxMsize));
    } catch (e) {
      dev.close();
      throw e;
    }
    return dev;
  }

  /** Largest count of one Tread/Twrite/Treaddir (msize − 24, as Linux and diod agree). */
  get maxIo(): number {
    return this.msize - P9_IOHDRSZ;
  }

  get connected(): boolean {
    return this.channel !== null && this.downReason === '';
  }

  private async version(proposed: number): Promise<void> {
    const r = await this.rpc({ type: 'version', msize: proposed, version: P9_PROTO_2000L });
    if (r.version !== P9_PROTO_2000L)
      throw new RkError(
        Errno.EPROTONOSUPPORT,
        `9P: the server speaks '${r.version}', not 9P2000.L`,
      );
    if (r.msize > proposed || r.msize < P9_MIN_MSIZE)
      throw new P9WireError(
        Errno.EPROTO,
        'Rversion',
        'msize',
        `${r.msize} is outside [4096, ${proposed}]`,
      );
    this.msize = r.msize;
    // slots made for the proposal are larger than needed; keep them
  }

  /**
   * Sends `m` and gets its reply: directly when the reply is there as soon as the request is sent
   * (a device that answers inside the notify), else a Promise that parks the caller until it comes.
   * `use` runs on the reply before its buffer is reused (Rread data is a view into it).
   * @returns use(reply), or the reply.
   * @throws P9RemoteError (the server's errno) for Rlerror; P9WireError for a malformed reply;
   * RkError EIO when the connection went down, EINTR when flushed, ENOTCONN after close (thrown now
   * on the direct path, a rejection on the waiting one).
   */
  rpc<T extends P9Type, U = P9RFor<T>>(
    m: Extract<P9Tmsg, { type: T }>,
    use?: (r: P9RFor<T>) => U,
  ): RkP9Result<U> {
    const req = this.start(m);
    if (req instanceof Promise || !req.settled) return this.rpcLater(req, m.type, use);
    try {
      return this.answer(req, m.type, use);
    } finally {
      req.finished = true;
      this.recycle(req);
    }
  }

  private async rpcLater<T extends P9Type, U>(
    started: P9Req | Promise<P9Req>,
    type: T,
    use?: (r: P9RFor<T>) => U,
  ): Promise<U> {
    const req = await started;
    try {
      while (!req.settled) await this.channel!.wait();
      return this.answer(req, type, use);
    } finally {
      req.finished = true;
      this.recycle(req);
    }
  }

  /**
   * Sends every message of `ms` at once and waits in one loop until all are answered: how one
   * thread keeps several requests in flight (a thread parks once at a time, so awaiting several
   * rpc() calls together would park it several times). At most `maxRequests` messages. Direct when
   * every reply is there once sent, as rpc.
   * @returns per message, use(reply) or the error it met (as rpc would throw it).
   * @throws RkError EINVAL for more than maxRequests messages.
   */
  rpcBatch<T extends P9Type, U>(
    ms: readonly Extract<P9Tmsg, { type: T }>[],
    use: (r: P9RFor<T>, i: number) => U,
  ): RkP9Result<(U | Error)[]> {
    if (ms.length > this.maxRequests)
      throw new RkError(
        Errno.EINVAL,
        `9P: a batch of ${ms.length} exceeds ${this.maxRequests} requests`,
      );
    const reqs: (P9Req | Error)[] = [];
    for (let i = 0; i < ms.length; i++) {
      let r: P9Req | Promise<P9Req> | Error;
      try {
        r = this.start(ms[i]);
      } catch (e) {
        r = e as Error;
      }
      if (r instanceof Promise) return this.batchLater(ms, use, reqs, r);
      reqs.push(r);
    }
    if (reqs.some(unsettled)) return this.batchLater(ms, use, reqs, null);
    try {
      return this.answers(ms, use, reqs);
    } finally {
      this.recycleAll(reqs);
    }
  }

  /** rpcBatch once a request had to wait: `reqs` were started, `pending` is starting. */
  private async batchLater<T extends P9Type, U>(
    ms: readonly Extract<P9Tmsg, { type: T }>[],
    use: (r: P9RFor<T>, i: number) => U,
    reqs: (P9Req | Error)[],
    pending: Promise<P9Req> | null,
  ): Promise<(U | Error)[]> {
    try {
      if (pending) reqs.push(await pending.catch((e: Error) => e));
      while (reqs.length < ms.length) {
        try {
          reqs.push(await this.start(ms[reqs.length]));
        } catch (e) {
          reqs.push(e as Error);
        }
      }
      while (reqs.some(unsettled)) await this.channel!.wait();
      return this.answers(ms, use, reqs);
    } finally {
      this.recycleAll(reqs);
    }
  }

  private answers<T extends P9Type, U>(
    ms: readonly Extract<P9Tmsg, { type: T }>[],
    use: (r: P9RFor<T>, i: number) => U,
    reqs: (P9Req | Error)[],
  ): (U | Error)[] {
    return reqs.map((r, i) => {
      if (!(r instanceof P9Req)) return r;
      try {
        return this.answer(r, ms[i].type, (x: P9RFor<T>) => use(x, i));
      } catch (e) {
        return e as Error;
      }
    });
  }

  private recycleAll(reqs: (P9Req | Error)[]): void {
    for (const r of reqs)
      if (r instanceof P9Req) {
        r.finished = true;
        this.recycle(r);
      }
  }

  /** Decodes a settled request's reply. @throws as rpc. */
  private answer<T extends P9Type, U>(req: P9Req, type: T, use?: (r: P9RFor<T>) => U): U {
    if (req.error) throw req.error;
    let r: { type: string; ecode?: number };
    try {
      r = decodeR(req.reply!, type);
    } catch (e) {
      this.stats.badReplies++;
      this.stats.lastError = (e as Error).message;
      throw e;
    }
    if (r.type === 'lerror') throw new P9RemoteError(r.ecode!, `T${type}`);
    return use ? use(r as P9RFor<T>) : (r as U);
  }

  /**
   * Allocates a slot and a tag, encodes and hands the request to the transport: directly when a
   * slot is free and the transport takes it, else a Promise that waits for either.
   */
  private start(m: P9Tmsg): P9Req | Promise<P9Req> {
    if (!this.channel) throw new RkError(Errno.ENOTCONN, '9P: the connection is closed');
    const slot = m.type === 'version' ? this.versionSlot() : this.slotNow();
    return slot ? this.send(m, slot) : this.startLater(m);
  }

  private async startLater(m: P9Tmsg): Promise<P9Req> {
    return this.send(m, await this.slot());
  }

  private send(m: P9Tmsg, slot: P9Slot): P9Req | Promise<P9Req> {
    const tag = m.type === 'version' ? P9_NOTAG : this.tags.alloc();
    const req = new P9Req(tag, slot);
    try {
      req.tx = encodeT(slot.tx, tag, m);
    } catch (e) {
      req.finished = true;
      this.tags.release(tag);
      this.recycle(req);
      throw e;
    }
    if (tag === P9_NOTAG) this.notagReq = req;
    else this.inflight[tag] = req;
    this.stats.requests++;
    return this.submit(req, m.type) ? req : this.submitLater(req, m.type);
  }

  /** Hands `req` to the transport. @returns false when it has no room now (-EBUSY: wait, retry). */
  private submit(req: P9Req, type: string): boolean {
    if (this.downReason) {
      req.error = this.downError();
      return true;
    }
    req.held = true;
    const rc = this.channel!.request(req);
    if (rc === 0) return true;
    req.held = false;
    if (rc === -Errno.EBUSY) return false;
    req.error = new RkError(rc, `9P: the transport refused T${type}`);
    this.retire(req);
    return true;
  }

  private async submitLater(req: P9Req, type: string): Promise<P9Req> {
    do await this.channel!.wait();
    while (!this.submit(req, type));
    return req;
  }

  private versionSlot(): P9Slot {
    const ch = this.channel!;
    const tx = ch.allocBuffer(VERSION_BUF);
    const rx = tx && ch.allocBuffer(VERSION_BUF);
    if (!tx || !rx) throw new RkError(Errno.ENOMEM, '9P: no memory for the Tversion buffers');
    return { tx, rx, oneShot: true };
  }

  /**
   * A free slot, allocating up to maxRequests. @returns null when all are in use (wait for one).
   * @throws RkError EIO when the connection is down, ENOMEM when not even one slot can be made.
   */
  private slotNow(): P9Slot | null {
    const s = this.free.pop();
    if (s) return s;
    if (this.downReason) throw this.downError();
    if (this.slots < this.maxRequests) {
      const ch = this.channel!;
      const tx = ch.allocBuffer(this.msize);
      const rx = tx && ch.allocBuffer(this.msize);
      if (tx && rx) {
        this.slots++;
        return { tx, rx };
      }
      if (tx) ch.freeBuffer(tx);
      if (this.slots === 0)
        throw new RkError(Errno.ENOMEM, `9P: no memory for two ${this.msize}-byte buffers`);
    }
    return null;
  }

  /** A free slot; parks while all are in use. */
  private async slot(): Promise<P9Slot> {
    for (;;) {
      const s = this.slotNow();
      if (s) return s;
      this.slotWaiters++;
      try {
        await this.channel!.wait();
      } finally {
        this.slotWaiters--;
      }
    }
  }

  /** Returns a request's slot once both the caller and the transport are done with it. */
  private recycle(req: P9Req): void {
    if (!req.finished || req.held) return;
    if (req.slot.oneShot) {
      this.channel?.freeBuffer(req.slot.tx);
      this.channel?.freeBuffer(req.slot.rx);
    } else {
      this.free.push(req.slot);
      if (this.slotWaiters > 0) this.channel?.wake();
    }
  }

  private downError(): RkError {
    return new RkError(Errno.EIO, `9P: connection down (${this.downReason})`);
  }

  /**
   * Cancels the request with `oldtag` (Tflush, 9P §flush): parks until Rflush. The old request
   * fails with EINTR unless its reply came first. @returns true if the old request was cancelled.
   */
  async flush(oldtag: number): Promise<boolean> {
    const old = this.inFlight(oldtag);
    if (!old || old.settled) return false;
    old.flushing = true;
    await this.rpc({ type: 'flush', oldtag });
    old.flushing = false;
    if (old.settled) return false;
    old.error = new RkError(Errno.EINTR, `9P: request tag ${oldtag} flushed`);
    this.retire(old);
    this.channel?.wake(); // its caller is parked in wait() and no reply will come to end it
    return true;
  }

  /** Tags of requests awaiting replies (for flush). */
  pendingTags(): number[] {
    return this.allInFlight()
      .filter((r) => !r.settled)
      .map((r) => r.tag);
  }

  /** The request in flight with `tag`, if any. */
  private inFlight(tag: number): P9Req | undefined {
    return tag === P9_NOTAG ? this.notagReq : this.inflight[tag];
  }

  private allInFlight(): P9Req[] {
    const all = this.inflight.filter((r) => r !== undefined);
    if (this.notagReq) all.push(this.notagReq);
    return all;
  }

  private retire(req: P9Req): void {
    if (req.tag === P9_NOTAG) {
      if (this.notagReq === req) this.notagReq = undefined;
      return;
    }
    if (this.inflight[req.tag] === req) this.inflight[req.tag] = undefined;
    this.tags.release(req.tag);
  }

  /** Transport: a reply arrived. Matched by tag; a buffer holding another request's tag is refused. */
  reply(msg: Uint8Array, via?: RkP9TransportReq): void {
    const viaReq = via ? this.inFlight(via.tag) : undefined;
    if (msg.length < P9_HDRSZ) {
      this.protocolError(`a ${msg.length}-byte reply is shorter than the header`, viaReq);
      return;
    }
    const tag = msg[5] | (msg[6] << 8);
    const req = this.inFlight(tag);
    if (via && (!req || req !== viaReq)) {
      this.protocolError(`reply tagged ${tag} arrived in the buffer of tag ${via.tag}`, viaReq);
      return;
    }
    if (!req || req.settled) {
      this.stats.unknownTags++;
      this.stats.lastError = `reply with tag ${tag} matches no request in flight (dropped)`;
      return;
    }
    req.reply = msg;
    this.retire(req);
  }

  private protocolError(what: string, req: P9Req | undefined): void {
    this.stats.badReplies++;
    this.stats.lastError = what;
    if (req && !req.settled) {
      req.error = new P9WireError(Errno.EBADMSG, 'reply', '', what);
      this.retire(req);
    }
  }

  /** Transport: the buffers of `req` are free again. */
  release(req: RkP9TransportReq): void {
    const r = req as P9Req;
    r.held = false;
    this.recycle(r);
  }

  /** Transport: the connection is gone; everything waiting fails with EIO. */
  down(reason: string): void {
    this.downReason ||= reason || 'closed';
    for (const req of this.allInFlight()) {
      req.held = false;
      if (!req.settled) req.error = this.downError();
    }
    this.inflight.length = 0;
    this.notagReq = undefined;
  }

  /** Closes the channel; requests still waiting fail with EIO. */
  close(): void {
    const ch = this.channel;
    if (!ch) return;
    this.down('closed by the client');
    this.channel = null;
    ch.close();
  }
}

function unsettled(r: P9Req | Error): boolean {
  return r instanceof P9Req && !r.settled;
}
