// The RAM disk against the conformance kit, plus read-only and injected-error behaviour.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { describeRkBlkdev } from '../src/conformance';
import { RamdiskBlkdev } from '../src/ramdisk';
import { RkBlkdevRegistryImpl } from '../src/registry';
import { testPhys } from './helpers';

function make(opts: Partial<ConstructorParameters<typeof RamdiskBlkdev>[1]> = {}) {
  const phys = testPhys(1 << 20);
  const drv = new RamdiskBlkdev(phys, { sectors: 2048, ...opts });
  const { dev, handle } = new RkBlkdevRegistryImpl().register('ram0', phys, drv);
  drv.attach(handle);
  return { dev, drv, phys, bufPa: phys.base + 0x1000 };
}

describeRkBlkdev('ramdisk', () => {
  const { dev, drv, bufPa } = make();
  return { dev, bufPa, backing: (o, l) => drv.disk.slice(o, o + l) };
});

describe('ramdisk specifics', () => {
  it('read-only disks refuse writes with -EROFS and keep their content', async () => {
    const { dev, drv, bufPa } = make({ readOnly: true, image: new Uint8Array(512).fill(9) });
    expect(await dev.write(0, 1, bufPa)).toBe(-Errno.EROFS);
    expect(drv.disk[0]).toBe(9);
    expect(await dev.read(0, 1, bufPa)).toBe(0);
  });

  it('an injected I/O error surfaces as -EIO and is counted', async () => {
    const { dev, bufPa } = make({ failWhen: (_r, n) => n === 2 });
    expect(await dev.read(0, 1, bufPa)).toBe(0);
    expect(await dev.read(0, 1, bufPa)).toBe(-Errno.EIO);
    expect(dev.stats.errors).toBe(1);
    expect(dev.inflight).toBe(0);
  });
});
