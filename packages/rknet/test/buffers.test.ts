import { Errno } from '@runikraft/errno';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { RkSocketMemory } from '../src/buffers';
import type { RkSocket } from '../src/socket/api';
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM } from '../src/socket/consts';
import { createTcpTransport } from '../src/socket/tcp/index';
import type { RkTcp } from '../src/socket/tcp/stack';
import { RkNetStack } from '../src/stack';
import { GUEST_IP, wireDevice } from './peer';

const LO = 0x7f000001;

/** A stack whose netbufs and socket buffers share one small tlsf heap of `heap` bytes. */
function setup(heap: number, limit?: number) {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 8 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const phys = plat.memory.phys;
  const alloc = createTlsfAlloc(phys, phys.base + (4 << 20), heap, { harden: false });
  const { dev } = wireDevice(phys);
  let tcp: RkTcp | null = null;
  const stack = new RkNetStack({
    sched,
    dev,
    phys,
    memalign: (a, n) => alloc.memalign(a, n),
    free: (pa) => alloc.free(pa),
    ...(limit !== undefined && { socketMemoryLimit: limit }),
    config: { addr: GUEST_IP, prefixLen: 24, gateway: 0, dns: [] },
    rxBufs: 32,
    txBufs: 64,
    transports: [
      (env, ip) => {
        const t = createTcpTransport(env, ip);
        tcp = t.tcp;
        return t;
      },
    ],
  });
  const mem = stack.socketMemory!;
  return { sched, stack, alloc, mem, tcp: tcp! as RkTcp };
}

const sock = (s: RkSocket | number): RkSocket => {
  if (typeof s === 'number') throw new Error(`socket: ${s}`);
  return s;
};

const pattern = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 255);

describe('RkSocketMemory', () => {
  it('hands out views of guest RAM, counts them, refuses past its limit and takes them back', () => {
    const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 1 << 20 });
    const phys = plat.memory.phys;
    const alloc = createTlsfAlloc(phys, phys.base + (512 << 10), 256 << 10, { harden: false });
    const start = alloc.availmem();
    const m = new RkSocketMemory(
      phys,
      (a, n) => alloc.memalign(a, n),
      (pa) => alloc.free(pa),
      10_000,
    );
    const a = m.alloc(4096)!;
    const b = m.alloc(4096)!;
    expect(a.buffer).toBe(phys.buffer);
    expect(m.alloc(4096)).toBeNull(); // 12 KiB > the 10,000-byte limit
    expect(m.stats).toMatchObject({ inUse: 2, bytes: 8192, peakBytes: 8192, failures: 1 });
    a.fill(0xaa);
    expect(phys.u8[a.byteOffset]).toBe(0xaa);
    m.free(a);
    m.free(b);
    expect(m.stats).toMatchObject({ inUse: 0, bytes: 0 });
    expect(alloc.availmem()).toBe(start);
    expect(() => m.free(new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('RkNetStack: socket buffers in guest RAM', () => {
  it('TCP and UDP buffers come from the heap and all return to it after the sockets close', async () => {
    const t = setup(2 << 20);
    t.stack.start();
    const start = t.alloc.availmem();
    const data = pattern(300_000, 5);
    const st = await t.sched.runMain(async () => {
      const l = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      l.bind({ family: 2, addr: 0, port: 8080 });
      l.listen(4);
      const server = t.sched.spawn('server', async () => {
        const s = sock(await l.accept());
        const got = new Uint8Array(data.length);
        let n = 0;
        for (let r = 1; r > 0 && n < got.length; n += Math.max(0, r))
          r = await s.recv(got.subarray(n));
        s.close();
        return n === data.length && got.every((x, i) => x === data[i]) ? 0 : 1;
      });
      const c = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      expect(await c.connect({ family: 2, addr: LO, port: 8080 })).toBe(0);
      expect(await c.send(data)).toBe(data.length);
      expect(t.mem.stats.inUse).toBeGreaterThan(0);
      expect(t.tcp.bufferBytes).toBe(t.mem.stats.bytes);
      const u = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      u.bind({ family: 2, addr: 0, port: 53 });
      await u.sendto(pattern(100, 1), 0, { family: 2, addr: LO, port: 53 });
      await t.sched.sleep(2e6);
      const withDatagram = t.mem.stats.bytes;
      expect(await u.recv(new Uint8Array(200))).toBe(100);
      expect(t.mem.stats.bytes).toBe(withDatagram - 100);
      expect(await t.sched.join(server)).toBe(0);
      c.close();
      l.close();
      u.close();
      await t.sched.sleep(500e6);
      return 0;
    });
    expect(st).toBe(0);
    expect(t.tcp.buffersInUse).toBe(0);
    expect(t.mem.stats).toMatchObject({ inUse: 0, bytes: 0, failures: 0 });
    expect(t.alloc.availmem()).toBe(start);
    t.stack.stop();
    expect(t.stack.txPool.available).toBe(t.stack.txPool.capacity);
  });

  it('a heap too small for the buffers gives backpressure and -ENOMEM, never a throw, and all comes back', async () => {
    // 32 RX + 64 TX netbufs take ~200 KiB; 96 KiB are left for sockets wanting 8 x 64 KiB.
    const t = setup(296 << 10);
    t.stack.start();
    const start = t.alloc.availmem();
    const rxStart = t.stack.rxPool.available;
    const N = 4;
    const SIZE = 400_000;
    const st = await t.sched.runMain(async () => {
      const l = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      l.bind({ family: 2, addr: 0, port: 9000 });
      l.listen(N);
      const clients: RkSocket[] = [];
      for (let i = 0; i < N; i++) {
        const c = sock(t.stack.socket(AF_INET, SOCK_STREAM));
        expect(await c.connect({ family: 2, addr: LO, port: 9000 })).toBe(0);
        clients.push(c);
      }
      const conns: RkSocket[] = [];
      for (let i = 0; i < N; i++) conns.push(sock(await l.accept()));
      // Nobody reads yet: non-blocking writers fill until memory runs out.
      const outcomes = new Set<number>();
      const sent = clients.map(() => 0);
      for (let round = 0; round < 200; round++) {
        for (let i = 0; i < N; i++) {
          clients[i]!.setNonBlocking(true);
          const r = await clients[i]!.send(pattern(SIZE, i).subarray(sent[i]!, sent[i]! + 16384));
          if (r > 0) sent[i]! += r;
          else outcomes.add(r);
        }
        await t.sched.sleep(1e6);
      }
      expect(t.mem.stats.failures).toBeGreaterThan(0);
      expect(t.mem.stats.bytes).toBeLessThanOrEqual(96 << 10);
      for (const r of outcomes) expect([-Errno.EAGAIN, -Errno.ENOMEM]).toContain(r);
      // Readers drain; blocking writers finish (retrying after -ENOMEM as an application would).
      const readers = conns.map((s, i) =>
        t.sched.spawn(`reader${i}`, async () => {
          const want = pattern(SIZE, i);
          const got = new Uint8Array(SIZE);
          let n = 0;
          while (n < SIZE) {
            const r = await s.recv(got.subarray(n));
            if (r <= 0) return 10;
            n += r;
          }
          s.close();
          return got.every((x, k) => x === want[k]) ? 0 : 11;
        }),
      );
      const writers = clients.map((c, i) =>
        t.sched.spawn(`writer${i}`, async () => {
          c.setNonBlocking(false);
          const data = pattern(SIZE, i);
          while (sent[i]! < SIZE) {
            const r = await c.send(data.subarray(sent[i]!));
            if (r === -Errno.ENOMEM) await t.sched.sleep(5e6);
            else if (r < 0) return 20;
            else sent[i]! += r;
          }
          c.close();
          return 0;
        }),
      );
      for (const th of [...readers, ...writers]) expect(await t.sched.join(th)).toBe(0);
      l.close();
      await t.sched.sleep(500e6);
      return 0;
    });
    expect(st).toBe(0);
    expect(t.tcp.buffersInUse).toBe(0);
    expect(t.mem.stats).toMatchObject({ inUse: 0, bytes: 0 });
    expect(t.alloc.availmem()).toBe(start);
    expect(t.stack.rxPool.available).toBe(rxStart);
    expect(t.stack.txPool.available).toBe(t.stack.txPool.capacity);
    t.stack.stop();
  });

  it('socketMemoryLimit caps socket buffers below what the allocator could give', async () => {
    const t = setup(2 << 20, 20_000);
    t.stack.start();
    const st = await t.sched.runMain(async () => {
      const l = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      l.bind({ family: 2, addr: 0, port: 9001 });
      l.listen(1);
      const c = sock(t.stack.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
      await c.connect({ family: 2, addr: LO, port: 9001 });
      await t.sched.sleep(2e6);
      const s = sock(await l.accept());
      let total = 0;
      for (let i = 0; i < 50; i++) {
        const r = await c.send(pattern(8192, i));
        if (r > 0) total += r;
        await t.sched.sleep(1e6);
      }
      expect(t.mem.stats.peakBytes).toBeLessThanOrEqual(20_000);
      expect(t.mem.stats.failures).toBeGreaterThan(0);
      expect(total).toBeGreaterThan(0);
      c.close();
      s.close();
      l.close();
      await t.sched.sleep(500e6);
      return 0;
    });
    expect(st).toBe(0);
    expect(t.mem.stats.bytes).toBe(0);
    t.stack.stop();
  });
});
