// Host bridges from QEMU 7.2's own device trees: windows, bus range, domain and the INTx map.
import { readFileSync } from 'node:fs';
import { Fdt, FdtWriter } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { hostBridgesFromDt } from '../src/host-bridge';
import { VIRT_WINDOWS, virtSwizzle } from './fake-config';

const dtb = (name: string) =>
  Fdt.open(new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url))));

function recordingMmio() {
  const log: string[] = [];
  return {
    log,
    read(a: number, w: number) {
      log.push(`r${w} ${a.toString(16)}`);
      return 0x12345678 & (2 ** (8 * w) - 1);
    },
    write(a: number, w: number, v: number) {
      log.push(`w${w} ${a.toString(16)}=${v.toString(16)}`);
    },
  };
}

describe('hostBridgesFromDt on QEMU virt trees', () => {
  it('virt with a virtio-net-pci: ECAM 0x30000000, windows, buses 0..255, domain 0', () => {
    const mmio = recordingMmio();
    const { bridges, errors } = hostBridgesFromDt(dtb('virt-pcie-virtio-net.dtb'), mmio);
    expect(errors).toEqual([]);
    expect(bridges).toHaveLength(1);
    const hb = bridges[0]!;
    expect([hb.name, hb.domain, hb.busStart, hb.busEnd]).toEqual(['/soc/pci@30000000', 0, 0, 255]);
    expect(hb.windows).toEqual(VIRT_WINDOWS);
    hb.cfg.read(1, 2, 3, 0x10, 4);
    hb.cfg.write(255, 31, 7, 0xffc, 2, 0xbeef);
    expect(mmio.log).toEqual([
      `r4 ${(0x30000000 + (1 << 20) + (2 << 15) + (3 << 12) + 0x10).toString(16)}`,
      `w2 ${(0x30000000 + 255 * (1 << 20) + (31 << 15) + (7 << 12) + 0xffc).toString(16)}=beef`,
    ]);
  });

  it("interrupt-map under its mask is QEMU's (slot + pin) % 4 swizzle onto PLIC 32..35", () => {
    const hb = hostBridgesFromDt(dtb('virt-pcie-virtio-net.dtb'), recordingMmio()).bridges[0]!;
    for (let dev = 0; dev < 32; dev++)
      for (const fn of [0, 5])
        for (let pin = 1; pin <= 4; pin++)
          expect(hb.routeIntx(dev, fn, pin), `${dev}.${fn} pin ${pin}`).toBe(
            virtSwizzle(dev, fn, pin),
          );
    expect(hb.routeIntx(0, 0, 0)).toBe(-1);
  });

  it('with aia=aplic the map targets the APLIC: the first specifier cell is still the source', () => {
    const hb = hostBridgesFromDt(dtb('virt-aia-aplic.dtb'), recordingMmio()).bridges[0]!;
    expect(hb.routeIntx(1, 0, 1)).toBe(33);
  });

  it('malformed nodes are reported by path and reason, never thrown', () => {
    const w = new FdtWriter();
    w.beginNode('').propU32('#address-cells', 2).propU32('#size-cells', 2);
    w.beginNode('pci@1').propString('compatible', 'pci-host-ecam-generic');
    w.propU32('#address-cells', 2)
      .propU32('#size-cells', 2)
      .propCells('reg', [0, 0x30000000, 0, 0x100000]);
    w.endNode();
    w.beginNode('pci@2').propString('compatible', 'pci-host-ecam-generic');
    w.propU32('#address-cells', 3)
      .propU32('#size-cells', 2)
      .propCells('reg', [0, 0x30000000, 0, 0x100000]);
    w.propCells('bus-range', [4, 2]).endNode();
    w.beginNode('pci@3').propString('compatible', 'pci-host-ecam-generic');
    w.propU32('#address-cells', 3)
      .propU32('#size-cells', 2)
      .propCells('reg', [0, 0x30000000, 0, 0x200000]);
    w.propCells('ranges', [0x2000000, 0, 0x40000000, 0, 0x40000000, 0, 0x100000]).endNode();
    const { bridges, errors } = hostBridgesFromDt(Fdt.open(w.endNode().finish()), recordingMmio());
    expect(errors).toEqual([
      { path: '/pci@1', error: '#address-cells is 2, a PCI bus needs 3' },
      { path: '/pci@2', error: 'bus-range <4 2> is not two bus numbers in order' },
    ]);
    // bus-range defaults to 0..255 and is cut to the two buses the 2 MiB region maps
    expect([bridges[0]!.busStart, bridges[0]!.busEnd, bridges[0]!.routeIntx(0, 0, 1)]).toEqual([
      0, 1, -1,
    ]);
    expect(bridges[0]!.cfg.read(2, 0, 0, 0, 4)).toBe(0xffffffff);
  });
});
