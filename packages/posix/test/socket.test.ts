// rknet sockets as descriptors: a real stack on a looped-back device (frames it sends come back to
// it), so datagrams and TCP segments go through IP, ARP and the transports.
import { Errno } from '@runikraft/errno';
import {
  AF_INET,
  RkNetStack,
  type RkSocket,
  SOCK_DGRAM,
  SOCK_STREAM,
  tcpTransport,
} from '@runikraft/rknet';
import { RkNetdevRegistryImpl } from '@runikraft/rknetdev';
import { LoopbackNetdev } from '@runikraft/rknetdev/loopback';
import { describe, expect, it } from 'vitest';
import {
  EPOLL_CTL_ADD,
  EPOLLET,
  EPOLLIN,
  F_SETFL,
  O_NONBLOCK,
  POLLIN,
  type RkPollFd,
  S_IFSOCK,
} from '../src/index';
import { bytes, setup, text } from './helpers';

const IP = 0x0a000002;

function withNet() {
  let stack: RkNetStack | null = null;
  const s = setup({ net: () => stack });
  const phys = s.plat.memory.phys;
  const mac = Uint8Array.of(2, 0, 0, 0, 0, 2);
  const drv = new LoopbackNetdev(phys, { mac, ringSize: 128 });
  const { dev, handle } = new RkNetdevRegistryImpl().register('lo0', phys, drv);
  drv.attach(handle);
  let next = phys.base + phys.size / 2;
  stack = new RkNetStack({
    sched: s.sched,
    dev,
    phys,
    memalign: (align, n) => {
      next = Math.ceil(next / align) * align;
      const pa = next;
      next += n;
      return pa + n > phys.base + phys.size ? 0 : pa;
    },
    config: { addr: IP, prefixLen: 24, gateway: 0, dns: [] },
    rxBufs: 64,
    txBufs: 64,
    transports: [tcpTransport],
  });
  return { ...s, stack };
}

describe('sockets as descriptors', () => {
  it('UDP: write/read through fds, poll wakes on arrival, fstat says socket, O_NONBLOCK via fcntl', async () => {
    const { px, sched, stack, run } = withNet();
    await run(async () => {
      expect(stack.start()).toBe(0);
      const a = px.socket(AF_INET, SOCK_DGRAM);
      const b = px.socket(AF_INET, SOCK_DGRAM | O_NONBLOCK);
      expect(a).toBeGreaterThanOrEqual(0);
      const sa = px.socketOf(a) as RkSocket;
      const sb = px.socketOf(b) as RkSocket;
      expect(sb.nonBlocking).toBe(true);
      expect(sb.bind({ family: AF_INET, addr: IP, port: 9000 })).toBe(0);
      expect(await sa.connect({ family: AF_INET, addr: IP, port: 9000 })).toBe(0);
      expect(await px.read(b, new Uint8Array(10))).toBe(-Errno.EAGAIN);
      const fds: RkPollFd[] = [{ fd: b, events: POLLIN, revents: 0 }];
      const t = sched.spawn('send', async () => {
        await sched.sleep(1_000_000);
        expect(await px.write(a, bytes('datagram'))).toBe(8);
      });
      expect(await px.poll(fds, 1_000_000_000)).toBe(1);
      const buf = new Uint8Array(64);
      const n = await px.read(b, buf);
      expect(text(buf.subarray(0, n))).toBe('datagram');
      await sched.join(t);
      expect(((await px.fstat(a)) as { mode: number }).mode & 0o170000).toBe(S_IFSOCK);
      expect(await px.lseek(a, 0, 0)).toBe(-Errno.ESPIPE);
      expect(px.fcntl(a, F_SETFL, O_NONBLOCK)).toBe(0);
      expect(sa.nonBlocking).toBe(true);
      expect(px.socketOf(99)).toBe(-Errno.EBADF);
      expect(px.socketOf(px.eventfd(0))).toBe(-Errno.ENOTSOCK);
      expect(await px.close(a)).toBe(0);
      expect(await px.close(b)).toBe(0);
    });
  });

  it('TCP: accept through epoll (edge-triggered), echo, EOF after the peer closes', async () => {
    const { px, sched, stack, run } = withNet();
    await run(async () => {
      expect(stack.start()).toBe(0);
      const l = px.socket(AF_INET, SOCK_STREAM);
      const ls = px.socketOf(l) as RkSocket;
      expect(ls.bind({ family: AF_INET, addr: 0, port: 8080 })).toBe(0);
      expect(ls.listen(4)).toBe(0);
      const ep = px.epollCreate();
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, l, { events: EPOLLIN | EPOLLET, data: 'listen' })).toBe(
        0,
      );
      const client = sched.spawn('client', async () => {
        const c = px.socket(AF_INET, SOCK_STREAM);
        expect(
          await (px.socketOf(c) as RkSocket).connect({ family: AF_INET, addr: IP, port: 8080 }),
        ).toBe(0);
        expect(await px.write(c, bytes('hello'))).toBe(5);
        const b = new Uint8Array(16);
        const n = await px.read(c, b);
        expect(text(b.subarray(0, n))).toBe('HELLO');
        expect(await px.close(c)).toBe(0);
      });
      expect(await px.epollWait(ep, 4, 2_000_000_000)).toEqual([
        { events: EPOLLIN, data: 'listen' },
      ]);
      const conn = await ls.accept();
      expect(typeof conn).not.toBe('number');
      const fd = px.installSocket(conn as RkSocket, false);
      const b = new Uint8Array(16);
      const n = await px.read(fd, b);
      expect(text(b.subarray(0, n))).toBe('hello');
      expect(await px.write(fd, bytes(text(b.subarray(0, n)).toUpperCase()))).toBe(5);
      expect(await px.read(fd, b)).toBe(0); // the client closed
      await sched.join(client);
      await px.close(fd);
      await px.close(l);
    });
  });
});
