// One 9P request in flight (Unikraft uk_9preq): its tag, buffers, reply and how far it has got.
import type { RkP9TransportReq } from './api';

/** A pair of message buffers of one size, reused across requests. */
export interface P9Slot {
  readonly tx: Uint8Array;
  readonly rx: Uint8Array;
  /** Made for one Tversion: freed after use instead of pooled. */
  readonly oneShot?: boolean;
}

export class P9Req implements RkP9TransportReq {
  /** The encoded T-message (a view of slot.tx). */
  tx: Uint8Array;
  /** The reply, once it arrived (a view of rx, or the transport's own copy). */
  reply: Uint8Array | null = null;
  /** Why the request failed without a reply (connection down, flushed). */
  error: Error | null = null;
  /** The transport still owns the buffers (its descriptor chain is out). */
  held = false;
  /** The caller has finished with the buffers. */
  finished = false;
  /** A Tflush for this request is on its way: its tag stays reserved until Rflush. */
  flushing = false;

  constructor(
    readonly tag: number,
    readonly slot: P9Slot,
  ) {
    this.tx = slot.tx;
  }

  get rx(): Uint8Array {
    return this.slot.rx;
  }

  get settled(): boolean {
    return this.reply !== null || this.error !== null;
  }
}
