// Differential tests of the `virt` device-tree generator against the blobs real QEMU 7.2 produced.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fdt, FdtError, type FdtNode, type FdtProp } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { buildVirtDtb, type VirtDtConfig } from '../../src/machine/devicetree/index';

const FIXTURES = join(import.meta.dirname, '../../../../packages/fdt/test/fixtures');
const ref = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, `virt-${name}.dtb`)));
const seed = () => Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
const MiB = 1024 * 1024;
const base = { memoryBytes: 128 * MiB, smp: 1, aclint: false };

/** Every reference configuration that applies (the AIA ones, aia=aplic and aia=aplic-imsic, are not modelled). */
const CONFIGS: [string, Omit<VirtDtConfig, 'rngSeed'>][] = [
  ['default', base],
  ['default-noargs', base],
  ['m64', { ...base, memoryBytes: 64 * MiB }],
  ['m512-smp4', { ...base, memoryBytes: 512 * MiB, smp: 4 }],
  ['devices', base],
  ['nodefaults', base],
  ['aclint', { ...base, aclint: true }],
  ['aclint-smp2', { ...base, aclint: true, smp: 2 }],
  [
    'kernel-append-initrd',
    { ...base, bootargs: 'console=ttyS0 foo=bar', initrd: { start: 0x84000000, end: 0x84001000 } },
  ],
  ['pcie-virtio-net', base],
];

const PHANDLE_REFS = new Set(['interrupt-parent', 'cpu', 'regmap']);

/** A property's value with rng-seed masked and phandle references replaced by their target's path. */
function normValue(fdt: Fdt, node: FdtNode, p: FdtProp): unknown {
  if (p.name === 'rng-seed') return `<${p.value.length} random bytes>`;
  if (p.name === 'phandle') return `<phandle of ${node.path}>`;
  if (PHANDLE_REFS.has(p.name)) return `&${fdt.nodeByPhandle(fdt.getPropU32(node, p.name)!)?.path}`;
  if (p.name === 'interrupts-extended')
    return fdt.interrupts(node).map((i) => [`&${i.parent.path}`, i.cells]);
  if (p.name === 'interrupt-map')
    return fdt.interruptMap(node).map((e) => ({ ...e, parent: `&${e.parent.path}` }));
  return Buffer.from(p.value).toString('hex');
}

function normTree(fdt: Fdt) {
  return fdt.nodes().map((n) => ({
    path: n.path,
    props: n.props.map((p) => ({ name: p.name, value: normValue(fdt, n, p) })),
  }));
}

/** The blob with the rng-seed value bytes zeroed. */
function maskSeed(blob: Uint8Array): Uint8Array {
  const fdt = Fdt.open(blob);
  const v = fdt.getNode('/chosen').prop('rng-seed')!.value;
  const out = blob.slice();
  out.fill(0, v.byteOffset - fdt.bytes.byteOffset, v.byteOffset - fdt.bytes.byteOffset + v.length);
  return out;
}

const DTC = spawnSync('which', ['dtc']).status === 0;
function dtc(blob: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const f = join(mkdtempSync(join(tmpdir(), 'rk-dtb-')), 'x.dtb');
  writeFileSync(f, blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', f], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('buildVirtDtb against QEMU 7.2 reference blobs', () => {
  for (const [name, cfg] of CONFIGS) {
    describe(name, () => {
      const ours = buildVirtDtb({ ...cfg, rngSeed: seed() });
      const theirs = ref(name);

      it('has the same nodes and properties in the same order with the same values (phandles compared by target)', () => {
        expect(normTree(Fdt.open(ours))).toEqual(normTree(Fdt.open(theirs)));
      });

      it('is byte-identical once rng-seed is masked', () => {
        expect(Buffer.from(maskSeed(ours)).equals(Buffer.from(maskSeed(theirs)))).toBe(true);
      });

      it('is byte-identical outright when given the same rng-seed', () => {
        const s = Fdt.open(theirs).chosen().rngSeed!.slice();
        expect(Buffer.from(buildVirtDtb({ ...cfg, rngSeed: s })).equals(Buffer.from(theirs))).toBe(
          true,
        );
      });

      it.skipIf(!DTC)('dtc decodes it without errors, to the same source as the reference', () => {
        const a = dtc(ours);
        expect(a.status).toBe(0);
        // Only warnings, and the same ones dtc gives for QEMU's blob (aclint: mtimer's unit address vs reg).
        expect(a.stderr.split('\n').filter((l) => l && !/^<stdout>: Warning \(/.test(l))).toEqual(
          [],
        );
        const b = dtc(theirs);
        expect(a.stderr).toBe(b.stderr);
        const noSeed = (s: string) => s.replace(/rng-seed = <[^>]*>;/, 'rng-seed;');
        expect(noSeed(a.stdout)).toBe(noSeed(b.stdout));
      });
    });
  }
});

describe('buildVirtDtb semantics, read back with @runikraft/fdt', () => {
  it('reports RAM, harts, console, devices and the rng-seed it was given', () => {
    const s = seed();
    const fdt = Fdt.open(
      buildVirtDtb({ memoryBytes: 256 * MiB, smp: 3, aclint: false, rngSeed: s }),
    );
    expect(fdt.memory().map((m) => [m.address, m.size])).toEqual([[0x80000000, 256 * MiB]]);
    expect(fdt.findByCompatible('riscv').map((n) => n.path)).toEqual([
      '/cpus/cpu@0',
      '/cpus/cpu@1',
      '/cpus/cpu@2',
    ]);
    expect(fdt.nodeByPhandle(1)!.path).toBe('/cpus/cpu@2'); // last hart first
    expect(fdt.chosen().stdout!.path).toBe('/soc/serial@10000000');
    expect(fdt.chosen().rngSeed).toEqual(s);
    expect(fdt.chosen().bootargs).toBeUndefined();
    expect(fdt.findByCompatible('virtio,mmio').map((n) => fdt.interrupts(n)[0].cells[0])).toEqual([
      8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    const plic = fdt.findByCompatible('riscv,plic0')[0];
    expect(fdt.interrupts(plic).map((i) => `${i.parent.parent!.name}:${i.cells}`)).toEqual([
      'cpu@0:11',
      'cpu@0:9',
      'cpu@1:11',
      'cpu@1:9',
      'cpu@2:11',
      'cpu@2:9',
    ]);
  });

  it('omits an empty bootargs as QEMU does', () => {
    const fdt = Fdt.open(buildVirtDtb({ ...base, bootargs: '', rngSeed: seed() }));
    expect(fdt.getNode('/chosen').prop('bootargs')).toBeUndefined();
  });

  it('writes an initrd above 4 GiB as two cells each', () => {
    const initrd = { start: 0x1_0000_0000, end: 0x1_0010_0000 };
    const fdt = Fdt.open(
      buildVirtDtb({ ...base, memoryBytes: 8192 * MiB, initrd, rngSeed: seed() }),
    );
    expect(fdt.chosen()).toMatchObject({ initrdStart: initrd.start, initrdEnd: initrd.end });
    expect(fdt.getPropU64(fdt.getNode('/chosen'), 'linux,initrd-end')).toBe(0x1_0010_0000n);
  });

  it('moves the 64-bit PCIe window above RAM (rounded up to 16 GiB)', () => {
    const ranges = (mem: number) => {
      const fdt = Fdt.open(buildVirtDtb({ ...base, memoryBytes: mem, rngSeed: seed() }));
      return fdt.getPropCells(fdt.getNode('/soc/pci@30000000'), 'ranges')!.slice(15, 17);
    };
    expect(ranges(128 * MiB)).toEqual([4, 0]);
    expect(ranges(16 * 1024 * MiB)).toEqual([8, 0]);
  });

  it('adds /reserved-memory regions in the given order, readable by reservedMemory()', () => {
    const reservedMemory = [
      { name: 'mmode_resv0', base: 0x80000000, size: 0x40000 },
      { name: 'fw', base: 0x1_0000_0000, size: 0x1000 },
    ];
    const blob = buildVirtDtb({ ...base, reservedMemory, rngSeed: seed() });
    const rm = Fdt.open(blob).reservedMemory();
    expect(rm.map((r) => [r.name, r.regions, r.noMap])).toEqual([
      ['mmode_resv0@80000000', [{ address: 0x80000000, size: 0x40000 }], true],
      ['fw@100000000', [{ address: 0x1_0000_0000, size: 0x1000 }], true],
    ]);
  });

  it('is deterministic', () => {
    const a = buildVirtDtb({ ...base, smp: 2, rngSeed: seed() });
    expect(
      Buffer.from(buildVirtDtb({ ...base, smp: 2, rngSeed: seed() })).equals(Buffer.from(a)),
    ).toBe(true);
  });

  it('rejects impossible options with FdtError', () => {
    const bad: [Partial<VirtDtConfig>, RegExp][] = [
      [{ smp: 0 }, /virt\.smp: 0 is outside 1\.\.512/],
      [{ smp: 513 }, /virt\.smp: 513 is outside/],
      [{ memoryBytes: 0 }, /virt\.memoryBytes: 0 is not a positive integer/],
      [{ memoryBytes: 1.5 }, /not a positive integer/],
      [{ rngSeed: new Uint8Array(16) }, /virt\.rngSeed: QEMU passes 32 bytes, got 16/],
      [
        { initrd: { start: 0x2000, end: 0x1000 } },
        /virt\.initrd: \[8192, 4096\) is not a valid range/,
      ],
      [
        { reservedMemory: [{ name: 'x', base: 0, size: 0 }] },
        /virt\.reservedMemory\.x: .* not a valid region/,
      ],
    ];
    for (const [over, re] of bad) {
      const f = () => buildVirtDtb({ ...base, rngSeed: seed(), ...over });
      expect(f).toThrow(FdtError);
      expect(f).toThrow(re);
    }
  });
});

/** The kinds of dtc warning (`Warning (kind)`) in its stderr. */
const warningKinds = (stderr: string) =>
  new Set([...stderr.matchAll(/^<stdout>: Warning \(([a-z_]+)\)/gm)].map((m) => m[1]));

const DTC_VERSION = DTC ? execFileSync('dtc', ['--version'], { encoding: 'utf8' }).trim() : '';

describe.skipIf(!DTC)(
  `dtc (${DTC_VERSION || 'not installed: apt-get install device-tree-compiler'}) on trees QEMU has no reference for`,
  () => {
    it('decodes 3 harts, 8 GiB, an initrd above 4 GiB, reserved-memory and quoted bootargs to the values given', () => {
      const blob = buildVirtDtb({
        memoryBytes: 8192 * MiB,
        smp: 3,
        aclint: false,
        bootargs: 'console=ttyS0 q="x y" \\ end',
        initrd: { start: 0x1_0000_0000, end: 0x1_0010_0000 },
        reservedMemory: [
          { name: 'mmode_resv0', base: 0x80000000, size: 0x40000 },
          { name: 'fw', base: 0x1_0000_0000, size: 0x1000 },
        ],
        rngSeed: seed(),
      });
      const r = dtc(blob);
      expect(r.status).toBe(0);
      // Nothing but warnings, and only of the kinds dtc also gives for QEMU's own default blob.
      expect(r.stderr.split('\n').filter((l) => l && !/^<stdout>: Warning \(/.test(l))).toEqual([]);
      const allowed = warningKinds(dtc(ref('default')).stderr);
      expect([...warningKinds(r.stderr)].filter((k) => !allowed.has(k))).toEqual([]);
      const dts = r.stdout.replace(/\s+/g, ' ');
      for (const line of [
        'memory@80000000 { device_type = "memory"; reg = <0x00 0x80000000 0x02 0x00>; };',
        'mmode_resv0@80000000 { no-map; reg = <0x00 0x80000000 0x00 0x40000>; };',
        'fw@100000000 { no-map; reg = <0x01 0x00 0x00 0x1000>; };',
        'linux,initrd-end = <0x01 0x100000>; linux,initrd-start = <0x01 0x00>;',
        'bootargs = "console=ttyS0 q=\\"x y\\" \\\\ end";',
        'cpu-map { cluster0 { core0 { cpu = <0x05>; }; core1 { cpu = <0x03>; }; core2 { cpu = <0x01>; }; }; };',
      ])
        expect(dts).toContain(line);
      expect(
        [...dts.matchAll(/cpu@(\d) \{ phandle = <(0x[0-9a-f]+)>;/g)].map((m) => m.slice(1)),
      ).toEqual([
        ['0', '0x05'],
        ['1', '0x03'],
        ['2', '0x01'],
      ]);
    });
  },
);
