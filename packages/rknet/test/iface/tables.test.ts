import { describe, expect, it } from 'vitest';
import { parseNetdevIp } from '../../src/config';
import { RkArpCache } from '../../src/iface/arp-cache';
import { inSubnet, prefixMask, RkRouteTable } from '../../src/iface/routes';

describe('RkRouteTable', () => {
  it('picks the longest prefix, falls back to the default gateway, and has no route otherwise', () => {
    const t = new RkRouteTable();
    t.add({ dest: 0x0a000200, prefixLen: 24, gateway: 0 });
    t.add({ dest: 0x0a000000, prefixLen: 8, gateway: 0x0a000201 });
    expect(t.nextHop(0x0a000263)).toBe(0x0a000263);
    expect(t.nextHop(0x0a050505)).toBe(0x0a000201);
    expect(t.nextHop(0x08080808)).toBeNull();
    t.setDefault(0x0a000202);
    expect(t.nextHop(0x08080808)).toBe(0x0a000202);
    expect(() => t.add({ dest: 0, prefixLen: 33, gateway: 0 })).toThrow(/prefix length 33/);
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(inSubnet(0xc0a80101, 0xc0a80000, 16)).toBe(true);
  });
});

describe('RkArpCache', () => {
  it('expires entries, bounds the pending queue, and hands back held items when resolved', () => {
    const dropped: number[] = [];
    const c = new RkArpCache<number>((x, why) => dropped.push(why === 'overflow' ? x : -x), {
      reachableMs: 100,
      retryMs: 10,
      retries: 2,
      queuePerEntry: 2,
      maxEntries: 2,
    });
    expect(c.hold(1, 10, 0)).toBe(true);
    expect(c.hold(1, 11, 0)).toBe(false);
    expect(c.hold(1, 12, 0)).toBe(false);
    expect(dropped).toEqual([10]);
    expect(c.learn(1, 0xaa, 5)).toEqual([11, 12]);
    expect(c.lookup(1, 104)).toBe(0xaa);
    expect(c.lookup(1, 105)).toBeUndefined();
    c.learn(2, 0xbb, 0);
    c.learn(3, 0xcc, 1);
    c.learn(4, 0xdd, 2);
    expect(c.size.resolved).toBe(2);
    expect(c.lookup(2, 3)).toBeUndefined();
    c.hold(9, 90, 0);
    expect(c.poll(10)).toEqual({ retry: [9], failed: [] });
    expect(c.poll(20)).toEqual({ retry: [], failed: [9] });
    expect(dropped).toEqual([10, -90]);
  });
});

describe('parseNetdevIp (netdev.ip=)', () => {
  it("reads Unikraft's cidr:gw:dns0:dns1:hostname:domain form", () => {
    expect(parseNetdevIp('10.0.2.15/24:10.0.2.2:10.0.2.3')).toEqual({
      addr: 0x0a00020f,
      prefixLen: 24,
      gateway: 0x0a000202,
      dns: [0x0a000203],
      hostname: '',
      domain: '',
    });
    expect(parseNetdevIp('192.168.1.9/255.255.0.0::::box:lan')).toMatchObject({
      prefixLen: 16,
      gateway: 0,
      dns: [],
      hostname: 'box',
      domain: 'lan',
    });
    expect(parseNetdevIp('')).toBeNull();
  });

  it('names the part that is wrong', () => {
    expect(parseNetdevIp('10.0.2/24')).toMatch(/'10.0.2' is not an IPv4 address/);
    expect(parseNetdevIp('10.0.2.15/33')).toMatch(/prefix '33'/);
    expect(parseNetdevIp('10.0.2.15/255.0.255.0')).toMatch(/prefix/);
    expect(parseNetdevIp('10.0.2.15/24:gw')).toMatch(/gateway 'gw'/);
    expect(parseNetdevIp('10.0.2.15/24:10.0.2.2:1.2.3.4:x')).toMatch(/dns1 'x'/);
  });
});
