// The device models plugged into the machine, driven through qtest as REFERENCE.md's probe drove real
// QEMU 7.2: offered features, QueueNumMax, config bytes, the measured virtio-blk used.len table, an
// rng request, a net TX — and DEVICE_NEEDS_RESET for a descriptor outside RAM (legacy and modern).
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { Machine } from '../../src/machine/machine';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';

const SLOT7 = 0x10008000n;
const SLOT6 = 0x10007000n;
const SLOT5 = 0x10006000n;
const RING = 0x80100000;
const DATA = 0x80200000;

function rig(legacy: boolean) {
  const hub = new NetHub();
  const sniff: Uint8Array[] = [];
  hub.port('sniff').attach({ receive: (f) => sniff.push(f) > 0 });
  const blkBackend = new MemoryBlockBackend('d0', 16 << 20);
  const traces: string[] = [];
  const m = new Machine({
    console: 'none',
    virtioForceLegacy: legacy,
    memory: 64 << 20,
    trace: (l) => traces.push(l),
  });
  m.plugVirtio(new VirtioBlk(blkBackend)); // slot 7
  m.plugVirtio(new VirtioNet(hub.port('nic'))); // slot 6
  m.plugVirtio(new VirtioRng(counterRng())); // slot 5
  const q = m.qtest;
  const r32 = (a: bigint) => Number(q.read(a, 4));
  const w32 = (a: bigint, v: number) => q.write(a, 4, BigInt(v >>> 0));
  const w = (pa: number, width: 1 | 2 | 4, v: number) => q.write(BigInt(pa), width, BigInt(v));
  const rd = (pa: number, width: 1 | 2 | 4) => Number(q.read(BigInt(pa), width));
  /** The probe's init sequence (REFERENCE §4 table) for queue 0..nq-1 of 8 entries each. */
  const init = (base: bigint, nq: number, feats: [number, number]) => {
    w32(base + 0x70n, 0);
    w32(base + 0x70n, 1);
    w32(base + 0x70n, 3);
    w32(base + 0x24n, 0);
    w32(base + 0x20n, feats[0]);
    if (!legacy) {
      w32(base + 0x24n, 1);
      w32(base + 0x20n, feats[1]);
      w32(base + 0x70n, 0xb);
    } else w32(base + 0x28n, 4096);
    const rings: number[] = [];
    for (let i = 0; i < nq; i++) {
      const ring = RING + Number(base - 0x10001000n) * 0x10 + i * 0x4000;
      rings.push(ring);
      w32(base + 0x30n, i);
      w32(base + 0x38n, 8);
      if (legacy) {
        w32(base + 0x3cn, 4096);
        w32(base + 0x40n, ring / 4096);
      } else {
        w32(base + 0x80n, ring);
        w32(base + 0x84n, 0);
        w32(base + 0x90n, ring + 0x80);
        w32(base + 0x94n, 0);
        w32(base + 0xa0n, ring + 0x1000);
        w32(base + 0xa4n, 0);
        w32(base + 0x44n, 1);
      }
    }
    w32(base + 0x70n, legacy ? 7 : 0xf);
    return rings;
  };
  let availIdx = new Map<number, number>();
  const desc = (
    ring: number,
    i: number,
    addr: number,
    len: number,
    flags: number,
    next: number,
  ) => {
    w(ring + 16 * i, 4, addr);
    w(ring + 16 * i + 4, 4, 0);
    w(ring + 16 * i + 8, 4, len);
    w(ring + 16 * i + 12, 2, flags);
    w(ring + 16 * i + 14, 2, next);
  };
  const offer = (base: bigint, qi: number, ring: number, head: number) => {
    const idx = availIdx.get(ring) ?? 0;
    w(ring + 0x80 + 4 + 2 * (idx % 8), 2, head);
    w(ring + 0x80 + 2, 2, idx + 1);
    availIdx.set(ring, idx + 1);
    w32(base + 0x50n, qi);
  };
  const used = (ring: number, i: number) => ({
    idx: rd(ring + 0x1002, 2),
    id: rd(ring + 0x1004 + 8 * i, 4),
    len: rd(ring + 0x1008 + 8 * i, 4),
  });
  return {
    m,
    q,
    r32,
    w32,
    w,
    rd,
    init,
    desc,
    offer,
    used,
    sniff,
    blkBackend,
    traces,
    reset: () => (availIdx = new Map()),
  };
}

for (const legacy of [true, false]) {
  describe(`devices on the machine via qtest (${legacy ? 'legacy' : 'modern'})`, () => {
    it('registers: DeviceID, features per mode, QueueNumMax, config past the end', () => {
      const t = rig(legacy);
      expect([
        t.r32(SLOT7 + 8n),
        t.r32(SLOT6 + 8n),
        t.r32(SLOT5 + 8n),
        t.r32(0x10001000n + 8n),
      ]).toEqual([2, 1, 4, 0]);
      const feats = (b: bigint) => {
        t.w32(b + 0x14n, 0);
        const lo = t.r32(b + 0x10n);
        t.w32(b + 0x14n, 1);
        return [lo, t.r32(b + 0x10n)];
      };
      expect(feats(SLOT6)).toEqual(legacy ? [0x39bf8064, 0] : [0x30bf8024, 0x101]);
      expect(feats(SLOT7)).toEqual(legacy ? [0x31006ed4, 0] : [0x30006e54, 0x101]);
      expect(feats(SLOT5)).toEqual(legacy ? [0x39000000, 0] : [0x30000000, 0x101]);
      const qmax = (b: bigint, i: number) => {
        t.w32(b + 0x30n, i);
        return t.r32(b + 0x34n);
      };
      expect([0, 1, 2, 3].map((i) => qmax(SLOT6, i))).toEqual([1024, 1024, 1024, 0]);
      expect(Number(t.q.read(SLOT6 + 0x108n, 2))).toBe(0xffff);
      expect(Number(t.q.read(SLOT7 + 0x100n, 4))).toBe(32768);
      expect(Number(t.q.read(SLOT7 + 0x139n, 1))).toBe(0xff);
    });

    it('virtio-blk requests give the measured status and used.len (REFERENCE §8)', () => {
      const t = rig(legacy);
      const [ring] = t.init(SLOT7, 1, [0, legacy ? 0 : 1]);
      const req = (head: number, type: number, sector: number, dataLen: number, write: boolean) => {
        const hdr = DATA + head * 0x1000;
        t.w(hdr, 4, type);
        t.w(hdr + 8, 4, sector);
        t.w(hdr + 0x800, 1, 0xee);
        t.desc(ring, head, hdr, 16, 1, head + 1);
        if (dataLen) {
          t.desc(ring, head + 1, hdr + 0x100, dataLen, 1 | (write ? 2 : 0), head + 2);
          t.desc(ring, head + 2, hdr + 0x800, 1, 2, 0);
        } else t.desc(ring, head + 1, hdr + 0x800, 1, 2, 0);
        t.offer(SLOT7, 0, ring, head);
        return () => t.rd(hdr + 0x800, 1);
      };
      const table: [number, number, number, boolean, number, number][] = [
        [1, 0, 512, false, 0, 1], // OUT 512 @0
        [0, 0, 512, true, 0, 513], // IN 512 @0
        [8, 0, 20, true, 0, 21], // GET_ID
        [4, 0, 0, false, 0, 1], // FLUSH
        [0, 32768, 512, true, 1, 513], // IN at capacity → IOERR
        [0x1234, 0, 512, true, 2, 513], // unsupported
      ];
      table.forEach(([type, sector, len, write, status, usedLen], i) => {
        const st = req(i % 2 === 0 ? 0 : 4, type, sector, len, write);
        expect([st(), t.used(ring, i).len], `row ${i}`).toEqual([status, usedLen]);
      });
      expect(t.used(ring, 0).idx).toBe(6);
      expect(t.r32(SLOT7 + 0x60n) & 1).toBe(1);
    });

    it('virtio-rng fills 16 of 16 bytes; virtio-net TX reaches the hub without the header', () => {
      const t = rig(legacy);
      const [rr] = t.init(SLOT5, 1, [0, legacy ? 0 : 1]);
      t.desc(rr, 0, DATA, 16, 2, 0);
      t.offer(SLOT5, 0, rr, 0);
      expect(t.used(rr, 0).len).toBe(16);
      expect(t.rd(DATA + 15, 1)).toBe(15);
      const rings = t.init(SLOT6, 2, [1 << 5, legacy ? 0 : 1]);
      const hl = legacy ? 10 : 12;
      for (let i = 0; i < 60; i++) t.w(DATA + 0x2000 + hl + i, 1, i);
      t.desc(rings[1], 0, DATA + 0x2000, hl + 60, 0, 0);
      t.offer(SLOT6, 1, rings[1], 0);
      expect(t.used(rings[1], 0).len).toBe(0);
      expect(t.sniff.length).toBe(1);
      expect(t.sniff[0][59]).toBe(59);
    });

    it('a descriptor outside RAM: driver-bug trace, NEEDS_RESET in modern, the machine keeps serving', () => {
      const t = rig(legacy);
      const [ring] = t.init(SLOT5, 1, [0, legacy ? 0 : 1]);
      t.desc(ring, 0, 0x1000, 16, 2, 0);
      t.offer(SLOT5, 0, ring, 0);
      expect(t.traces.join('\n')).toMatch(
        /virtio-mmio\.5: driver bug: descriptor 0 buffer \[0x1000, \+16\) is outside RAM/,
      );
      expect(t.r32(SLOT5 + 0x70n) & 0x40).toBe(legacy ? 0 : 0x40);
      expect(t.used(ring, 0).idx).toBe(0);
      t.reset();
      const [ring2] = t.init(SLOT5, 1, [0, legacy ? 0 : 1]);
      t.desc(ring2, 0, DATA, 8, 2, 0);
      t.offer(SLOT5, 0, ring2, 0);
      expect(t.used(ring2, 0)).toMatchObject({ idx: 1, len: 8 });
    });
  });
}
