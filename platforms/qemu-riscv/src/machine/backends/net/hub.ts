// An in-process Ethernet hub (QEMU `-netdev hubport,hubid=N`): a frame from one port goes to every
// other port. Seeded fault injection (loss, duplication, reordering, delay, corruption) for tests.
import { NetBackend } from './backend';

export interface HubFaults {
  readonly seed?: number;
  /** Probabilities in [0, 1]. */
  readonly loss?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  readonly corrupt?: number;
  /** Extra delivery delay in ms (host timer), applied to every frame when > 0. */
  readonly delayMs?: number;
}

/** mulberry32: a small seeded PRNG, so a failing fault pattern replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class NetHub {
  private readonly ports: HubPort[] = [];
  private rand: () => number;
  private held: { from: HubPort; frame: Uint8Array } | null = null;
  readonly stats = { forwarded: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 };

  constructor(
    readonly hubid = 0,
    private faults: HubFaults = {},
  ) {
    this.rand = prng(faults.seed ?? 1);
  }

  /** Replaces the fault settings (and reseeds). */
  setFaults(f: HubFaults): void {
    this.faults = f;
    this.rand = prng(f.seed ?? 1);
  }

  /** A new port (one NIC's backend). */
  port(id: string): HubPort {
    const p = new HubPort(id, this);
    this.ports.push(p);
    return p;
  }

  /** @internal */
  remove(p: HubPort): void {
    const i = this.ports.indexOf(p);
    if (i >= 0) this.ports.splice(i, 1);
  }

  /** @internal frame entering the hub from `from`. */
  forward(from: HubPort, frame: Uint8Array): void {
    const f = this.faults;
    if (f.loss && this.rand() < f.loss) {
      this.stats.lost++;
      return;
    }
    const data = frame.slice();
    if (f.corrupt && this.rand() < f.corrupt && data.length > 0) {
      data[Math.floor(this.rand() * data.length)] ^= 1 << Math.floor(this.rand() * 8);
      this.stats.corrupted++;
    }
    if (f.reorder && !this.held && this.rand() < f.reorder) {
      this.held = { from, frame: data };
      this.stats.reordered++;
      return;
    }
    const copies = f.duplicate && this.rand() < f.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let c = 0; c < copies; c++) this.emit(from, data);
    if (this.held) {
      const h = this.held;
      this.held = null;
      this.emit(h.from, h.frame);
    }
  }

  private emit(from: HubPort, frame: Uint8Array): void {
    const delay = this.faults.delayMs ?? 0;
    for (const p of this.ports) {
      if (p === from) continue;
      this.stats.forwarded++;
      if (delay > 0) setTimeout(() => p.fromHub(frame), delay);
      else p.fromHub(frame);
    }
  }
}

export class HubPort extends NetBackend {
  constructor(
    id: string,
    private readonly hub: NetHub,
  ) {
    super(id);
  }
  send(frame: Uint8Array): void {
    this.hub.forward(this, frame);
  }
  /** @internal */
  fromHub(frame: Uint8Array): void {
    this.deliver(frame);
  }
  close(): void {
    this.hub.remove(this);
  }
}

const hubs = new Map<number, NetHub>();

/** The process-wide hub `hubid` (created on first use), as QEMU's `-netdev hubport,hubid=N`. */
export function sharedHub(hubid: number): NetHub {
  let h = hubs.get(hubid);
  if (!h) hubs.set(hubid, (h = new NetHub(hubid)));
  return h;
}
