// The rk9p API (Unikraft uk/9p.h, uk/9pdev.h, uk/9pdev_trans.h): 9P2000.L records and the transport
// contract that carries messages between a client and a server.

/** A server's unique identity of a file (qid[13]). `path` is carried exactly (a u64). */
export interface RkP9Qid {
  type: number;
  version: number;
  path: bigint;
}

/** Rgetattr: a file's attributes (fields outside `valid` are whatever the server sent). */
export interface RkP9Attr {
  valid: number;
  qid: RkP9Qid;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  btimeSec: number;
  btimeNsec: number;
  gen: number;
  dataVersion: number;
}

/** Tsetattr: the fields named by `valid` (P9_SETATTR_*) are applied; the others are sent as 0. */
export interface RkP9SetAttr {
  valid: number;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atimeSec?: number;
  atimeNsec?: number;
  mtimeSec?: number;
  mtimeNsec?: number;
}

/** Rstatfs. */
export interface RkP9Statfs {
  fsType: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  fsid: bigint;
  namelen: number;
}

/** One Rreaddir entry. `offset` is the server's opaque cookie for the next Treaddir. */
export interface RkP9Dirent {
  qid: RkP9Qid;
  offset: bigint;
  /** DT_* (4 dir, 8 regular, 10 symlink). */
  dtype: number;
  name: string;
}

/**
 * One request in flight, as a transport sees it: the T-message in `tx`, room for the reply in
 * `rx` (both from the transport's `allocBuffer`, so a virtio transport hands them to the device as is).
 */
export interface RkP9TransportReq {
  readonly tag: number;
  readonly tx: Uint8Array;
  readonly rx: Uint8Array;
}

/** What a transport calls back into the 9P device (interrupt context allowed: bounded work only). */
export interface RkP9TransportHandler {
  /**
   * A whole reply message arrived. `via` is the request whose reply buffer holds it (virtio), or
   * absent when the transport frames a byte stream (sockets) and the tag alone says whose it is.
   */
  reply(msg: Uint8Array, via?: RkP9TransportReq): void;
  /** The transport no longer touches `req`'s buffers (its descriptor chain came back). */
  release(req: RkP9TransportReq): void;
  /** The connection is gone (peer closed, device reset): every waiting request fails with EIO. */
  down(reason: string): void;
}

/** One connection to a 9P server (Unikraft uk_9pdev_trans_ops over one device). */
export interface RkP9Channel {
  /** Largest message the transport carries either way; Tversion proposes at most this. */
  readonly maxMsize: number;
  /** Message buffers: DMA-able guest memory for device transports. @returns null when out of memory. */
  allocBuffer(bytes: number): Uint8Array | null;
  freeBuffer(buf: Uint8Array): void;
  /**
   * Sends `req.tx`. The transport reports the reply through `reply` and the end of its use of the
   * buffers through `release`. @returns 0; -EBUSY when it has no room now (retry after `wait`);
   * -ENOTCONN once down; -EMSGSIZE for a message larger than it carries.
   */
  request(req: RkP9TransportReq): number;
  /** Parks the caller for one round: until the transport's next interrupt or event. */
  wait(): Promise<void>;
  /** Ends every `wait` in progress now (a request slot came free). May run in IRQ context. */
  wake(): void;
  /** Closes the connection; pending requests get `down`. */
  close(): void;
}

/** A way to reach 9P servers (Unikraft uk_9pdev_trans): "virtio" names devices by mount tag. */
export interface RkP9Transport {
  readonly name: string;
  /** Names the transport can connect to (mount tags for virtio). */
  devices(): readonly string[];
  /**
   * Connects to `device`. @returns the channel, or -ENODEV when no such device, -EBUSY when the
   * device already has a connection, -ENOMEM.
   */
  connect(device: string, handler: RkP9TransportHandler): RkP9Channel | number;
}

/** The transport registry (uk_9pdev_trans_register / _by_name / _get_default). */
export interface RkP9TransportRegistry {
  /** Adds `t`; the first one registered is the default. @throws RkError EEXIST for a duplicate name. */
  register(t: RkP9Transport): void;
  byName(name: string): RkP9Transport | undefined;
  default(): RkP9Transport | undefined;
  all(): readonly RkP9Transport[];
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rk9p: RkP9TransportRegistry;
  }
}
