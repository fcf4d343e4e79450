// virtio-9p device model: features and config as QEMU 7.2 (REFERENCE §6, §9), request/reply
// chains, driver bugs (NEEDS_RESET), reset clunking the session, and random descriptor tables.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { P9Server } from '../../src/machine/backends/fs/server';
import { Virtio9p } from '../../src/machine/virtio/devices/p9';
import { rinfo, T } from '../fs/tmsg';
import { BUFS, bringUp, QSIZE } from './device-harness';

const share = mkdtempSync(join(tmpdir(), 'rk-v9p-'));
writeFileSync(join(share, 'f'), 'file data');
const make = () => new Virtio9p(new P9Server({ root: share }), 'share');
const W = 2;
const N = 1;

describe('virtio-9p device', () => {
  it('offers MOUNT_TAG plus QEMU ring bits; config is le16 length + tag, 0xff after', () => {
    const d = make();
    expect(d.hostFeatures(true)).toBe(0x39000001n);
    expect(d.hostFeatures(false)).toBe(0x10130000001n);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => d.readConfig(i, 1))).toEqual([
      5, 0, 0x73, 0x68, 0x61, 0x72, 0x65, 0xff,
    ]);
    expect(d.readConfig(0, 2)).toBe(5);
    expect(d.readConfig(4, 4)).toBe(0xffffffff);
    expect(() => new Virtio9p(new P9Server({ root: share }), 'x'.repeat(32))).toThrow(
      /longer than maximum \(31 bytes\)/,
    );
  });

  it('serves a chain: T-message in readable buffers (split), reply in writable ones; used.len = reply size', () => {
    const d = make();
    const { ram, rings, host } = bringUp(d);
    const put = (addr: number, b: Uint8Array) => ram.u8.set(b, addr - ram.base);
    const ver = T.version(0xffff, 8192);
    put(BUFS, ver.subarray(0, 5));
    put(BUFS + 0x100, ver.subarray(5));
    rings[0].put(0, { addr: BUFS, len: 5, flags: N, next: 1 });
    rings[0].put(1, { addr: BUFS + 0x100, len: ver.length - 5, flags: N, next: 2 });
    rings[0].put(2, { addr: BUFS + 0x1000, len: 4, flags: W | N, next: 3 });
    rings[0].put(3, { addr: BUFS + 0x2000, len: 4096, flags: W, next: 0 });
    rings[0].offer(0);
    d.notify(0);
    expect(rings[0].usedElem(0)).toEqual({ id: 0, len: 21 });
    const reply = new Uint8Array(21);
    reply.set(ram.u8.subarray(BUFS + 0x1000 - ram.base, BUFS + 0x1004 - ram.base));
    reply.set(ram.u8.subarray(BUFS + 0x2000 - ram.base, BUFS + 0x2000 + 17 - ram.base), 4);
    expect(rinfo(reply)).toMatchObject({ type: 101, size: 21, tag: 0xffff });
    expect(host.interrupts).toBe(1);
    expect(host.resets).toEqual([]);
  });

  it('a Twrite in one buffer, or split anywhere (inside size[4] too), writes the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-v9p-split-'));
    const d = new Virtio9p(new P9Server({ root: dir }), 'share');
    const { ram, rings } = bringUp(d);
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
    let used = 0;
    // the message in buffers of the given lengths (the last takes the rest), then the reply room
    const rpc = (m: Uint8Array, cuts: number[] = []) => {
      const parts: Uint8Array[] = [];
      let at = 0;
      for (const n of cuts) parts.push(m.subarray(at, (at += n)));
      parts.push(m.subarray(at));
      parts.forEach((p, i) => {
        ram.u8.set(p, BUFS + 0x2000 * i - ram.base);
        rings[0].put(i, { addr: BUFS + 0x2000 * i, len: p.length, flags: N, next: i + 1 });
      });
      const room = BUFS + 0x10000;
      rings[0].put(parts.length, { addr: room, len: 4096, flags: W, next: 0 });
      rings[0].offer(0);
      d.notify(0);
      const u = rings[0].usedElem(used++);
      return rinfo(ram.u8.slice(room - ram.base, room - ram.base + u.len));
    };
    rpc(T.version(0xffff, 8192));
    rpc(T.attach(1, 0));
    expect(rpc(T.lcreate(1, 0, 'f', 2, 0o644))).toMatchObject({ type: 15 });
    for (const [i, cuts] of [[], [2], [30], [1, 1, 5]].entries()) {
      const r = rpc(T.write(1, 0, 4096 * i, data), cuts);
      expect(r).toMatchObject({ type: 119, size: 11 });
    }
    const back = readFileSync(join(dir, 'f'));
    expect(back.length).toBe(4 * 4096);
    for (let i = 0; i < 4; i++)
      expect(back.subarray(4096 * i, 4096 * (i + 1))).toEqual(Buffer.from(data));
  });

  it('a chain without a 7-byte header or 7 bytes of reply room is a driver bug (NEEDS_RESET)', () => {
    for (const [rl, wl] of [
      [5, 100],
      [21, 6],
      [0, 100],
    ]) {
      const d = make();
      const { ram, rings, host } = bringUp(d);
      ram.u8.set(T.version(0xffff, 8192), BUFS - ram.base);
      const descs = [];
      if (rl) descs.push({ addr: BUFS, len: rl, flags: 0 });
      descs.push({ addr: BUFS + 0x1000, len: wl, flags: W });
      descs.forEach((x, i) => {
        rings[0].put(i, { ...x, flags: x.flags | (i < descs.length - 1 ? N : 0), next: i + 1 });
      });
      rings[0].offer(0);
      d.notify(0);
      expect(host.resets[0]).toMatch(/^driver bug: virtio-9p: request 0 has/);
      expect(rings[0].usedIdx()).toBe(0);
    }
  });

  it('an Rread larger than the reply room is a driver bug, as QEMU 7.2 ("needs N bytes")', () => {
    const d = make();
    const { ram, rings, host } = bringUp(d);
    let n = 0;
    const rpc = (m: Uint8Array, room = 4096) => {
      ram.u8.set(m, BUFS - ram.base);
      rings[0].put(0, { addr: BUFS, len: m.length, flags: N, next: 1 });
      rings[0].put(1, { addr: BUFS + 0x1000, len: room, flags: W, next: 0 });
      rings[0].offer(0);
      d.notify(0);
      n++;
    };
    rpc(T.version(0xffff, 8192));
    rpc(T.attach(1, 0));
    rpc(T.walk(1, 0, 1, ['f']));
    rpc(T.lopen(1, 1, 0));
    expect(rings[0].usedIdx()).toBe(4);
    rpc(T.read(1, 1, 0, 100), 50);
    expect(host.resets[0]).toBe(
      'driver bug: virtio-9p: reply type 117 needs 111 bytes, buffer has 50',
    );
    expect(rings[0].usedIdx()).toBe(4);
    expect(n).toBe(5);
  });

  it('a device reset ends the 9P session: every fid is clunked', () => {
    const d = make();
    bringUp(d);
    d.server.handle(T.version(0xffff, 8192));
    d.server.handle(T.attach(1, 0));
    expect(d.server.fids.size).toBe(1);
    d.reset();
    expect(d.server.fids.size).toBe(0);
  });

  it('random descriptor tables and message bytes: never throws, never writes outside RAM', () => {
    const desc = fc.record({
      addr: fc.oneof(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: BUFS, max: BUFS + 0x8000 }),
      ),
      len: fc.oneof(fc.integer({ min: 0, max: 512 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      flags: fc.integer({ min: 0, max: 7 }),
      next: fc.integer({ min: 0, max: QSIZE + 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(desc, { minLength: QSIZE, maxLength: QSIZE }),
        fc.array(fc.integer({ min: 0, max: QSIZE + 4 }), { minLength: 1, maxLength: 12 }),
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        fc.boolean(),
        (table, heads, payload, legacy) => {
          const d = make();
          const { ram, rings, host } = bringUp(d, { legacy });
          ram.u8.set(payload, BUFS - ram.base);
          table.forEach((x, i) => {
            rings[0].put(i, x);
          });
          for (const h of heads) rings[0].offer(h);
          d.notify(0);
          expect(ram.guardsIntact()).toBe(true);
          for (const r of host.resets) expect(r).toMatch(/^driver bug: /);
          d.server.close();
        },
      ),
      { numRuns: 80, seed: 5 },
    );
  });
});
