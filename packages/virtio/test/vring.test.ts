// The driver's split virtqueue against a misbehaving device: used entries with ids that name no chain
// in flight are skipped and counted, and a used.len beyond the chain's writable bytes is clamped.
import { describe, expect, it } from 'vitest';
import { Vring, vringBytes } from '../src/vring';

function ring(size = 8) {
  const buffer = new SharedArrayBuffer(1 << 16);
  const phys = {
    buffer,
    base: 0x80000000,
    size: 1 << 16,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  expect(vringBytes(size)).toBeLessThan(1 << 16);
  const r = new Vring<string>(phys, phys.base, size, false);
  /** The device's side: appends {id, len} to the used ring. */
  let usedIdx = 0;
  const devicePush = (id: number, len: number) => {
    const o = r.used - phys.base;
    phys.view.setUint32(o + 4 + 8 * (usedIdx % size), id, true);
    phys.view.setUint32(o + 8 + 8 * (usedIdx % size), len, true);
    usedIdx = (usedIdx + 1) & 0xffff;
    phys.view.setUint16(o + 2, usedIdx, true);
  };
  return { r, devicePush };
}

describe('Vring.getUsed against a bad device', () => {
  it('skips ids out of range or not in flight, counts them, and keeps reaping', () => {
    const { r, devicePush } = ring();
    expect(r.add([{ pa: 0x80008000, len: 64, write: true }], 'a')).toBe(0); // head 0
    expect(r.add([{ pa: 0x80009000, len: 64, write: true }], 'b')).toBe(0); // head 1
    devicePush(99, 4); // out of range
    devicePush(5, 4); // in range, nothing in flight there
    devicePush(1, 10);
    devicePush(1, 10); // reaped already
    devicePush(0, 20);
    expect(r.getUsed()).toEqual({ token: 'b', len: 10 });
    expect(r.getUsed()).toEqual({ token: 'a', len: 20 });
    expect(r.getUsed()).toBeNull();
    expect(r.badIds).toBe(3);
    expect(r.numFree).toBe(8);
  });

  it('clamps used.len to the chain’s device-writable bytes', () => {
    const { r, devicePush } = ring();
    r.add(
      [
        { pa: 0x80008000, len: 16, write: false },
        { pa: 0x80009000, len: 100, write: true },
        { pa: 0x8000a000, len: 28, write: true },
      ],
      'req',
    );
    r.add([{ pa: 0x80008000, len: 16, write: false }], 'tx');
    devicePush(0, 5000);
    devicePush(3, 1);
    expect(r.getUsed()).toEqual({ token: 'req', len: 128 });
    expect(r.getUsed()).toEqual({ token: 'tx', len: 0 });
    expect(r.badLens).toBe(2);
  });
});
