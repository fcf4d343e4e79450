// Boot-time nodes: /memory (DT spec §3.4), /chosen (§3.6, Linux initrd bindings), /reserved-memory (§3.5).

import { type RegEntry, reg } from './addresses';
import { FdtError, hex } from './error';
import type { Fdt } from './fdt';
import type { FdtNode } from './node';
import { propNumber } from './props';

/** A RAM region from a `device_type = "memory"` node. */
export interface FdtMemoryRegion extends RegEntry {
  node: FdtNode;
}

/** What `/chosen` tells the kernel. */
export interface FdtChosen {
  node?: FdtNode;
  bootargs?: string;
  /** `stdout-path` as written (may carry `:options`). */
  stdoutPath?: string;
  /** The node `stdout-path` designates (options stripped, aliases resolved), if it exists. */
  stdout?: FdtNode;
  initrdStart?: number;
  initrdEnd?: number;
  rngSeed?: Uint8Array;
}

/** One child of `/reserved-memory`. */
export interface FdtReservedMemory {
  node: FdtNode;
  name: string;
  regions: RegEntry[];
  noMap: boolean;
  reusable: boolean;
  /** For dynamically placed regions (no `reg`). */
  size?: number;
  alignment?: number;
  compatible?: string[];
}

function available(fdt: Fdt, n: FdtNode): boolean {
  const s = n.prop('status') && fdt.getPropString(n, 'status');
  return s === undefined || s === 'okay' || s === 'ok';
}

/** RAM regions of every available top-level memory node, in blob order. */
export function memory(fdt: Fdt): FdtMemoryRegion[] {
  const out: FdtMemoryRegion[] = [];
  for (const n of fdt.root.children) {
    if (!n.prop('device_type') || fdt.getPropString(n, 'device_type') !== 'memory') continue;
    if (!available(fdt, n)) continue;
    for (const r of reg(fdt, n)) out.push({ node: n, ...r });
  }
  return out;
}

/** Decodes `/chosen`; every field is absent when the node or the property is. */
export function chosen(fdt: Fdt): FdtChosen {
  const node = fdt.root.child('chosen');
  if (!node) return {};
  const out: FdtChosen = { node };
  if (node.prop('bootargs')) out.bootargs = fdt.getPropString(node, 'bootargs');
  if (node.prop('stdout-path')) {
    out.stdoutPath = fdt.getPropString(node, 'stdout-path')!;
    out.stdout = fdt.pathOffset(out.stdoutPath.split(':')[0]);
  }
  const s = node.prop('linux,initrd-start');
  const e = node.prop('linux,initrd-end');
  if (s || e) {
    if (!s || !e)
      throw new FdtError(
        `${node.path}:linux,initrd-${s ? 'end' : 'start'}`,
        (s ?? e)!.offset,
        'initrd-start and initrd-end must come together',
      );
    out.initrdStart = propNumber(node, s);
    out.initrdEnd = propNumber(node, e);
    if (out.initrdEnd < out.initrdStart)
      throw new FdtError(
        `${node.path}:linux,initrd-end`,
        e.offset,
        `end ${hex(out.initrdEnd)} is below start ${hex(out.initrdStart)}`,
      );
  }
  const seed = node.prop('rng-seed');
  if (seed) out.rngSeed = seed.value;
  return out;
}

/** Children of `/reserved-memory` that are available, with their regions or dynamic size. */
export function reservedMemory(fdt: Fdt): FdtReservedMemory[] {
  const rm = fdt.root.child('reserved-memory');
  if (!rm) return [];
  const out: FdtReservedMemory[] = [];
  for (const n of rm.children) {
    if (!available(fdt, n)) continue;
    const r: FdtReservedMemory = {
      node: n,
      name: n.name,
      regions: reg(fdt, n),
      noMap: !!n.prop('no-map'),
      reusable: !!n.prop('reusable'),
    };
    const size = n.prop('size');
    if (size) r.size = propNumber(n, size);
    const align = n.prop('alignment');
    if (align) r.alignment = propNumber(n, align);
    if (n.prop('compatible')) r.compatible = fdt.getPropStringList(n, 'compatible');
    out.push(r);
  }
  return out;
}
