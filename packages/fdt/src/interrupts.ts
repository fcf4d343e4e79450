// Interrupt specifiers (DT spec §2.4): interrupt-parent inheritance, interrupts, interrupts-extended, interrupt-map.

import { FdtError, hex } from './error';
import type { Fdt } from './fdt';
import type { FdtNode } from './node';

/** One decoded interrupt: the controller it goes to and its specifier cells. */
export interface FdtInterrupt {
  parent: FdtNode;
  cells: number[];
}

/** One `interrupt-map` row (DT spec §2.4.3.1). */
export interface FdtInterruptMapEntry {
  childAddress: number[];
  childSpecifier: number[];
  parent: FdtNode;
  parentAddress: number[];
  parentSpecifier: number[];
}

function byPhandle(fdt: Fdt, ph: number, field: string, off: number): FdtNode {
  const n = fdt.nodeByPhandle(ph);
  if (!n) throw new FdtError(field, off, `phandle ${hex(ph)} names no node`);
  return n;
}

function interruptCells(fdt: Fdt, ctrl: FdtNode, field: string, off: number): number {
  const v = fdt.getPropU32(ctrl, '#interrupt-cells');
  if (v === undefined)
    throw new FdtError(field, off, `interrupt controller ${ctrl.path} has no #interrupt-cells`);
  if (v > 16)
    throw new FdtError(
      `${ctrl.path}:#interrupt-cells`,
      ctrl.prop('#interrupt-cells')!.offset,
      `${v} is implausibly large`,
    );
  return v;
}

/** The effective interrupt parent: the nearest `interrupt-parent` on the node or its ancestors. */
export function interruptParent(fdt: Fdt, node: FdtNode): FdtNode | undefined {
  for (let n: FdtNode | undefined = node; n; n = n.parent) {
    const p = n.prop('interrupt-parent');
    if (p)
      return byPhandle(
        fdt,
        fdt.getPropU32(n, 'interrupt-parent')!,
        `${n.path}:interrupt-parent`,
        p.offset,
      );
  }
  return undefined;
}

/** Decodes `interrupts-extended` if present, else `interrupts` against the interrupt parent; [] when neither. */
export function interrupts(fdt: Fdt, node: FdtNode): FdtInterrupt[] {
  const ext = node.prop('interrupts-extended');
  const out: FdtInterrupt[] = [];
  if (ext) {
    const field = `${node.path}:interrupts-extended`;
    const cells = fdt.getPropCells(node, 'interrupts-extended')!;
    for (let i = 0; i < cells.length; ) {
      const parent = byPhandle(fdt, cells[i], field, ext.offset);
      const n = interruptCells(fdt, parent, field, ext.offset);
      if (i + 1 + n > cells.length)
        throw new FdtError(
          field,
          ext.offset,
          `entry ${out.length} for ${parent.path} needs ${n} cells, ${cells.length - i - 1} left`,
        );
      out.push({ parent, cells: cells.slice(i + 1, i + 1 + n) });
      i += 1 + n;
    }
    return out;
  }
  const p = node.prop('interrupts');
  if (!p) return out;
  const field = `${node.path}:interrupts`;
  const parent = interruptParent(fdt, node);
  if (!parent)
    throw new FdtError(field, p.offset, 'no interrupt-parent on the node or its ancestors');
  const n = interruptCells(fdt, parent, field, p.offset);
  const cells = fdt.getPropCells(node, 'interrupts')!;
  if (n === 0 || cells.length % n !== 0)
    throw new FdtError(
      field,
      p.offset,
      `${cells.length} cells do not divide into specifiers of ${n} (#interrupt-cells of ${parent.path})`,
    );
  for (let i = 0; i < cells.length; i += n) out.push({ parent, cells: cells.slice(i, i + n) });
  return out;
}

/** Decodes `interrupt-map`; [] when absent. Parent unit-address width is the parent's #address-cells (0 if absent). */
export function interruptMap(fdt: Fdt, node: FdtNode): FdtInterruptMapEntry[] {
  const p = node.prop('interrupt-map');
  if (!p) return [];
  const field = `${node.path}:interrupt-map`;
  const ac = fdt.addressCells(node);
  const ic = interruptCells(fdt, node, field, p.offset);
  const cells = fdt.getPropCells(node, 'interrupt-map')!;
  const out: FdtInterruptMapEntry[] = [];
  for (let i = 0; i < cells.length; ) {
    if (i + ac + ic + 1 > cells.length)
      throw new FdtError(field, p.offset, `row ${out.length} is truncated`);
    const childAddress = cells.slice(i, i + ac);
    const childSpecifier = cells.slice(i + ac, i + ac + ic);
    i += ac + ic;
    const parent = byPhandle(fdt, cells[i++], field, p.offset);
    const pac = parent.prop('#address-cells') ? fdt.addressCells(parent) : 0;
    const pic = interruptCells(fdt, parent, field, p.offset);
    if (i + pac + pic > cells.length)
      throw new FdtError(field, p.offset, `row ${out.length} is truncated`);
    out.push({
      childAddress,
      childSpecifier,
      parent,
      parentAddress: cells.slice(i, i + pac),
      parentSpecifier: cells.slice(i + pac, i + pac + pic),
    });
    i += pac + pic;
  }
  return out;
}
