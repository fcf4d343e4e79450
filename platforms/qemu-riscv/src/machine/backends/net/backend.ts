// The host side of a NIC (QEMU's NetClientState peer): frames from the device go out through
// `send`; frames from the wire are offered to the device, queued (bounded) while it has no buffers.

/** The device end a backend delivers to. */
export interface NetPeer {
  /** Offers one frame to the device. @returns false if the device cannot take it now (no RX buffers). */
  receive(frame: Uint8Array): boolean;
  /** The host side went up or down (socket connected/closed, socat exited). */
  linkChanged?(up: boolean): void;
  /**
   * The backend waits on a host service for something the guest waits for (VirtioHost.hostWork):
   * on the virtual clock, time holds still until the returned release runs.
   */
  hostWork?(): () => void;
}

/** Frames kept while the device has no RX buffers (QEMU queues per net client too). */
export const NET_QUEUE_LIMIT = 1024;

export abstract class NetBackend {
  private peer: NetPeer | null = null;
  private readonly queue: Uint8Array[] = [];
  /** Frames dropped because the queue was full or no device was attached. */
  dropped = 0;
  /** Last host error (socket closed, I/O error), for the device's status and traces. */
  lastError: string | null = null;

  constructor(readonly id: string) {}

  /** Attaches the device end. */
  attach(peer: NetPeer | null): void {
    this.peer = peer;
    if (peer) this.flush();
  }

  /** Device → wire. Never throws; errors are recorded in `lastError`. */
  abstract send(frame: Uint8Array): void;

  /**
   * The device starts handing over a batch of frames (one drain of its TX queue; QEMU's TX bottom
   * half). A backend may hold host writes until {@link endSends} to coalesce them.
   */
  beginSends(): void {}

  /** The batch begun by {@link beginSends} ended. */
  endSends(): void {}

  /** Releases host resources. */
  abstract close(): void | Promise<void>;

  /** Records a host error (or recovery with null) and tells the device when the link flips. */
  protected setLink(error: string | null): void {
    const was = this.linkUp;
    this.lastError = error;
    if (was !== this.linkUp) this.peer?.linkChanged?.(this.linkUp);
  }

  /** True while the host side can carry frames. */
  get linkUp(): boolean {
    return this.lastError === null;
  }

  /**
   * Holds the machine's virtual clock while host work the guest waits for is in flight (a connect,
   * a DNS query): the guest then sees that latency as zero instead of its timers racing ahead. The
   * hold ends at the returned release, or after `boundMs` of host time at the latest, so a host
   * service that never answers cannot stop guest time. Idempotent release; a no-op without a device.
   */
  protected holdClock(boundMs: number): () => void {
    const release = this.peer?.hostWork?.();
    if (!release) return () => {};
    const t = setTimeout(release, boundMs);
    t.unref();
    return () => {
      clearTimeout(t);
      release();
    };
  }

  /** Wire → device, called by subclasses. */
  protected deliver(frame: Uint8Array): void {
    if (this.queue.length === 0 && this.peer?.receive(frame)) return;
    if (this.queue.length >= NET_QUEUE_LIMIT) {
      this.dropped++;
      return;
    }
    this.queue.push(frame);
  }

  /** The device posted RX buffers: retries queued frames (qemu_flush_queued_packets). */
  flush(): void {
    while (this.queue.length && this.peer?.receive(this.queue[0])) this.queue.shift();
  }

  get queued(): number {
    return this.queue.length;
  }
}
