// Device models (REFERENCE §6–9): features and config as measured, request semantics, used.len, and
// NEEDS_RESET on driver bugs. Plus fuzzing each model with random descriptor tables.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import {
  VIRTQ_DESC_F_NEXT as NEXT,
  VIRTQ_DESC_F_WRITE as WR,
} from '../../src/machine/virtio/queue';
import { BUFS, bringUp, QSIZE } from './device-harness';

const feat32 = (f: bigint) => Number(f & 0xffffffffn) >>> 0;

describe('offered features and config (REFERENCE §6–9)', () => {
  it('match the measured QEMU 7.2 values in legacy and modern mode', () => {
    const net = new VirtioNet(new NetHub().port('x'));
    const blk = new VirtioBlk(new MemoryBlockBackend('d', 16 << 20));
    const rng = new VirtioRng();
    expect(feat32(net.hostFeatures(true))).toBe(0x39bf8064);
    expect(net.hostFeatures(false)).toBe(0x0000010130bf8024n);
    expect(feat32(blk.hostFeatures(true))).toBe(0x31006ed4);
    expect(blk.hostFeatures(false)).toBe(0x0000010130006e54n);
    expect(feat32(rng.hostFeatures(true))).toBe(0x39000000);
    expect(rng.hostFeatures(false)).toBe(0x0000010130000000n);
  });

  it('net config: MAC, status LINK_UP, 0xffff past the end; MTU only with host_mtu', () => {
    const net = new VirtioNet(new NetHub().port('x'));
    expect([0, 1, 2, 3, 4, 5].map((i) => net.readConfig(i, 1))).toEqual([
      0x52, 0x54, 0, 0x12, 0x34, 0x56,
    ]);
    expect(net.readConfig(6, 2)).toBe(1);
    expect(net.readConfig(8, 2)).toBe(0xffff);
    expect(net.readConfig(10, 2)).toBe(0xffff);
    const mtu = new VirtioNet(new NetHub().port('y'), { hostMtu: 9000 });
    expect(mtu.readConfig(10, 2)).toBe(9000);
    expect(mtu.hostFeatures(false) & (1n << 3n)).toBe(1n << 3n);
  });

  it('blk config for a 16 MiB image matches the measured table; read-only adds VIRTIO_BLK_F_RO', () => {
    const blk = new VirtioBlk(new MemoryBlockBackend('d', 16 << 20));
    expect(blk.readConfig(0, 4)).toBe(32768);
    expect(blk.readConfig(4, 4)).toBe(0);
    expect(blk.readConfig(0x0c, 4)).toBe(254);
    expect([blk.readConfig(0x10, 2), blk.readConfig(0x12, 1), blk.readConfig(0x13, 1)]).toEqual([
      32, 16, 63,
    ]);
    expect(blk.readConfig(0x14, 4)).toBe(512);
    expect(blk.readConfig(0x20, 1)).toBe(1);
    expect(blk.readConfig(0x22, 2)).toBe(1);
    expect([blk.readConfig(0x24, 4), blk.readConfig(0x28, 4), blk.readConfig(0x2c, 4)]).toEqual([
      4194303, 1, 1,
    ]);
    expect([blk.readConfig(0x30, 4), blk.readConfig(0x34, 4), blk.readConfig(0x38, 1)]).toEqual([
      4194303, 1, 1,
    ]);
    expect(blk.readConfig(0x39, 1)).toBe(0xff);
    const ro = new VirtioBlk(new MemoryBlockBackend('r', 4096, true));
    expect(ro.hostFeatures(false) & (1n << 5n)).toBe(1n << 5n);
  });
});

function blkReq(
  ram: import('./guest-ram').GuardedRam,
  ring: import('./guest-ram').TestRing,
  head: number,
  type: number,
  sector: number,
  dataLen: number,
  dataWritable: boolean,
) {
  const hdr = BUFS + head * 0x2000;
  ram.view.setUint32(hdr - ram.base, type, true);
  ram.view.setUint32(hdr - ram.base + 8, sector, true);
  const data = hdr + 0x100;
  const status = hdr + 0x1f00;
  ring.put(head, { addr: hdr, len: 16, flags: NEXT, next: head + 1 });
  if (dataLen > 0) {
    ring.put(head + 1, {
      addr: data,
      len: dataLen,
      flags: NEXT | (dataWritable ? WR : 0),
      next: head + 2,
    });
    ring.put(head + 2, { addr: status, len: 1, flags: WR, next: 0 });
  } else ring.put(head + 1, { addr: status, len: 1, flags: WR, next: 0 });
  ram.u8[status - ram.base] = 0xee;
  ring.offer(head);
  return { data, status: () => ram.u8[status - ram.base] };
}

describe('virtio-blk requests (REFERENCE §8 measured table)', () => {
  it('OUT/IN/GET_ID/FLUSH/out-of-range/unsupported give the measured status and used.len', () => {
    const backend = new MemoryBlockBackend('d', 16 << 20);
    const blk = new VirtioBlk(backend);
    const { ram, rings, host } = bringUp(blk, { features: blk.hostFeatures(false) & ~(1n << 29n) }); // no EVENT_IDX
    const q = rings[0];
    const out = blkReq(ram, q, 0, 1, 0, 512, false);
    ram.u8.fill(0x5a, out.data - ram.base, out.data - ram.base + 512);
    blk.notify(0);
    expect([out.status(), q.usedElem(0).len]).toEqual([0, 1]);
    expect(backend.data[511]).toBe(0x5a);
    const inn = blkReq(ram, q, 3, 0, 0, 512, true);
    blk.notify(0);
    expect([inn.status(), q.usedElem(1).len, ram.u8[inn.data - ram.base + 100]]).toEqual([
      0, 513, 0x5a,
    ]);
    const id = blkReq(ram, q, 6, 8, 0, 20, true);
    blk.notify(0);
    expect([id.status(), q.usedElem(2).len]).toEqual([0, 21]);
    const fl = blkReq(ram, q, 9, 4, 0, 0, false);
    blk.notify(0);
    expect([fl.status(), q.usedElem(3).len]).toEqual([0, 1]);
    const oor = blkReq(ram, q, 11, 0, 32768, 512, true);
    blk.notify(0);
    expect([oor.status(), q.usedElem(4).len]).toEqual([1, 513]);
    const un = blkReq(ram, q, 0, 0x1234, 0, 512, true);
    blk.notify(0);
    expect([un.status(), q.usedElem(5).len]).toEqual([2, 513]);
    expect(host.interrupts).toBe(6);
    expect(host.resets).toEqual([]);
  });

  it('WRITE_ZEROES and DISCARD zero the range; more than one segment is IOERR', () => {
    const backend = new MemoryBlockBackend('d', 1 << 20);
    backend.data.fill(0x77);
    const blk = new VirtioBlk(backend);
    const { ram, rings } = bringUp(blk, { features: blk.hostFeatures(false) & ~(1n << 29n) });
    const seg = (sector: number, n: number) => {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setUint32(0, sector, true);
      v.setUint32(8, n, true);
      return b;
    };
    for (const [i, type, segs] of [
      [0, 13, [seg(2, 3)]],
      [3, 11, [seg(10, 1)]],
      [6, 13, [seg(0, 1), seg(5, 1)]],
    ] as const) {
      const r = blkReq(ram, rings[0], i, type, 0, 16 * segs.length, false);
      segs.forEach((s, k) => {
        ram.u8.set(s, r.data - ram.base + 16 * k);
      });
      blk.notify(0);
      expect(r.status()).toBe(i === 6 ? 1 : 0);
    }
    expect([
      backend.data[2 * 512 - 1],
      backend.data[2 * 512],
      backend.data[5 * 512 - 1],
      backend.data[5 * 512],
    ]).toEqual([0x77, 0, 0, 0x77]);
    expect([backend.data[10 * 512], backend.data[11 * 512]]).toEqual([0, 0x77]);
  });

  it('read-only and injected backend errors reach the guest as IOERR; the device keeps running', () => {
    const backend = new MemoryBlockBackend('d', 1 << 20, true);
    const blk = new VirtioBlk(backend);
    const { ram, rings, host } = bringUp(blk);
    const w = blkReq(ram, rings[0], 0, 1, 0, 512, false);
    blk.notify(0);
    expect(w.status()).toBe(1);
    backend.injectError({ op: 'read', times: 1 });
    const r = blkReq(ram, rings[0], 3, 0, 0, 512, true);
    blk.notify(0);
    expect(r.status()).toBe(1);
    const r2 = blkReq(ram, rings[0], 6, 0, 0, 512, true);
    blk.notify(0);
    expect(r2.status()).toBe(0);
    expect(host.traces.join('\n')).toMatch(/injected I\/O error on read/);
  });

  it('a read whose data buffer is device-readable is a driver bug → NEEDS_RESET, later requests ignored', () => {
    const blk = new VirtioBlk(new MemoryBlockBackend('d', 1 << 20));
    const { ram, rings, host } = bringUp(blk);
    const hdr = BUFS;
    rings[0].put(0, { addr: hdr, len: 16, flags: NEXT, next: 1 });
    rings[0].put(1, { addr: hdr + 0x100, len: 512, flags: WR | NEXT, next: 2 });
    rings[0].put(2, { addr: hdr + 0x400, len: 1, flags: NEXT, next: 3 }); // readable after writable
    rings[0].put(3, { addr: hdr + 0x500, len: 1, flags: WR, next: 0 });
    rings[0].offer(0);
    blk.notify(0);
    expect(host.resets[0]).toMatch(
      /^driver bug: device-readable descriptor 2 follows a device-writable one/,
    );
    expect(rings[0].usedIdx()).toBe(0);
    blkReq(ram, rings[0], 5, 0, 0, 512, true);
    blk.notify(0);
    expect(rings[0].usedIdx()).toBe(0);
    blk.reset();
    expect(blk.broken).toBeNull();
  });
});

describe('virtio-rng', () => {
  it('fills writable buffers; used.len = bytes filled (16 of 16 measured)', () => {
    const rng = new VirtioRng(counterRng());
    const { ram, rings, host } = bringUp(rng);
    rings[0].put(0, { addr: BUFS, len: 16, flags: WR, next: 0 });
    rings[0].offer(0);
    rng.notify(0);
    expect(rings[0].usedElem(0)).toEqual({ id: 0, len: 16 });
    expect([...ram.u8.subarray(BUFS - ram.base, BUFS - ram.base + 4)]).toEqual([0, 1, 2, 3]);
    expect(host.interrupts).toBe(1);
  });

  it('device-readable descriptors are ignored, not a driver bug (QEMU serves the writable part)', () => {
    const rng = new VirtioRng(counterRng());
    const { rings, host, ram } = bringUp(rng);
    rings[0].put(0, { addr: BUFS, len: 16, flags: 0, next: 0 });
    rings[0].offer(0);
    rng.notify(0);
    expect(host.resets).toEqual([]);
    expect(rings[0].usedIdx()).toBe(0); // no writable bytes anywhere: left available
    rings[0].put(1, { addr: BUFS + 0x100, len: 8, flags: NEXT, next: 2 });
    rings[0].put(2, { addr: BUFS + 0x200, len: 4, flags: WR, next: 0 });
    rings[0].offer(1);
    rng.notify(0);
    expect([rings[0].usedIdx(), rings[0].usedElem(0), rings[0].usedElem(1)]).toEqual([
      2,
      { id: 0, len: 0 },
      { id: 1, len: 4 },
    ]);
    expect([...ram.u8.subarray(BUFS + 0x200 - ram.base, BUFS + 0x204 - ram.base)]).toEqual([
      0, 1, 2, 3,
    ]);
  });
});

describe('virtio-net', () => {
  function netPair(legacy: boolean, mrg: boolean) {
    const hub = new NetHub();
    const peer = hub.port('peer');
    const got: Uint8Array[] = [];
    peer.attach({ receive: (f) => got.push(f) > 0 });
    const net = new VirtioNet(hub.port('dev'));
    let f = net.hostFeatures(legacy);
    if (!mrg) f &= ~(1n << 15n);
    return { peer, got, net, ...bringUp(net, { legacy, features: f }) };
  }

  for (const [legacy, mrg, hl] of [
    [false, false, 12],
    [true, false, 10],
    [true, true, 12],
  ] as const) {
    it(`TX strips and RX prepends a ${hl}-byte header (${legacy ? 'legacy' : 'modern'}${mrg ? ' + MRG_RXBUF' : ''})`, () => {
      const { net, ram, rings, got, peer, host } = netPair(legacy, mrg);
      expect(net.headerLen()).toBe(hl);
      const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
      ram.u8.set(frame, BUFS - ram.base + hl);
      rings[1].put(0, { addr: BUFS, len: hl + 60, flags: 0, next: 0 });
      rings[1].offer(0);
      net.notify(1);
      expect(got).toEqual([frame]);
      expect(rings[1].usedElem(0)).toEqual({ id: 0, len: 0 });
      rings[0].put(0, { addr: BUFS + 0x1000, len: 1526, flags: WR, next: 0 });
      rings[0].offer(0);
      net.notify(0);
      const reply = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
      peer.send(reply);
      expect(rings[0].usedElem(0)).toEqual({ id: 0, len: hl + 64 });
      const at = BUFS + 0x1000 - ram.base;
      expect(ram.u8.subarray(at + hl, at + hl + 64)).toEqual(reply);
      if (hl === 12) expect(ram.view.getUint16(at + 10, true)).toBe(mrg ? 1 : 0);
      expect(host.interrupts).toBe(2);
    });
  }

  it('queues RX frames while no buffers are posted and delivers on the RX notify', () => {
    const { net, ram, rings, peer } = netPair(false, false);
    peer.send(new Uint8Array(60).fill(7));
    expect(net.backend.queued).toBe(1);
    rings[0].put(0, { addr: BUFS, len: 1526, flags: WR, next: 0 });
    rings[0].offer(0);
    net.notify(0);
    expect(net.backend.queued).toBe(0);
    expect(rings[0].usedElem(0).len).toBe(72);
    expect(ram.u8[BUFS - ram.base + 12]).toBe(7);
  });

  it('MRG_RXBUF spreads a large frame over several buffers and sets num_buffers', () => {
    const { ram, rings, peer } = netPair(false, true);
    for (let i = 0; i < 3; i++) {
      rings[0].put(i, { addr: BUFS + i * 0x1000, len: 600, flags: WR, next: 0 });
      rings[0].offer(i);
    }
    peer.send(new Uint8Array(1500).fill(9));
    expect(rings[0].usedIdx()).toBe(3);
    expect([0, 1, 2].map((i) => rings[0].usedElem(i).len)).toEqual([600, 600, 312]);
    expect(ram.view.getUint16(BUFS - ram.base + 10, true)).toBe(3);
  });

  it('an RX chain without a writable buffer and a writable TX descriptor are driver bugs', () => {
    const a = netPair(false, false);
    a.rings[0].put(0, { addr: BUFS, len: 1526, flags: 0, next: 0 });
    a.rings[0].offer(0);
    a.peer.send(new Uint8Array(60));
    expect(a.host.resets[0]).toMatch(
      /driver bug: virtio-net: RX chain 0 contains no device-writable buffer/,
    );
    const b = netPair(false, false);
    b.rings[1].put(0, { addr: BUFS, len: 100, flags: WR, next: 0 });
    b.rings[1].offer(0);
    b.net.notify(1);
    expect(b.host.resets[0]).toMatch(/TX chain 0 has a device-writable descriptor/);
  });

  it('control queue: MAC ADDR_SET updates config and acks OK; unknown class acks ERR', () => {
    const { net, ram, rings } = netPair(false, false);
    const cmd = BUFS;
    ram.u8.set([1, 1, 2, 0, 0, 0, 0, 9], cmd - ram.base);
    rings[2].put(0, { addr: cmd, len: 8, flags: NEXT, next: 1 });
    rings[2].put(1, { addr: cmd + 0x100, len: 1, flags: WR, next: 0 });
    rings[2].offer(0);
    ram.u8.set([77, 0], cmd + 0x200 - ram.base);
    rings[2].put(2, { addr: cmd + 0x200, len: 2, flags: NEXT, next: 3 });
    rings[2].put(3, { addr: cmd + 0x300, len: 1, flags: WR, next: 0 });
    rings[2].offer(2);
    net.notify(2);
    expect([...net.mac]).toEqual([2, 0, 0, 0, 0, 9]);
    expect([ram.u8[cmd + 0x100 - ram.base], ram.u8[cmd + 0x300 - ram.base]]).toEqual([0, 1]);
  });
});

describe('device models under random descriptor tables (fuzz)', () => {
  const desc = fc.record({
    addr: fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: BUFS, max: BUFS + 0x20000 }),
      fc.integer({ min: 2 ** 32, max: 2 ** 52 }),
    ),
    len: fc.oneof(fc.integer({ min: 0, max: 2048 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    flags: fc.integer({ min: 0, max: 7 }),
    next: fc.integer({ min: 0, max: 0xffff }),
  });
  const scenario = fc.record({
    table: fc.array(desc, { minLength: QSIZE, maxLength: QSIZE }),
    heads: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 24 }),
    payload: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    legacy: fc.boolean(),
    queue: fc.integer({ min: 0, max: 2 }),
  });
  const makers = {
    'virtio-blk': () => new VirtioBlk(new MemoryBlockBackend('d', 1 << 20)),
    'virtio-rng': () => new VirtioRng(counterRng()),
    'virtio-net': () => new VirtioNet(new NetHub().port('x')),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: never throws, never writes outside RAM, faults only with "driver bug"`, () => {
      fc.assert(
        fc.property(scenario, ({ table, heads, payload, legacy, queue }) => {
          const dev = make();
          const { ram, rings, host } = bringUp(dev, { legacy });
          const qi = queue % dev.numQueues;
          ram.u8.set(payload, BUFS - ram.base);
          table.forEach((d, i) => {
            rings[qi].put(i, d);
          });
          for (const h of heads) rings[qi].offer(h);
          dev.notify(qi);
          if (dev instanceof VirtioNet) dev.receive(payload);
          expect(ram.guardsIntact()).toBe(true);
          for (const r of host.resets) expect(r).toMatch(/^driver bug: /);
        }),
        { numRuns: 700, seed: 11 },
      );
    });
  }
});

describe('virtio-net link status follows the backend', () => {
  it('a stream peer closing clears LINK_UP and raises a config interrupt; reconnecting sets it again', async () => {
    const { connect } = await import('node:net');
    const { StreamNetBackend } = await import('../../src/machine/backends/net/stream');
    const backend = new StreamNetBackend('n0', { type: 'inet', host: '127.0.0.1', port: 0 }, true);
    await backend.listening();
    const net = new VirtioNet(backend);
    const { host } = bringUp(net);
    const until = async (c: () => boolean) => {
      for (let i = 0; i < 1000 && !c(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    const peer = connect(backend.localPort, '127.0.0.1');
    await backend.ready;
    expect(net.readConfig(6, 2)).toBe(1);
    peer.destroy();
    await until(() => net.readConfig(6, 2) === 0);
    expect(net.readConfig(6, 2)).toBe(0);
    expect(host.configChanges).toBe(1);
    const again = connect(backend.localPort, '127.0.0.1');
    await until(() => net.readConfig(6, 2) === 1);
    expect(net.readConfig(6, 2)).toBe(1);
    expect(host.configChanges).toBe(2);
    again.destroy();
    await backend.close();
  });
});
