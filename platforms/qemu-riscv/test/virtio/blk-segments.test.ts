// virtio-blk data moves straight between the backend and the guest's segments (no host bounce
// buffer): requests scattered over several descriptors, larger than 1 MiB, sharing a descriptor with
// the status byte, and out-of-RAM buffers still refused before any byte moves.
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import {
  VIRTQ_DESC_F_NEXT as NEXT,
  VIRTQ_DESC_F_WRITE as WR,
} from '../../src/machine/virtio/queue';
import { FakeHost } from './device-harness';
import { guardedRam, TestRing } from './guest-ram';

const MiB = 1 << 20;
const T_IN = 0;
const T_OUT = 1;

/** An 8 MiB RAM whose buffers start at +1 MiB; each request: header, `data` segments, status. */
function setup(diskBytes = 8 * MiB) {
  const backend = new MemoryBlockBackend('d', diskBytes);
  for (let i = 0; i < diskBytes; i++) backend.data[i] = (i * 131 + (i >>> 9)) & 0xff;
  const blk = new VirtioBlk(backend);
  const host = new FakeHost(guardedRam(8 * MiB));
  blk.attach(host);
  blk.setFeatures(blk.hostFeatures(false) & ~(1n << 29n), false); // no EVENT_IDX
  const a = {
    size: 16,
    desc: host.ram.base + 0x10000,
    avail: host.ram.base + 0x11000,
    used: host.ram.base + 0x12000,
  };
  blk.queueReady(0, a);
  blk.driverOk();
  const { ram } = host;
  const ring = new TestRing(ram, 16, a.desc, a.avail, a.used);
  const hdr = ram.base + 0x20000;
  const status = ram.base + 0x20100;
  /** Submits one request; `segs` are [guest address, length] data buffers. */
  const request = (
    type: number,
    sector: number,
    segs: [number, number][],
    statusInLast = false,
  ) => {
    ram.view.setUint32(hdr - ram.base, type, true);
    ram.view.setUint32(hdr - ram.base + 8, sector, true);
    ram.view.setUint32(hdr - ram.base + 12, 0, true);
    const w = type === T_IN ? WR : 0;
    ring.put(0, { addr: hdr, len: 16, flags: NEXT, next: 1 });
    segs.forEach(([addr, len], i) => {
      const last = i === segs.length - 1;
      ring.put(i + 1, {
        addr,
        len: last && statusInLast ? len + 1 : len,
        flags: w | (last && statusInLast ? 0 : NEXT),
        next: i + 2,
      });
    });
    let st = status;
    if (statusInLast) {
      const [addr, len] = segs[segs.length - 1]!;
      st = addr + len;
    } else ring.put(segs.length + 1, { addr: status, len: 1, flags: WR, next: 0 });
    ram.u8[st - ram.base] = 0xee;
    ring.offer(0);
    blk.notify(0);
    return ram.u8[st - ram.base];
  };
  return { backend, blk, host, ram, request };
}

describe('virtio-blk data segments', () => {
  it('a 3 MiB read lands in five scattered segments, each byte from its disk offset', () => {
    const { backend, blk, ram, host, request } = setup();
    const base = ram.base + MiB;
    const segs: [number, number][] = [
      [base + 0x200000, 512],
      [base, MiB],
      [base + 0x180000, 3 * 512],
      [base + 0x101000, 0x7e000],
      [base + 0x300000, 0x180000],
    ];
    const total = segs.reduce((s, [, l]) => s + l, 0);
    expect(total % 512).toBe(0);
    ram.u8.fill(0x11);
    expect(request(T_IN, 8, segs)).toBe(0);
    let off = 8 * 512;
    for (const [addr, len] of segs) {
      const at = addr - ram.base;
      expect(
        Buffer.compare(ram.u8.subarray(at, at + len), backend.data.subarray(off, off + len)),
      ).toBe(0);
      off += len;
    }
    expect(host.ram.guardsIntact()).toBe(true);
    expect(host.resets).toEqual([]);
    expect(blk.stats).toMatchObject({ reads: 1, writes: 0, segments: 5, bytesRead: total });
  });

  it('a write gathers scattered segments in order; the status byte may share the last descriptor', () => {
    const { backend, blk, ram, request } = setup();
    const base = ram.base + MiB;
    const segs: [number, number][] = [
      [base + 0x100000, 1024],
      [base, 1536 * 1024],
      [base + 0x190000, 512],
    ];
    for (const [addr, len] of segs)
      for (let i = 0; i < len; i++) ram.u8[addr - ram.base + i] = (addr + i * 7) & 0xff;
    expect(request(T_OUT, 100, segs)).toBe(0);
    let off = 100 * 512;
    for (const [addr, len] of segs) {
      const at = addr - ram.base;
      expect(
        Buffer.compare(backend.data.subarray(off, off + len), ram.u8.subarray(at, at + len)),
      ).toBe(0);
      off += len;
    }
    // the header shares no descriptor with data here: three data segments counted
    expect(blk.stats).toMatchObject({
      writes: 1,
      segments: 3,
      bytesWritten: 1024 + 1536 * 1024 + 512,
    });
    // a read whose last data descriptor also holds the status byte (1 byte longer)
    ram.u8.fill(0, base - ram.base, base - ram.base + 4096);
    expect(request(T_IN, 100 + 2, [[base, 4096]], true)).toBe(0);
    expect(
      Buffer.compare(
        ram.u8.subarray(base - ram.base, base - ram.base + 4096),
        backend.data.subarray(102 * 512, 102 * 512 + 4096),
      ),
    ).toBe(0);
  });

  it('a data buffer reaching past RAM is a driver bug: nothing is read or written, the guards hold', () => {
    const { backend, ram, host, request } = setup();
    const before = backend.data.slice(0, 2 * MiB);
    const end = ram.base + ram.size;
    request(T_IN, 0, [[end - 4096, 8192]]);
    expect(host.resets[0]).toMatch(/outside RAM/);
    expect(host.ram.guardsIntact()).toBe(true);
    expect(Buffer.compare(backend.data.subarray(0, 2 * MiB), before)).toBe(0);
  });

  it('a read past the end of the disk is IOERR and leaves guest memory as it was', () => {
    const { backend, blk, ram, request } = setup(MiB);
    const base = ram.base + MiB;
    ram.u8.fill(0x5c, base - ram.base, base - ram.base + 8192);
    expect(request(T_IN, MiB / 512 - 8, [[base, 8192]])).toBe(1);
    expect(ram.u8.subarray(base - ram.base, base - ram.base + 8192).every((b) => b === 0x5c)).toBe(
      true,
    );
    // a scattered write whose pieces together are not whole sectors moves nothing either
    const before = backend.data.slice(0, 8192);
    for (let i = 0; i < 4196; i++) ram.u8[base - ram.base + i] = ~backend.data[i]! & 0xff;
    expect(
      request(T_OUT, 0, [
        [base, 512],
        [base + 4096, 100],
      ]),
    ).toBe(1);
    expect(Buffer.compare(backend.data.subarray(0, 8192), before)).toBe(0);
    expect(blk.stats).toMatchObject({
      reads: 1,
      writes: 1,
      errors: 2,
      bytesRead: 0,
      bytesWritten: 0,
    });
  });
});
