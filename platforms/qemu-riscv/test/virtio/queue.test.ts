// The split-virtqueue walker: every malformed guest value yields a "driver bug" fault, never a throw,
// and never a segment outside RAM (virtio 1.2 §2.7). Includes fast-check fuzzing of raw tables.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLayout,
  DeviceVirtqueue,
  VIRTQ_DESC_F_INDIRECT as IND,
  legacyLayout,
  VIRTQ_DESC_F_NEXT as NEXT,
  type VirtqChain,
  VirtqFault,
  vringNeedEvent,
  VIRTQ_DESC_F_WRITE as WR,
} from '../../src/machine/virtio/queue';
import { guardedRam, RAM_BASE, TestRing } from './guest-ram';

const N = 8;
const DESC = RAM_BASE + 0x1000;
const AVAIL = RAM_BASE + 0x2000;
const USED = RAM_BASE + 0x3000;
const BUF = RAM_BASE + 0x10000;

function setup(feat = { eventIdx: false, indirect: true }, size = N) {
  const ram = guardedRam(1 << 20);
  const ring = new TestRing(ram, size, DESC, AVAIL, USED);
  const q = DeviceVirtqueue.create(ram, { size, desc: DESC, avail: AVAIL, used: USED }, feat);
  if (q instanceof VirtqFault) throw new Error(q.message);
  return { ram, ring, q };
}

function fault(x: unknown): string {
  expect(x).toBeInstanceOf(VirtqFault);
  return (x as VirtqFault).message;
}

describe('DeviceVirtqueue: well-formed chains', () => {
  it('pops a readable+writable chain, pushes the used entry, and respects NO_INTERRUPT', () => {
    const { ring, q } = setup();
    ring.put(0, { addr: BUF, len: 16, flags: NEXT, next: 3 });
    ring.put(3, { addr: BUF + 0x100, len: 512, flags: WR | NEXT, next: 5 });
    ring.put(5, { addr: BUF + 0x400, len: 1, flags: WR, next: 0 });
    ring.offer(0);
    const c = q.pop() as VirtqChain;
    expect(c.head).toBe(0);
    expect(c.readLen).toBe(16);
    expect(c.writeLen).toBe(513);
    expect(c.writable.map((s) => s.addr)).toEqual([BUF + 0x100, BUF + 0x400]);
    expect(q.pop()).toBeNull();
    q.push(0, 513);
    expect(ring.usedIdx()).toBe(1);
    expect(ring.usedElem(0)).toEqual({ id: 0, len: 513 });
    expect(q.shouldNotify()).toBe(true);
    expect(q.shouldNotify()).toBe(true); // without EVENT_IDX only avail.flags decide (QEMU)
    ring.setAvailFlags(1);
    ring.put(1, { addr: BUF, len: 4, flags: 0, next: 0 });
    ring.offer(1);
    q.pop();
    q.push(1, 0);
    expect(q.shouldNotify()).toBe(false);
  });

  it('follows an indirect table', () => {
    const { ram, ring, q } = setup();
    const table = RAM_BASE + 0x5000;
    const t = new TestRing(ram, 4, table, 0, 0);
    t.put(0, { addr: BUF, len: 16, flags: NEXT, next: 1 });
    t.put(1, { addr: BUF + 0x100, len: 64, flags: WR, next: 0 });
    ring.put(2, { addr: table, len: 32, flags: IND, next: 0 });
    ring.offer(2);
    const c = q.pop() as VirtqChain;
    expect(c.head).toBe(2);
    expect([c.readLen, c.writeLen]).toEqual([16, 64]);
  });

  it('EVENT_IDX: notifies exactly when used_event is crossed, and publishes avail_event', () => {
    const { ram, ring, q } = setup({ eventIdx: true, indirect: false });
    for (let i = 0; i < 4; i++) {
      ring.put(i, { addr: BUF, len: 8, flags: WR, next: 0 });
      ring.offer(i);
    }
    ring.setUsedEvent(2); // driver wants an interrupt once used.idx passes 2
    q.push((q.pop() as VirtqChain).head, 8);
    expect(q.shouldNotify()).toBe(true); // the first decision always notifies (QEMU signalled_used_valid)
    q.push((q.pop() as VirtqChain).head, 8);
    expect(q.shouldNotify()).toBe(false); // used 1 -> 2 does not cross event 2
    q.push((q.pop() as VirtqChain).head, 8);
    expect(q.shouldNotify()).toBe(true); // 2 -> 3 crosses
    expect(ram.view.getUint16(USED - RAM_BASE + 4 + 8 * N, true)).toBe(3); // avail_event = lastAvail
    expect(vringNeedEvent(0xffff, 0, 0xfffe)).toBe(true); // wrap-around
  });

  it('computes the legacy layout as REFERENCE §5 (N=8, align 4096)', () => {
    expect(legacyLayout(0x80001000, 8, 4096)).toEqual({
      size: 8,
      desc: 0x80001000,
      avail: 0x80001080,
      used: 0x80002000,
    });
    // QEMU aligns avail + 4 + 2n (no used_event trailer): QueueNum 910 ends avail exactly on a page
    expect(legacyLayout(0x80000000, 910, 4096).used).toBe(0x80004000);
  });
});

describe('DeviceVirtqueue: driver bugs', () => {
  it('rejects ring placements outside RAM, misaligned, or with a bad size', () => {
    const ram = guardedRam(1 << 16);
    expect(checkLayout(ram, { size: 3, desc: DESC, avail: AVAIL, used: USED })).toMatch(
      /power of two/,
    );
    expect(checkLayout(ram, { size: 8, desc: DESC + 8, avail: AVAIL, used: USED })).toMatch(
      /16-byte aligned/,
    );
    expect(checkLayout(ram, { size: 8, desc: 0x1000, avail: AVAIL, used: USED })).toMatch(
      /outside RAM/,
    );
    expect(
      checkLayout(ram, { size: 8, desc: DESC, avail: AVAIL, used: RAM_BASE + 0xfffc }),
    ).toMatch(/used ring .* outside RAM/);
    expect(
      DeviceVirtqueue.create(
        ram,
        { size: 8, desc: 2 ** 60, avail: AVAIL, used: USED },
        { eventIdx: false, indirect: false },
      ),
    ).toBeInstanceOf(VirtqFault);
  });

  it('a descriptor pointing outside RAM (below, above, 64-bit high half, wrapping)', () => {
    for (const addr of [0x1000, RAM_BASE + (1 << 20) - 4, 2 ** 40, 2 ** 64 - 16]) {
      const { ring, q } = setup();
      ring.put(0, { addr, len: 16, flags: 0, next: 0 });
      ring.offer(0);
      expect(fault(q.pop())).toMatch(/driver bug: descriptor 0 buffer .* outside RAM/);
    }
  });

  it('a looping chain and a chain longer than the queue', () => {
    const { ring, q } = setup();
    ring.put(0, { addr: BUF, len: 1, flags: NEXT, next: 1 });
    ring.put(1, { addr: BUF, len: 1, flags: NEXT, next: 0 });
    ring.offer(0);
    expect(fault(q.pop())).toMatch(/longer than 8 \(loop\?\)/);
    const s = setup();
    for (let i = 0; i < N; i++) s.ring.put(i, { addr: BUF, len: 1, flags: NEXT, next: i + 1 });
    s.ring.offer(0);
    expect(fault(s.q.pop())).toMatch(/next index 8 >= table size 8/);
  });

  it('a readable descriptor after a writable one', () => {
    const { ring, q } = setup();
    ring.put(0, { addr: BUF, len: 1, flags: WR | NEXT, next: 1 });
    ring.put(1, { addr: BUF, len: 1, flags: 0, next: 0 });
    ring.offer(0);
    expect(fault(q.pop())).toMatch(/device-readable descriptor 1 follows a device-writable one/);
  });

  it('bad heads, runaway avail.idx, and indirect misuse', () => {
    const a = setup();
    a.ring.offer(200);
    expect(fault(a.q.pop())).toMatch(/head descriptor index 200/);
    const b = setup();
    b.ring.availIdx = 100;
    b.ring.offer(0);
    expect(fault(b.q.pop())).toMatch(/avail.idx moved 101 entries/);
    const c = setup({ eventIdx: false, indirect: false });
    c.ring.put(0, { addr: BUF, len: 32, flags: IND, next: 0 });
    c.ring.offer(0);
    expect(fault(c.q.pop())).toMatch(/INDIRECT but RING_INDIRECT_DESC was not negotiated/);
    const d = setup();
    d.ring.put(0, { addr: BUF, len: 24, flags: IND, next: 0 });
    d.ring.offer(0);
    expect(fault(d.q.pop())).toMatch(/indirect table length 24/);
    const e = setup();
    const t = new TestRing(e.ram, 2, BUF, 0, 0);
    t.put(0, { addr: BUF, len: 32, flags: IND, next: 0 });
    e.ring.put(0, { addr: BUF, len: 32, flags: IND, next: 0 });
    e.ring.offer(0);
    // INDIRECT inside a table is a plain 32-byte readable buffer, as in QEMU's virtqueue_split_pop
    expect(e.q.pop()).toMatchObject({ readable: [{ addr: BUF, len: 32 }], writable: [] });
  });

  it('direct descriptors followed by one INDIRECT descriptor are accepted (§2.7.5.3.2)', () => {
    const { ring, q } = setup();
    ring.put(0, { addr: BUF, len: 8, flags: NEXT, next: 1 });
    ring.put(1, { addr: BUF + 0x100, len: 32, flags: IND, next: 0 });
    ring.offer(0);
    // QEMU 7.2 takes the non-head INDIRECT descriptor as a plain buffer (qemu-fidelity.test.ts)
    expect(q.pop()).toMatchObject({
      readable: [
        { addr: BUF, len: 8 },
        { addr: BUF + 0x100, len: 32 },
      ],
      readLen: 40,
    });
  });
});

describe('DeviceVirtqueue: fuzz', () => {
  const desc = fc.record({
    addr: fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: BUF, max: BUF + 0x8000 }),
      fc.constant(2 ** 63),
    ),
    len: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    flags: fc.integer({ min: 0, max: 0xffff }),
    next: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 0xffff })),
  });

  it('random tables, heads and avail indices: never throws, every segment inside RAM, guards intact', () => {
    fc.assert(
      fc.property(
        fc.array(desc, { minLength: 16, maxLength: 16 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 20 }),
        fc.array(desc, { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (table, heads, indirect, indirectOk, eventIdx) => {
          const { ram, ring, q } = setup({ eventIdx, indirect: indirectOk }, 16);
          table.forEach((d, i) => {
            ring.put(i, d);
          });
          const it = new TestRing(ram, 8, BUF, 0, 0);
          indirect.forEach((d, i) => {
            it.put(i, d);
          });
          for (const h of heads) ring.offer(h % 3 === 0 ? h : h & 15);
          for (let k = 0; k < heads.length + 2; k++) {
            const c = q.pop();
            if (c === null || c instanceof VirtqFault) break;
            for (const s of [...c.readable, ...c.writable]) {
              if (s.len > 0) {
                expect(s.addr).toBeGreaterThanOrEqual(ram.base);
                expect(s.addr + s.len).toBeLessThanOrEqual(ram.base + ram.size);
              }
            }
            q.push(c.head, c.writeLen);
            q.shouldNotify();
          }
          expect(ram.guardsIntact()).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 5 },
    );
  });
});
