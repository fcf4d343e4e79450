import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { EFD_NONBLOCK, EFD_SEMAPHORE, EVENTFD_MAX } from '../src/index';
import { setup } from './helpers';

const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const val = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

describe('eventfd', () => {
  it('counter mode: a read takes the sum; semaphore mode: one at a time', async () => {
    const { px, run } = setup();
    await run(async () => {
      const fd = px.eventfd(3, EFD_NONBLOCK);
      expect(await px.write(fd, u64(4n))).toBe(8);
      const b = new Uint8Array(8);
      expect(await px.read(fd, b)).toBe(8);
      expect(val(b)).toBe(7n);
      expect(await px.read(fd, b)).toBe(-Errno.EAGAIN);
      const s = px.eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
      expect(await px.read(s, b)).toBe(8);
      expect(val(b)).toBe(1n);
      expect(await px.read(s, b)).toBe(8);
      expect(await px.read(s, b)).toBe(-Errno.EAGAIN);
    });
  });

  it('bad sizes and values; overflow is EAGAIN or parks until a read makes room', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const fd = px.eventfd(0);
      expect(await px.read(fd, new Uint8Array(7))).toBe(-Errno.EINVAL);
      expect(await px.write(fd, new Uint8Array(4))).toBe(-Errno.EINVAL);
      expect(await px.write(fd, u64(0xffff_ffff_ffff_ffffn))).toBe(-Errno.EINVAL);
      expect(px.eventfd(-1)).toBe(-Errno.EINVAL);
      expect(px.eventfd(0, 0x10)).toBe(-Errno.EINVAL);
      expect(await px.write(fd, u64(EVENTFD_MAX))).toBe(8);
      const reader = sched.spawn('drain', async () => {
        await sched.sleep(2_000_000);
        expect(await px.read(fd, new Uint8Array(8))).toBe(8);
      });
      expect(await px.write(fd, u64(5n))).toBe(8); // parked until the drain
      await sched.join(reader);
      const b = new Uint8Array(8);
      expect(await px.read(fd, b)).toBe(8);
      expect(val(b)).toBe(5n);
      // A blocking read parks until a write.
      const w = sched.spawn('w', async () => {
        await sched.sleep(1_000_000);
        await px.write(fd, u64(9n));
      });
      expect(await px.read(fd, b)).toBe(8);
      expect(val(b)).toBe(9n);
      await sched.join(w);
    });
  });
});
