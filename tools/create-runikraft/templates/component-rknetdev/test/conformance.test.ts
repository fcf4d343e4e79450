// rknetdev's conformance kit against this driver: a device registered on 1 MiB of stand-in guest
// RAM whose wire is the kit's peer (frames the device sends are collected, the peer's are delivered).
import { RkNetbufPool, RkNetdevRegistryImpl } from '@runikraft/rknetdev';
import { describeRkNetdev } from '@runikraft/rknetdev/conformance';
import type { RkPhysMem } from '@runikraft/rkplat';
import { WireNetdev } from '../src/index';

function guestRam(size: number): RkPhysMem {
  const buffer = new SharedArrayBuffer(size);
  return { buffer, base: 0x80000000, size, u8: new Uint8Array(buffer), view: new DataView(buffer) };
}

describeRkNetdev('__LIB__', () => {
  const phys = guestRam(1 << 20);
  const sent: Uint8Array[] = [];
  const drv = new WireNetdev(phys, Uint8Array.of(2, 0, 0, 0, 0, 1), (f) => sent.push(f));
  const { dev, handle } = new RkNetdevRegistryImpl().register('__LIB__0', phys, drv);
  drv.attach(handle);
  return {
    dev,
    pool: new RkNetbufPool(phys, phys.base, 256, 2048, 0),
    peer: { send: (f) => drv.deliver(f), take: () => sent.splice(0) },
  };
});
