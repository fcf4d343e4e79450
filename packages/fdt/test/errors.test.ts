import { describe, expect, it } from 'vitest';
import { Fdt, FdtError } from '../src/index';
import { assemble, minimal, type Tok } from './helpers';

/** Asserts an FdtError with exactly this field and offset and a reason matching `reason`. */
function fails(f: () => unknown, field: string, offset: number, reason: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an FdtError').toBeInstanceOf(FdtError);
  const e = err as FdtError;
  expect({ field: e.field, offset: e.offset }).toEqual({ field, offset });
  expect(e.reason).toMatch(reason);
  expect(e.message).toContain(e.reason);
}

const open =
  (toks: Tok[], strings = 'a\0b\0', opts = {}) =>
  () =>
    Fdt.open(assemble(toks, strings, opts));
const c = (...v: number[]) =>
  v.flatMap((x) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255]);

// Layout of assemble(minimal()): header 0..0x28, rsvmap 0x28..0x38, struct 0x38..0x74, strings 0x74..0x78.
describe('header validation', () => {
  const hdr = (h: object) => open(minimal(), 'a\0b\0', { hdr: h });
  it('is sane for the minimal blob', () => {
    expect(Fdt.open(assemble(minimal(), 'a\0b\0')).root.children[0].path).toBe('/n@1');
  });
  it('buffer shorter than a header', () =>
    fails(
      () => Fdt.open(new Uint8Array(10)),
      'header',
      0,
      /buffer of 10 bytes is shorter than a header/,
    ));
  it('bad magic', () =>
    fails(
      hdr({ magic: 0x12345678 }),
      'header.magic',
      0,
      /0x12345678 is not the FDT magic 0xd00dfeed/,
    ));
  it('totalsize beyond the buffer', () =>
    fails(
      hdr({ totalsize: 0x1000 }),
      'header.totalsize',
      4,
      /0x1000 exceeds the buffer \(0x78 bytes\)/,
    ));
  it('totalsize smaller than the header', () =>
    fails(
      hdr({ totalsize: 20 }),
      'header.totalsize',
      4,
      /0x14 is smaller than the header \(40 bytes\)/,
    ));
  it('version too old', () =>
    fails(hdr({ version: 15 }), 'header.version', 20, /version 15 is older than 16/));
  it('last_comp_version too new', () =>
    fails(
      hdr({ version: 18, lastComp: 18 }),
      'header.last_comp_version',
      24,
      /18 is newer than 17/,
    ));
  it('last_comp_version above version', () =>
    fails(
      hdr({ version: 16, lastComp: 17 }),
      'header.last_comp_version',
      24,
      /exceeds version 16/,
    ));
  it('struct offset misaligned', () =>
    fails(hdr({ offStruct: 0x3a }), 'header.off_dt_struct', 8, /0x3a is not 4-byte aligned/));
  it('struct offset inside the header', () =>
    fails(hdr({ offStruct: 0x10 }), 'header.off_dt_struct', 8, /points into the header/));
  it('struct offset past totalsize', () =>
    fails(hdr({ offStruct: 0x100 }), 'header.off_dt_struct', 8, /0x100 is past totalsize 0x78/));
  it('struct block past totalsize', () =>
    fails(
      hdr({ sizeStruct: 0x1000 }),
      'header.size_dt_struct',
      36,
      /block \[0x38, 0x1038\) runs past totalsize 0x78/,
    ));
  it('struct size not a multiple of 4', () =>
    fails(hdr({ sizeStruct: 0x3a }), 'header.size_dt_struct', 36, /0x3a is not a multiple of 4/));
  it('strings block past totalsize', () =>
    fails(hdr({ sizeStrings: 0x100 }), 'header.size_dt_strings', 32, /runs past totalsize/));
  it('strings overlapping the struct block', () =>
    fails(
      hdr({ offStrings: 0x60 }),
      'header.off_dt_strings',
      12,
      /strings block \[0x60, 0x64\) overlaps struct block \[0x38, 0x74\)/,
    ));
  it('rsvmap misaligned', () =>
    fails(hdr({ offRsv: 0x2c }), 'header.off_mem_rsvmap', 16, /0x2c is not 8-byte aligned/));
});

describe('memory reservation block', () => {
  it('overlapping the struct block', () =>
    fails(
      open(minimal(), 'a\0b\0', { hdr: { offRsv: 0x30 } }),
      'mem_rsvmap[0]',
      0x30,
      /overlaps the struct block \[0x38, 0x74\)/,
    ));
  it('without a terminator', () =>
    fails(
      open(minimal(), 'a\0b\0', { hdr: { offRsv: 0x70 } }),
      'mem_rsvmap[0]',
      0x70,
      /runs past totalsize 0x78 \(no terminator\)/,
    ));
  it('entry overflowing 64 bits', () => {
    const b = assemble(minimal(), 'a\0b\0', { rsv: [[0, 1]] });
    b.fill(0xff, 40, 48);
    fails(
      () => Fdt.open(b),
      'mem_rsvmap[0]',
      40,
      /address 0xffffffffffffffff \+ size 0x1 overflows 64 bits/,
    );
  });
});

describe('struct block validation', () => {
  it('unknown token', () =>
    fails(open([['begin', ''], ['end'], ['u32', 7]]), 'struct', 0x44, /unknown token 0x7/));
  it('root with a name', () =>
    fails(
      open([['begin', 'x'], ['end'], ['fin']]),
      'struct',
      0x3c,
      /root node name must be empty, found "x"/,
    ));
  it('node name not NUL-terminated', () =>
    fails(
      open([
        ['begin', ''],
        ['u32', 1],
        ['bytes', [0x61, 0x61, 0x61, 0x61]],
      ]),
      'struct',
      0x44,
      /node name not NUL-terminated/,
    ));
  it('invalid character in a node name', () =>
    fails(
      open([['begin', ''], ['begin', 'a b'], ['end'], ['end'], ['fin']]),
      'struct',
      0x45,
      /node name "a\?b" in \/ has invalid character 0x20/,
    ));
  it('empty child name', () =>
    fails(
      open([['begin', ''], ['begin', ''], ['end'], ['end'], ['fin']]),
      'struct',
      0x44,
      /empty node name in \//,
    ));
  it('duplicate sibling names', () =>
    fails(
      open([['begin', ''], ['begin', 'x'], ['end'], ['begin', 'x'], ['end'], ['end'], ['fin']]),
      'struct',
      0x4c,
      /duplicate node name "x" under \//,
    ));
  it('property outside any node', () =>
    fails(
      open([['begin', ''], ['end'], ['prop', 0, []], ['fin']]),
      'struct',
      0x44,
      /FDT_PROP outside any node/,
    ));
  it('nameoff outside the strings block', () =>
    fails(
      open([['begin', ''], ['prop', 100, []], ['end'], ['fin']]),
      'struct',
      0x48,
      /nameoff 0x64 is outside the strings block \(0x4 bytes\) in \//,
    ));
  it('property name not NUL-terminated', () =>
    fails(
      open([['begin', ''], ['prop', 0, []], ['end'], ['fin']], 'ab'),
      'strings',
      0x54,
      /name at nameoff 0x0 is not NUL-terminated/,
    ));
  it('invalid character in a property name', () =>
    fails(
      open([['begin', ''], ['prop', 0, []], ['end'], ['fin']], 'a\nb\0'),
      'strings',
      0x55,
      /property name "a\?b" in \/ has invalid character 0xa/,
    ));
  it('property value past the struct block', () =>
    fails(
      open([['begin', ''], ['proplen', 0, 0x1000, []], ['end'], ['fin']]),
      'struct',
      0x44,
      /property \/:a length 0x1000 runs past the end of the struct block \(0x54\)/,
    ));
  it('property header past the struct block', () =>
    fails(
      open([
        ['begin', ''],
        ['u32', 3],
      ]),
      'struct',
      0x40,
      /property header runs past the end/,
    ));
  it('property after a subnode', () =>
    fails(
      open([['begin', ''], ['begin', 'n'], ['end'], ['prop', 0, []], ['end'], ['fin']]),
      'struct',
      0x4c,
      /property after subnode in \//,
    ));
  it('duplicate property', () =>
    fails(
      open([['begin', ''], ['prop', 0, []], ['prop', 0, []], ['end'], ['fin']]),
      'struct',
      0x4c,
      /duplicate property \/:a/,
    ));
  it('END_NODE without BEGIN_NODE', () =>
    fails(
      open([['end'], ['fin']]),
      'struct',
      0x38,
      /FDT_END_NODE without a matching FDT_BEGIN_NODE/,
    ));
  it('FDT_END inside an open node', () =>
    fails(
      open([['begin', ''], ['begin', 'n'], ['fin']]),
      'struct',
      0x48,
      /FDT_END while \/n is still open \(depth 2\)/,
    ));
  it('FDT_END before any root', () =>
    fails(open([['nop'], ['fin']]), 'struct', 0x3c, /FDT_END before any root node/));
  it('FDT_END before the end of the block', () =>
    fails(
      open([['begin', ''], ['end'], ['fin'], ['nop']]),
      'struct',
      0x44,
      /FDT_END ends the tree at 0x48 but size_dt_struct ends the block at 0x4c/,
    ));
  it('second top-level node', () =>
    fails(
      open([['begin', ''], ['end'], ['begin', ''], ['end'], ['fin']]),
      'struct',
      0x44,
      /second top-level node/,
    ));
  it('missing FDT_END', () =>
    fails(
      open([['begin', ''], ['end']]),
      'struct',
      0x44,
      /token runs past the end of the struct block \(0x44\)/,
    ));
  it('nesting deeper than 64', () => {
    const toks: Tok[] = [['begin', '']];
    for (let i = 0; i < 64; i++) toks.push(['begin', 'n']);
    fails(open(toks), 'struct', 0x38 + 8 + 63 * 8, /nesting deeper than 64 levels/);
  });
});

describe('phandles', () => {
  const tree = (props: Tok[], child: Tok[] = []) =>
    open([['begin', ''], ...props, ...child, ['end'], ['fin']], 'phandle\0linux,phandle\0');
  it('phandle 0 is invalid', () =>
    fails(tree([['prop', 0, c(0)]]), '/:phandle', 0x40, /0x0 is not a valid phandle/));
  it('phandle -1 is invalid', () =>
    fails(
      tree([['prop', 0, c(0xffffffff)]]),
      '/:phandle',
      0x40,
      /0xffffffff is not a valid phandle/,
    ));
  it('phandle of the wrong length', () =>
    fails(
      tree([['prop', 0, c(1, 2)]]),
      '/:phandle',
      0x40,
      /expected 4 bytes \(one cell\), found 8/,
    ));
  it('phandle and linux,phandle disagreeing', () =>
    fails(
      tree([
        ['prop', 0, c(1)],
        ['prop', 8, c(2)],
      ]),
      '/:linux,phandle',
      0x50,
      /0x2 disagrees with phandle 0x1/,
    ));
  it('duplicate phandle', () =>
    fails(
      tree([['prop', 0, c(5)]], [['begin', 'x'], ['prop', 0, c(5)], ['end']]),
      '/x:phandle',
      0x58,
      /phandle 0x5 is also used by \//,
    ));
});

describe('errors found when reading values', () => {
  const strings =
    '#address-cells\0#size-cells\0reg\0interrupts\0interrupt-parent\0#interrupt-cells\0phandle\0interrupts-extended\0s\0linux,initrd-start\0linux,initrd-end\0interrupt-map\0';
  const o = (n: string) => strings.indexOf(`${n}\0`);
  const fdt = (toks: Tok[]) =>
    Fdt.open(assemble([['begin', ''], ...toks, ['end'], ['fin']], strings));
  it('string not NUL-terminated', () => {
    const f = fdt([['prop', o('s'), [0x78]]]);
    fails(() => f.getPropString(f.root, 's'), '/:s', 0x40, /string value is not NUL-terminated/);
  });
  it('cells of a length not a multiple of 4', () => {
    const f = fdt([['prop', o('s'), [1, 2, 3]]]);
    fails(() => f.getPropCells(f.root, 's'), '/:s', 0x40, /length 3 is not a multiple of 4/);
  });
  it('reg not a multiple of the entry size', () => {
    const f = fdt([
      ['prop', o('#address-cells'), c(2)],
      ['begin', 'x'],
      ['prop', o('reg'), c(1, 2, 3, 4)],
      ['end'],
    ]);
    fails(
      () => f.reg(f.getNode('/x')),
      '/x:reg',
      0x58,
      /length 16 is not a multiple of 12 \(#address-cells 2 \+ #size-cells 1\)/,
    );
  });
  it('#address-cells out of range', () => {
    const f = fdt([
      ['prop', o('#address-cells'), c(5)],
      ['begin', 'x'],
      ['prop', o('reg'), c(1)],
      ['end'],
    ]);
    fails(() => f.reg(f.getNode('/x')), '/:#address-cells', 0x40, /5 is outside 0\.\.4/);
  });
  it('reg values above 2^53', () => {
    const f = fdt([
      ['prop', o('#address-cells'), c(2)],
      ['begin', 'x'],
      ['prop', o('reg'), c(0xffffffff, 0, 1)],
      ['end'],
    ]);
    fails(
      () => f.reg(f.getNode('/x')),
      '/x:reg',
      0x58,
      /value 0xffffffff00000000 exceeds 2\^53 - 1/,
    );
    expect(f.regBig(f.getNode('/x'))).toEqual([{ address: 0xffffffff00000000n, size: 1n }]);
  });
  it('interrupts without an interrupt parent', () => {
    const f = fdt([['prop', o('interrupts'), c(1)]]);
    fails(
      () => f.interrupts(f.root),
      '/:interrupts',
      0x40,
      /no interrupt-parent on the node or its ancestors/,
    );
  });
  it('interrupt-parent naming no node', () => {
    const f = fdt([
      ['prop', o('interrupt-parent'), c(9)],
      ['prop', o('interrupts'), c(1)],
    ]);
    fails(() => f.interrupts(f.root), '/:interrupt-parent', 0x40, /phandle 0x9 names no node/);
  });
  it('interrupt controller without #interrupt-cells', () => {
    const f = fdt([
      ['prop', o('phandle'), c(1)],
      ['prop', o('interrupts-extended'), c(1, 5)],
    ]);
    fails(
      () => f.interrupts(f.root),
      '/:interrupts-extended',
      0x50,
      /interrupt controller \/ has no #interrupt-cells/,
    );
  });
  it('interrupts-extended truncated', () => {
    const f = fdt([
      ['prop', o('phandle'), c(1)],
      ['prop', o('#interrupt-cells'), c(2)],
      ['prop', o('interrupts-extended'), c(1, 5)],
    ]);
    fails(
      () => f.interrupts(f.root),
      '/:interrupts-extended',
      0x60,
      /entry 0 for \/ needs 2 cells, 1 left/,
    );
  });
  it('interrupts not dividing into specifiers', () => {
    const f = fdt([
      ['prop', o('phandle'), c(1)],
      ['prop', o('#interrupt-cells'), c(2)],
      ['prop', o('interrupt-parent'), c(1)],
      ['prop', o('interrupts'), c(1, 2, 3)],
    ]);
    fails(
      () => f.interrupts(f.root),
      '/:interrupts',
      0x70,
      /3 cells do not divide into specifiers of 2/,
    );
  });
  it('interrupt-map row truncated', () => {
    const f = fdt([
      ['prop', o('phandle'), c(1)],
      ['prop', o('#interrupt-cells'), c(1)],
      ['prop', o('#address-cells'), c(0)],
      ['prop', o('interrupt-map'), c(7, 1)],
    ]);
    fails(() => f.interruptMap(f.root), '/:interrupt-map', 0x70, /row 0 is truncated/);
  });
  it('initrd end below start, or only one bound', () => {
    const chosen = (toks: Tok[]) => fdt([['begin', 'chosen'], ...toks, ['end']]);
    let f = chosen([
      ['prop', o('linux,initrd-start'), c(0x2000)],
      ['prop', o('linux,initrd-end'), c(0x1000)],
    ]);
    fails(() => f.chosen(), '/chosen:linux,initrd-end', 0x5c, /end 0x1000 is below start 0x2000/);
    f = chosen([['prop', o('linux,initrd-start'), c(0x2000)]]);
    fails(() => f.chosen(), '/chosen:linux,initrd-end', 0x4c, /must come together/);
    f = chosen([
      ['prop', o('linux,initrd-start'), c(0, 0x2000)],
      ['prop', o('linux,initrd-end'), c(0, 0x3000)],
    ]);
    expect(f.chosen()).toMatchObject({ initrdStart: 0x2000, initrdEnd: 0x3000 });
  });
});
