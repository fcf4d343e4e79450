import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fdt, FdtError, type FdtNode, FdtWriter } from '../src/index';
import { fixtures } from './helpers';

interface PlainNode {
  name: string;
  props: { name: string; value: number[] }[];
  children: PlainNode[];
}

function plain(n: FdtNode): PlainNode {
  return {
    name: n.name,
    props: n.props.map((p) => ({ name: p.name, value: [...p.value] })),
    children: n.children.map(plain),
  };
}

function emit(w: FdtWriter, n: PlainNode): void {
  w.beginNode(n.name);
  for (const p of n.props) w.prop(p.name, Uint8Array.from(p.value));
  for (const c of n.children) emit(w, c);
  w.endNode();
}

const nodeName = fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,8}(@[0-9a-f]{1,8})?$/);
const propName = fc.stringMatching(/^[#a-z][a-z0-9,._+#?-]{0,12}$/);
const props = fc.uniqueArray(
  fc.record({ name: propName, value: fc.array(fc.nat(255), { maxLength: 24 }) }),
  {
    selector: (p) => p.name,
    maxLength: 5,
  },
);
const { tree } = fc.letrec<{ tree: PlainNode; node: PlainNode }>((tie) => ({
  tree: fc.record({
    name: fc.constant(''),
    props,
    children: fc.uniqueArray(tie('node'), { selector: (n) => n.name, maxLength: 4 }),
  }),
  node: fc.record({
    name: nodeName,
    props,
    children: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      fc.constant<PlainNode[]>([]),
      fc.uniqueArray(tie('node'), { selector: (n) => n.name, maxLength: 3 }),
    ) as fc.Arbitrary<PlainNode[]>,
  }),
}));

describe('FdtWriter', () => {
  it('parse(emit(x)) = x for random trees, reservations and boot cpu ids', () => {
    const rsv = fc.array(
      fc.tuple(fc.bigInt({ min: 1n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 40n })),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(tree, rsv, fc.nat(0xffffffff), (t, r, boot) => {
        const w = new FdtWriter({ bootCpuidPhys: boot });
        for (const [a, s] of r) w.addReservation(a, s);
        emit(w, t);
        const fdt = Fdt.open(w.finish());
        expect(plain(fdt.root)).toEqual(t);
        expect(fdt.memReserve).toEqual(r.map(([address, size]) => ({ address, size })));
        expect(fdt.header.bootCpuidPhys).toBe(boot);
      }),
      { numRuns: 300 },
    );
  });

  it('lays the blob out as QEMU does: header, rsvmap at 0x28, struct, strings, no tail padding', () => {
    const b = new FdtWriter().beginNode('').propString('model', 'x').endNode().finish();
    const fdt = Fdt.open(b);
    expect(fdt.header).toMatchObject({
      version: 17,
      lastCompVersion: 16,
      offMemRsvmap: 0x28,
      offDtStruct: 0x38,
      sizeDtStrings: 6,
    });
    expect(fdt.header.offDtStrings).toBe(0x38 + fdt.header.sizeDtStruct);
    expect(b.length).toBe(fdt.header.offDtStrings + 6);
  });

  it('re-emits every reference tree with the same header and decoded content', () => {
    for (const [name, b] of fixtures()) {
      const orig = Fdt.open(b);
      const block = orig.bytes.subarray(
        orig.header.offDtStrings,
        orig.header.offDtStrings + orig.header.sizeDtStrings,
      );
      const strings = new TextDecoder().decode(block).split('\0').slice(0, -1);
      const w = new FdtWriter({ strings });
      emit(w, plain(orig.root));
      const out = w.finish();
      const again = Fdt.open(out);
      expect(plain(again.root), name).toEqual(plain(orig.root));
      expect({ ...again.header }, name).toEqual({ ...orig.header });
      // Only padding bytes may differ: QEMU's libfdt leaves stale bytes there, the writer zeroes them.
      let diff = 0;
      for (let i = 0; i < out.length; i++) if (out[i] !== b[i]) diff += out[i] === 0 ? 1 : 1000;
      expect(diff, name).toBeLessThan(1000);
    }
  });

  it('deduplicates names as libfdt does, reusing a NUL-terminated suffix', () => {
    const b = new FdtWriter()
      .beginNode('')
      .propEmpty('#size-cells')
      .propEmpty('size-cells')
      .propEmpty('cells')
      .propEmpty('size')
      .endNode()
      .finish();
    const fdt = Fdt.open(b);
    const strings = fdt.bytes.subarray(fdt.header.offDtStrings);
    expect(new TextDecoder().decode(strings)).toBe('#size-cells\0size\0');
    expect(fdt.root.props.map((p) => p.name)).toEqual([
      '#size-cells',
      'size-cells',
      'cells',
      'size',
    ]);
  });

  it('places preloaded strings first, in the given order', () => {
    const b = new FdtWriter({ strings: ['zeta', 'alpha'] })
      .beginNode('')
      .propEmpty('alpha')
      .propEmpty('beta')
      .endNode()
      .finish();
    const fdt = Fdt.open(b);
    expect(new TextDecoder().decode(fdt.bytes.subarray(fdt.header.offDtStrings))).toBe(
      'zeta\0alpha\0beta\0',
    );
  });

  it('typed properties encode big-endian cells, u64, strings and string lists', () => {
    const w = new FdtWriter().beginNode('');
    w.propU32('a', 0xdeadbeef)
      .propCells('b', [1, 2])
      .propU64('c', 0x1_0000_0002n)
      .propU64('d', 5)
      .propString('e', 'hé')
      .propStringList('f', ['x', '', 'y']);
    const fdt = Fdt.open(w.endNode().finish());
    const r = fdt.root;
    expect(fdt.getPropU32(r, 'a')).toBe(0xdeadbeef);
    expect(fdt.getPropCells(r, 'b')).toEqual([1, 2]);
    expect(fdt.getPropU64(r, 'c')).toBe(0x1_0000_0002n);
    expect(fdt.getPropU64(r, 'd')).toBe(5n);
    expect(fdt.getPropString(r, 'e')).toBe('hé');
    expect(fdt.getPropStringList(r, 'f')).toEqual(['x', '', 'y']);
    expect(new FdtWriter().allocPhandle()).toBe(1);
  });

  it('rejects every misuse with an FdtError', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new FdtWriter().beginNode('root'), /root node must be named '', not "root"/],
      [
        () => new FdtWriter().beginNode('').endNode().beginNode(''),
        /node "" after the root node closed/,
      ],
      [() => new FdtWriter().endNode(), /endNode\(\) without an open node/],
      [() => new FdtWriter().propEmpty('x'), /property "x" outside any node/],
      [
        () => new FdtWriter().beginNode('').beginNode('a').endNode().propEmpty('x'),
        /\/:x: property after a subnode/,
      ],
      [
        () => new FdtWriter().beginNode('').propEmpty('x').propEmpty('x'),
        /\/:x: duplicate property/,
      ],
      [
        () => new FdtWriter().beginNode('').beginNode('a').endNode().beginNode('a'),
        /duplicate node \/a/,
      ],
      [
        () => new FdtWriter().beginNode('').beginNode('a/b'),
        /node name "a\/b" has invalid character 0x2f/,
      ],
      [() => new FdtWriter().beginNode('').beginNode(''), /empty node name/],
      [
        () => new FdtWriter().beginNode('').propEmpty('a b'),
        /property name "a b" has invalid character 0x20/,
      ],
      [() => new FdtWriter().beginNode('').finish(), /finish\(\) with \/ still open/],
      [() => new FdtWriter().finish(), /finish\(\) before any root node/],
      [
        () => new FdtWriter().beginNode('').propU32('x', 2 ** 32),
        /4294967296 is not a u32 cell value/,
      ],
      [() => new FdtWriter().beginNode('').propCells('x', [1, -1]), /-1 is not a u32 cell value/],
      [() => new FdtWriter().beginNode('').propU64('x', -1n), /-1 is not a u64 value/],
      [() => new FdtWriter().beginNode('').propU64('x', 2 ** 60), /is not a u64 value/],
      [() => new FdtWriter().beginNode('').propString('x', 'a\0b'), /cannot contain NUL/],
      [() => new FdtWriter().addReservation(2n ** 64n - 1n, 2), /overflows 64 bits/],
      [() => new FdtWriter({ bootCpuidPhys: -1 }), /boot_cpuid_phys: -1 is not a u32/],
    ];
    for (const [f, re] of cases) {
      expect(f).toThrow(FdtError);
      expect(f).toThrow(re);
    }
  });
});
