// #address-cells / #size-cells and `reg` decoding (DT spec §2.3.5, §2.3.6, §2.3.5 defaults 2 and 1).

import { FdtError } from './error';
import type { Fdt } from './fdt';
import type { FdtNode } from './node';
import { toSafe } from './props';

/** One `reg` (or `ranges`-like) entry as numbers; addresses above 2^53 - 1 are refused. */
export interface RegEntry {
  address: number;
  size: number;
}

/** One `reg` entry at full precision. */
export interface RegEntryBig {
  address: bigint;
  size: bigint;
}

/** libfdt's FDT_MAX_NCELLS. */
const MAX_CELLS = 4;

function cellsProp(fdt: Fdt, node: FdtNode, name: string, dflt: number, min: number): number {
  const p = node.prop(name);
  if (!p) return dflt;
  const v = fdt.getPropU32(node, name)!;
  if (v < min || v > MAX_CELLS)
    throw new FdtError(`${node.path}:${name}`, p.offset, `${v} is outside ${min}..${MAX_CELLS}`);
  return v;
}

/** The node's own `#address-cells` (applies to its children's `reg`); 2 when absent. */
export function addressCells(fdt: Fdt, node: FdtNode): number {
  return cellsProp(fdt, node, '#address-cells', 2, 0);
}

/** The node's own `#size-cells`; 1 when absent. */
export function sizeCells(fdt: Fdt, node: FdtNode): number {
  return cellsProp(fdt, node, '#size-cells', 1, 0);
}

/** Decodes `reg` with the parent's cell counts at full precision; [] when the node has none. */
export function regBig(fdt: Fdt, node: FdtNode): RegEntryBig[] {
  const p = node.prop('reg');
  if (!p) return [];
  const parent = node.parent;
  if (!parent)
    throw new FdtError('/:reg', p.offset, 'the root node has no parent to give #address-cells');
  const ac = addressCells(fdt, parent);
  const sc = sizeCells(fdt, parent);
  const stride = (ac + sc) * 4;
  if (stride === 0)
    throw new FdtError(
      `${node.path}:reg`,
      p.offset,
      `parent ${parent.path} has #address-cells = #size-cells = 0`,
    );
  if (p.value.length % stride !== 0)
    throw new FdtError(
      `${node.path}:reg`,
      p.offset,
      `length ${p.value.length} is not a multiple of ${stride} (#address-cells ${ac} + #size-cells ${sc})`,
    );
  const cells = fdt.getPropCells(node, 'reg')!;
  const out: RegEntryBig[] = [];
  for (let i = 0; i < cells.length; i += ac + sc)
    out.push({ address: join(cells, i, ac), size: join(cells, i + ac, sc) });
  return out;
}

/** Decodes `reg` as numbers; throws FdtError for values above 2^53 - 1 (use {@link regBig}). */
export function reg(fdt: Fdt, node: FdtNode): RegEntry[] {
  const off = node.prop('reg')?.offset ?? node.offset;
  return regBig(fdt, node).map((e) => ({
    address: toSafe(e.address, `${node.path}:reg`, off),
    size: toSafe(e.size, `${node.path}:reg`, off),
  }));
}

/** Joins `n` big-endian cells starting at `i`. */
export function join(cells: readonly number[], i: number, n: number): bigint {
  let v = 0n;
  for (let k = 0; k < n; k++) v = (v << 32n) | BigInt(cells[i + k]);
  return v;
}
