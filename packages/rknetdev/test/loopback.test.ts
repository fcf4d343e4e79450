// The loopback driver against the conformance kit (wire mode) and its own loop mode.
import { describe, expect, it } from 'vitest';
import { describeRkNetdev } from '../src/conformance';
import { LoopbackNetdev } from '../src/loopback';
import { netbufRead, netbufWrite, RkNetbufPool } from '../src/netbuf';
import { RkNetdevRegistryImpl } from '../src/registry';
import { testPhys } from './helpers';

describeRkNetdev('loopback', () => {
  const phys = testPhys(1 << 20);
  const drv = new LoopbackNetdev(phys, { mode: 'wire' });
  const { dev, handle } = new RkNetdevRegistryImpl().register('lo0', phys, drv);
  drv.attach(handle);
  const pool = new RkNetbufPool(phys, phys.base, 256, 2048, 64);
  return { dev, pool, peer: { send: (f) => drv.inject(f), take: () => drv.transmitted.splice(0) } };
});

describe('loopback (loop mode)', () => {
  it('returns transmitted frames as received ones and counts drops when the pool is dry', () => {
    const phys = testPhys(1 << 16);
    const drv = new LoopbackNetdev(phys);
    const reg = new RkNetdevRegistryImpl();
    const { dev, handle } = reg.register('lo0', phys, drv);
    drv.attach(handle);
    const pool = new RkNetbufPool(phys, phys.base, 4, 2048, 0);
    dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
    dev.rxqConfigure(0, 2, {
      allocRx: (n) => [pool.alloc(), pool.alloc()].slice(0, n).filter((b) => b !== null),
    });
    dev.txqConfigure(0, 0);
    expect(dev.start()).toBe(0);
    const nb = pool.alloc()!;
    netbufWrite(phys, nb, Uint8Array.of(1, 2, 3));
    expect(dev.txOne(0, nb)).toBe(1);
    const r = dev.rxOne(0);
    expect(netbufRead(phys, r.pkt!)).toEqual(Uint8Array.of(1, 2, 3));
    r.pkt!.free();
    expect(reg.count()).toBe(1);
    expect(reg.get(0)).toBe(dev);
  });

  it('rejects a pool outside guest RAM and a double free with precise errors', () => {
    const phys = testPhys(1 << 16);
    expect(() => new RkNetbufPool(phys, phys.base + 0x8000, 17, 2048, 0)).toThrow(
      /outside guest RAM/,
    );
    const pool = new RkNetbufPool(phys, phys.base, 2, 2048, 0);
    const b = pool.alloc()!;
    b.free();
    expect(() => b.free()).toThrow(/freed twice/);
  });
});

describe('RkNetbufPool.allocBurst', () => {
  it('hands out up to n distinct buffers, fewer when the pool runs dry', () => {
    const phys = testPhys();
    const pool = new RkNetbufPool(phys, phys.base, 3, 256, 16);
    const two = pool.allocBurst(2);
    expect(two).toHaveLength(2);
    expect(two[0]!.pa).not.toBe(two[1]!.pa);
    expect(pool.allocBurst(5)).toHaveLength(1);
    expect(pool.allocBurst(1)).toEqual([]);
  });
});
