// Test helpers: a tiny assembler for hand-made (often malformed) blobs, fixture loading, and a full decoder.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Fdt, FdtError } from '../src/index';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Every reference blob, by file name. */
export function fixtures(): [string, Uint8Array][] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.dtb'))
    .sort()
    .map((f) => [f, new Uint8Array(readFileSync(join(FIXTURES, f)))]);
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

export type Tok =
  | ['begin', string]
  | ['end']
  | ['prop', number, number[]]
  | ['proplen', number, number, number[]]
  | ['nop']
  | ['fin']
  | ['u32', number]
  | ['bytes', number[]];

const be = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const pad = (a: number[]) => {
  while (a.length % 4) a.push(0);
  return a;
};

/** Assembles tokens into a struct block. */
export function structOf(toks: Tok[]): number[] {
  const out: number[] = [];
  for (const t of toks) {
    if (t[0] === 'begin') out.push(...be(1), ...pad([...Buffer.from(t[1]), 0]));
    else if (t[0] === 'end') out.push(...be(2));
    else if (t[0] === 'prop')
      out.push(...be(3), ...be(t[2].length), ...be(t[1]), ...pad([...t[2]]));
    else if (t[0] === 'proplen') out.push(...be(3), ...be(t[2]), ...be(t[1]), ...pad([...t[3]]));
    else if (t[0] === 'nop') out.push(...be(4));
    else if (t[0] === 'fin') out.push(...be(9));
    else if (t[0] === 'u32') out.push(...be(t[1]));
    else out.push(...t[1]);
  }
  return out;
}

/** Header field word indexes. */
export const H = {
  magic: 0,
  totalsize: 1,
  offStruct: 2,
  offStrings: 3,
  offRsv: 4,
  version: 5,
  lastComp: 6,
  boot: 7,
  sizeStrings: 8,
  sizeStruct: 9,
};

/** Builds header | rsvmap (entries + terminator) | struct | strings, then applies header overrides. */
export function assemble(
  toks: Tok[],
  strings: string,
  opts: { rsv?: [number, number][]; hdr?: Partial<Record<keyof typeof H, number>> } = {},
): Uint8Array {
  const struct = structOf(toks);
  const rsv: number[] = [];
  for (const [a, s] of opts.rsv ?? []) rsv.push(...be(0), ...be(a), ...be(0), ...be(s));
  rsv.push(...new Array(16).fill(0));
  const str = [...Buffer.from(strings)];
  const offStruct = 40 + rsv.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + str.length;
  const hdr = [0xd00dfeed, total, offStruct, offStrings, 40, 17, 16, 0, str.length, struct.length];
  for (const [k, v] of Object.entries(opts.hdr ?? {})) hdr[H[k as keyof typeof H]] = v as number;
  return Uint8Array.from([...hdr.flatMap(be), ...rsv, ...struct, ...str]);
}

/** A minimal valid tree: / { a = <1>; n@1 { b = "x"; }; }, strings "a\0b\0". */
export function minimal(): Tok[] {
  return [
    ['begin', ''],
    ['prop', 0, be(1)],
    ['begin', 'n@1'],
    ['prop', 2, [0x78, 0]],
    ['end'],
    ['end'],
    ['fin'],
  ];
}

/** Calls every accessor on every node; any malformation surfaces as FdtError. */
export function decodeAll(fdt: Fdt): number {
  let work = 0;
  for (const n of fdt.nodes()) {
    work += n.props.length + n.path.length;
    void n.unitAddress;
    for (const p of n.props) {
      const v = p.value;
      if (v.length === 4) fdt.getPropU32(n, p.name);
      if (v.length === 8) fdt.getPropU64(n, p.name);
      if (v.length % 4 === 0) fdt.getPropCells(n, p.name);
      tryFdt(() => fdt.getPropStringList(n, p.name));
    }
    tryFdt(() => fdt.addressCells(n));
    tryFdt(() => fdt.sizeCells(n));
    tryFdt(() => fdt.regBig(n));
    tryFdt(() => fdt.reg(n));
    tryFdt(() => fdt.interrupts(n));
    tryFdt(() => fdt.interruptMap(n));
    tryFdt(() => fdt.pathOffset(n.path));
  }
  tryFdt(() => fdt.memory());
  tryFdt(() => fdt.chosen());
  tryFdt(() => fdt.reservedMemory());
  tryFdt(() => fdt.findByCompatible('virtio,mmio'));
  return work;
}

/** Runs `f`, swallowing FdtError only. */
export function tryFdt(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof FdtError)) throw e;
  }
}
