// The rknetdev conformance kit: one call registers behavioural tests any netdev provider runs against
// itself (`describeRkNetdev('virtio-net', make)`). The subject brings a host-side peer on its wire.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkNetbuf, RkNetdev } from './api';
import { RK_NETDEV_STATUS_SUCCESS } from './api';
import { netbufRead, netbufWrite, type RkNetbufPool } from './netbuf';

export interface RkNetdevKitSubject {
  /** A registered, unconfigured device. */
  readonly dev: RkNetdev;
  /** Buffers in the device's guest RAM, headroom >= info().txHeadroom. */
  readonly pool: RkNetbufPool;
  /** The other end of the wire, on the host. */
  readonly peer: {
    send(frame: Uint8Array): void;
    /** Frames the device transmitted so far (drained by the call). */
    take(): Uint8Array[];
  };
  /** Lets an asynchronous device make progress (run the machine / host I/O); default: nothing. */
  pump?(): Promise<void>;
  close?(): void | Promise<void>;
}

function frame(len: number, seed: number): Uint8Array {
  const f = new Uint8Array(len);
  f.fill(0xff, 0, 6); // broadcast
  f.set([0x02, 0, 0, 0, 0, seed & 0xff], 6);
  f[12] = 0x88;
  f[13] = 0xb5; // IEEE local experimental ethertype
  for (let i = 14; i < len; i++) f[i] = (i * 7 + seed) & 0xff;
  return f;
}

async function bringUp(
  s: RkNetdevKitSubject,
  callback?: (d: RkNetdev, q: number) => void,
): Promise<void> {
  expect(s.dev.configure({ nbRxQueues: 1, nbTxQueues: 1 })).toBe(0);
  const allocRx = (n: number) => s.pool.allocBurst(n);
  expect(s.dev.rxqConfigure(0, 0, { allocRx, callback })).toBe(0);
  expect(s.dev.txqConfigure(0, 0)).toBe(0);
  expect(s.dev.start()).toBe(0);
  await s.pump?.();
}

function txFrame(s: RkNetdevKitSubject, f: Uint8Array): number {
  const nb = s.pool.alloc();
  if (!nb) throw new Error('kit: netbuf pool exhausted');
  expect(netbufWrite(s.dev.phys, nb, f)).toBe(true);
  return s.dev.txOne(0, nb);
}

async function rxAll(s: RkNetdevKitSubject, want: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  for (let tries = 0; tries < 200 && got.length < want; tries++) {
    for (;;) {
      const r = s.dev.rxOne(0);
      if (!r.pkt) break;
      got.push(netbufRead(s.dev.phys, r.pkt));
      r.pkt.free();
    }
    if (got.length < want) await s.pump?.();
  }
  return got;
}

/** Registers the kit's tests for the provider `name`; `make` builds a fresh subject per test. */
export function describeRkNetdev(
  name: string,
  make: () => RkNetdevKitSubject | Promise<RkNetdevKitSubject>,
): void {
  describe(`rknetdev conformance: ${name}`, () => {
    const withSubject = (fn: (s: RkNetdevKitSubject) => Promise<void>) => async () => {
      const s = await make();
      try {
        await fn(s);
      } finally {
        await s.close?.();
      }
    };

    it(
      'reports sane info, MAC and MTU',
      withSubject(async (s) => {
        const info = s.dev.info();
        expect(info.maxRxQueues).toBeGreaterThanOrEqual(1);
        expect(info.maxTxQueues).toBeGreaterThanOrEqual(1);
        expect(s.dev.mtu()).toBeGreaterThanOrEqual(576);
        expect(s.dev.hwaddr().length).toBe(6);
        expect(s.pool.headroom).toBeGreaterThanOrEqual(info.txHeadroom);
      }),
    );

    it(
      'enforces the configure → queue setup → start state machine',
      withSubject(async (s) => {
        expect(s.dev.start()).toBe(-Errno.EBUSY);
        expect(s.dev.configure({ nbRxQueues: 0, nbTxQueues: 1 })).toBe(-Errno.EINVAL);
        expect(s.dev.configure({ nbRxQueues: 1, nbTxQueues: 1e6 })).toBe(-Errno.EINVAL);
        expect(s.dev.txOne(0, s.pool.alloc()!)).toBe(-Errno.ENETDOWN);
        expect(s.dev.configure({ nbRxQueues: 1, nbTxQueues: 1 })).toBe(0);
        expect(s.dev.start()).toBe(-Errno.EBUSY);
        expect(s.dev.rxqConfigure(5, 0, { allocRx: () => [] })).toBe(-Errno.EINVAL);
        await bringUpQueuesOnly(s);
        expect(s.dev.start()).toBe(0);
        expect(s.dev.state).toBe('running');
        expect(s.dev.start()).toBe(-Errno.EALREADY);
        expect(s.dev.configure({ nbRxQueues: 1, nbTxQueues: 1 })).toBe(-Errno.EBUSY);
      }),
    );

    it(
      'transmits frames byte-exact and in order (64 B, 1514 B, burst of 16)',
      withSubject(async (s) => {
        await bringUp(s);
        const sent = [frame(64, 1), frame(s.dev.mtu() + 14, 2)];
        for (const f of sent) expect(txFrame(s, f) & RK_NETDEV_STATUS_SUCCESS).toBeTruthy();
        const burst: RkNetbuf[] = [];
        for (let i = 0; i < 16; i++) {
          const f = frame(60 + i * 10, 10 + i);
          sent.push(f);
          const nb = s.pool.alloc()!;
          netbufWrite(s.dev.phys, nb, f);
          burst.push(nb);
        }
        expect(s.dev.txBurst(0, burst)).toBe(16);
        let got: Uint8Array[] = [];
        for (let i = 0; i < 200 && got.length < sent.length; i++) {
          await s.pump?.();
          got = got.concat(s.peer.take());
        }
        expect(got).toEqual(sent);
        expect(s.dev.stats.txPackets).toBe(18);
      }),
    );

    it(
      'transmits a chained netbuf (header segment + payload segment) as one frame',
      withSubject(async (s) => {
        await bringUp(s);
        const f = frame(200, 9);
        const head = s.pool.alloc()!;
        const tail = s.pool.alloc()!;
        netbufWrite(s.dev.phys, head, f.subarray(0, 14));
        netbufWrite(s.dev.phys, tail, f.subarray(14));
        head.next = tail;
        expect(s.dev.txOne(0, head) & RK_NETDEV_STATUS_SUCCESS).toBeTruthy();
        let got: Uint8Array[] = [];
        for (let i = 0; i < 200 && got.length < 1; i++) {
          await s.pump?.();
          got = got.concat(s.peer.take());
        }
        expect(got).toEqual([f]);
      }),
    );

    it(
      'receives peer frames in polling mode, byte-exact, with statistics',
      withSubject(async (s) => {
        await bringUp(s);
        const frames = [frame(60, 3), frame(1514, 4), frame(100, 5)];
        for (const f of frames) s.peer.send(f);
        const got = await rxAll(s, 3);
        expect(got).toEqual(frames);
        expect(s.dev.stats.rxPackets).toBe(3);
        expect(s.dev.stats.rxBytes).toBe(60 + 1514 + 100);
        expect(s.dev.rxOne(0).pkt).toBeNull();
      }),
    );

    it(
      'runs the RX callback in interrupt mode and not after rxIntrDisable',
      withSubject(async (s) => {
        let calls = 0;
        await bringUp(s, () => {
          calls++;
        });
        expect(s.dev.rxIntrEnable(0)).toBe(0);
        s.peer.send(frame(60, 6));
        for (let i = 0; i < 200 && calls === 0; i++) await s.pump?.();
        expect(calls).toBeGreaterThan(0);
        expect((await rxAll(s, 1)).length).toBe(1);
        expect(s.dev.rxIntrDisable(0)).toBe(0);
        const before = calls;
        s.peer.send(frame(60, 7));
        expect((await rxAll(s, 1)).length).toBe(1);
        expect(calls).toBe(before);
      }),
    );

    it(
      'refuses transmission after stop with -ENETDOWN',
      withSubject(async (s) => {
        await bringUp(s);
        expect(s.dev.stop()).toBe(0);
        const nb = s.pool.alloc()!;
        expect(s.dev.txOne(0, nb)).toBe(-Errno.ENETDOWN);
        nb.free();
      }),
    );
  });
}

async function bringUpQueuesOnly(s: RkNetdevKitSubject): Promise<void> {
  expect(s.dev.rxqConfigure(0, 0, { allocRx: () => [] })).toBe(0);
  expect(s.dev.txqConfigure(0, 0)).toBe(0);
}
