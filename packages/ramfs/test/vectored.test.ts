// readv/writev through vfscore on ramfs: buffers in order, a short transfer ends the vector, errors
// only when nothing moved.
import { O_CREAT, O_RDONLY, O_RDWR, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function rootfs() {
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createRamfsType(testAlloc()));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  return v;
}

describe('readv/writev', () => {
  it('writev writes the buffers in order; readv fills them in order and stops at EOF', async () => {
    const v = await rootfs();
    const w = await v.open('/f', O_WRONLY | O_CREAT, 0o644);
    expect(await v.writev(w, [enc('ab'), enc(''), enc('cde')])).toBe(5);
    const r = await v.open('/f', O_RDONLY);
    const bufs = [new Uint8Array(2), new Uint8Array(2), new Uint8Array(4), new Uint8Array(1)];
    expect(await v.readv(r, bufs)).toBe(5);
    expect(bufs.map(dec)).toEqual(['ab', 'cd', 'e\0\0\0', '\0']);
    expect(await v.readv(r, [new Uint8Array(4)])).toBe(0);
  });

  it('an error before any byte moved is -errno; after some bytes it is the count', async () => {
    const v = await rootfs();
    const w = await v.open('/g', O_RDWR | O_CREAT, 0o644);
    expect(await v.writev(w, [enc('xyz')])).toBe(3);
    const ro = await v.open('/g', O_RDONLY);
    expect(await v.writev(ro, [enc('q')])).toBeLessThan(0);
    expect(await v.readv(999, [new Uint8Array(1)])).toBeLessThan(0);
  });
});
