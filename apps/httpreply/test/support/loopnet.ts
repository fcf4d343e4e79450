// Two rknet TCP engines joined by a lossless in-memory link, driven by a network thread on an
// rksched scheduler over the simulated platform: the apps' socket loops run on real rknet TCP
// sockets without booting a machine. Server is 10.0.0.1, clients are 10.0.0.2.
import type { RkIpLayer, RkNetEnv } from '@runikraft/rknet';
import { RkTcp, RkTcpSocket } from '@runikraft/rknet';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';

export const SERVER = 0x0a000001;
export const CLIENT = 0x0a000002;

export function loopNet() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 4 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const netWq = sched.waitQueue();
  const queue: { dst: number; src: number; bytes: Uint8Array }[] = [];
  let stop = false;
  const env: RkNetEnv = {
    waitQueue: () => sched.waitQueue(),
    now: () => sched.now() / 1e6,
    kick: () => netWq.wakeAll(),
  };
  const hosts = new Map<number, RkTcp>();
  const ipFor = (addr: number): RkIpLayer => ({
    send: (_proto, src, dst, len, fill) => {
      const b = new Uint8Array(len);
      fill(b, src || addr);
      queue.push({ src: src || addr, dst, bytes: b });
      env.kick();
      return 0;
    },
    route: () => ({ src: addr, mtu: 1500 }),
    isLocal: (a) => a === addr,
  });
  for (const addr of [SERVER, CLIENT]) {
    const tcp = new RkTcp(ipFor(addr), { secret: [addr, addr * 7] });
    tcp.onPollNeeded = env.kick;
    hosts.set(addr, tcp);
  }
  const pump = (): number => {
    const now = env.now();
    while (queue.length > 0) {
      const p = queue.shift()!;
      hosts.get(p.dst)?.input(now, p.src, p.dst, p.bytes);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const h of hosts.values()) h.poll(now, h.ip);
    for (const h of hosts.values()) next = Math.min(next, h.pollAt(now));
    return queue.length > 0 ? now : next;
  };
  const startNet = () =>
    sched.spawn('net', async () => {
      while (!stop) {
        const next = pump();
        if (next === Number.POSITIVE_INFINITY) await netWq.wait();
        else await netWq.waitUntil(Math.max(next, env.now() + 0.001) * 1e6);
      }
      return 0;
    });
  return {
    sched,
    env,
    startNet,
    stopNet: () => {
      stop = true;
      env.kick();
    },
    socket: (host: number) => new RkTcpSocket(env, hosts.get(host)!, 0),
    spawn: (name: string, fn: () => Promise<number>) => {
      sched.spawn(name, fn, { detached: true });
    },
  };
}
