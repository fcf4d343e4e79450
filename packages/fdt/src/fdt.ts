// Fdt: a validated, zero-copy view of a flattened device tree (libfdt's ro API: fdt_check_full + lookups).

import { addressCells, type RegEntry, type RegEntryBig, reg, regBig, sizeCells } from './addresses';
import { be32 } from './bytes';
import { FdtError, hex } from './error';
import { type FdtHeader, type FdtReserveEntry, parseHeader, parseMemReserve } from './header';
import {
  type FdtInterrupt,
  type FdtInterruptMapEntry,
  interruptMap,
  interruptParent,
  interrupts,
} from './interrupts';
import { FdtNode } from './node';
import {
  chosen,
  type FdtChosen,
  type FdtMemoryRegion,
  type FdtReservedMemory,
  memory,
  reservedMemory,
} from './platform';
import { propCells, propString, propStringList, propU32, propU64 } from './props';
import { type NodeRec, walkStruct } from './struct';

/** A device tree blob that passed every structural check; all lookups are over the original bytes. */
export class Fdt {
  /** The blob, cut to `totalsize` (a view of the caller's buffer, never a copy). */
  readonly bytes: Uint8Array;
  readonly header: FdtHeader;
  /** The memory reservation block (/memreserve/ entries), terminator excluded. */
  readonly memReserve: readonly FdtReserveEntry[];
  private readonly handles: FdtNode[];
  private readonly phandles = new Map<number, number>();

  private constructor(
    bytes: Uint8Array,
    header: FdtHeader,
    rsv: FdtReserveEntry[],
    table: NodeRec[],
  ) {
    this.bytes = bytes;
    this.header = header;
    this.memReserve = rsv;
    this.handles = table.map((rec, i) => new FdtNode(this, i, rec));
    this.indexPhandles();
  }

  /**
   * Validates `blob` completely and opens it.
   * @returns the tree; throws {@link FdtError} naming the field, offset and reason of the first malformation.
   */
  static open(blob: Uint8Array): Fdt {
    const h = parseHeader(blob);
    const bytes = blob.subarray(0, h.totalsize);
    const { nodes, structSize } = walkStruct(bytes, h);
    if (h.sizeDtStruct < 0) {
      h.sizeDtStruct = structSize;
      const s0 = h.offDtStruct;
      const t0 = h.offDtStrings;
      if (h.sizeDtStrings > 0 && s0 < t0 + h.sizeDtStrings && t0 < s0 + structSize)
        throw new FdtError(
          'header.off_dt_strings',
          12,
          `strings block overlaps the struct block [${hex(s0)}, ${hex(s0 + structSize)})`,
        );
    }
    const rsv = parseMemReserve(bytes, h);
    return new Fdt(bytes, h, rsv, nodes);
  }

  private indexPhandles(): void {
    for (const n of this.handles) {
      let value = -1;
      for (const pname of ['phandle', 'linux,phandle']) {
        const p = n.prop(pname);
        if (!p) continue;
        const v = propU32(n, p);
        if (v === 0 || v === 0xffffffff)
          throw new FdtError(`${n.path}:${pname}`, p.offset, `${hex(v)} is not a valid phandle`);
        if (value >= 0 && v !== value)
          throw new FdtError(
            `${n.path}:${pname}`,
            p.offset,
            `${hex(v)} disagrees with phandle ${hex(value)}`,
          );
        value = v;
      }
      if (value < 0) continue;
      const other = this.phandles.get(value);
      if (other !== undefined)
        throw new FdtError(
          `${n.path}:phandle`,
          n.prop('phandle')?.offset ?? n.offset,
          `phandle ${hex(value)} is also used by ${this.handles[other].path}`,
        );
      this.phandles.set(value, n.index);
    }
  }

  /** The root node `/`. */
  get root(): FdtNode {
    return this.handles[0];
  }
  /** Number of nodes. */
  get nodeCount(): number {
    return this.handles.length;
  }
  /** @internal Node by table index. */
  nodeAt(i: number): FdtNode {
    return this.handles[i];
  }
  /** Every node in blob (depth-first) order. */
  nodes(): readonly FdtNode[] {
    return this.handles;
  }

  /**
   * Looks a node up by path (libfdt fdt_path_offset): `/soc/serial@10000000`; a component without
   * `@` also matches `name@addr`; a path not starting with `/` begins with an alias from `/aliases`.
   * @returns the node, or undefined when no node matches.
   */
  pathOffset(path: string): FdtNode | undefined {
    let node: FdtNode | undefined = this.root;
    let rest = path;
    if (!path.startsWith('/')) {
      const slash = path.indexOf('/');
      const alias = slash < 0 ? path : path.slice(0, slash);
      const aliases = this.root.child('aliases');
      const p = aliases?.prop(alias);
      if (!aliases || !p) return undefined;
      const target = propString(aliases, p);
      if (!target.startsWith('/')) return undefined;
      node = this.pathOffset(target);
      rest = slash < 0 ? '' : path.slice(slash);
    }
    for (const part of rest.split('/')) {
      if (!part || !node) continue;
      node =
        node.child(part) ??
        (part.includes('@') ? undefined : node.children.find((c) => c.nodeName === part));
    }
    return node;
  }

  /** Like {@link pathOffset} but throws FdtError when the node does not exist. */
  getNode(path: string): FdtNode {
    const n = this.pathOffset(path);
    if (!n) throw new FdtError(path, -1, 'no such node');
    return n;
  }

  /** Raw value of a property (a view into the blob), or undefined. */
  getProp(node: FdtNode, name: string): Uint8Array | undefined {
    return node.prop(name)?.value;
  }
  /** One-cell property, or undefined; throws FdtError when its length is not 4. */
  getPropU32(node: FdtNode, name: string): number | undefined {
    const p = node.prop(name);
    return p && propU32(node, p);
  }
  /** Two-cell property as a bigint, or undefined; throws FdtError when its length is not 8. */
  getPropU64(node: FdtNode, name: string): bigint | undefined {
    const p = node.prop(name);
    return p && propU64(node, p);
  }
  /** Array of cells, or undefined; throws FdtError when the length is not a multiple of 4. */
  getPropCells(node: FdtNode, name: string): number[] | undefined {
    const p = node.prop(name);
    return p && propCells(node, p);
  }
  /** Single NUL-terminated string, or undefined; throws FdtError when malformed. */
  getPropString(node: FdtNode, name: string): string | undefined {
    const p = node.prop(name);
    return p && propString(node, p);
  }
  /** String list (`compatible`), or undefined; throws FdtError when malformed. */
  getPropStringList(node: FdtNode, name: string): string[] | undefined {
    const p = node.prop(name);
    return p && propStringList(node, p);
  }

  /** Nodes whose `compatible` list contains `compat`, in blob order (libfdt fdt_node_offset_by_compatible). */
  findByCompatible(compat: string): FdtNode[] {
    return this.handles.filter((n) => this.getPropStringList(n, 'compatible')?.includes(compat));
  }
  /** Node owning `phandle`, or undefined (libfdt fdt_node_offset_by_phandle). */
  nodeByPhandle(phandle: number): FdtNode | undefined {
    const i = this.phandles.get(phandle);
    return i === undefined ? undefined : this.handles[i];
  }
  /** The node's phandle, or undefined. */
  phandleOf(node: FdtNode): number | undefined {
    const p = node.prop('phandle') ?? node.prop('linux,phandle');
    return p && be32(p.value, 0);
  }

  /** The node's own `#address-cells` (2 when absent); throws FdtError outside 0..4. */
  addressCells(node: FdtNode): number {
    return addressCells(this, node);
  }
  /** The node's own `#size-cells` (1 when absent); throws FdtError outside 0..4. */
  sizeCells(node: FdtNode): number {
    return sizeCells(this, node);
  }
  /** `reg` decoded with the parent's cell sizes, as numbers (FdtError above 2^53 - 1). */
  reg(node: FdtNode): RegEntry[] {
    return reg(this, node);
  }
  /** `reg` decoded with the parent's cell sizes, as bigints. */
  regBig(node: FdtNode): RegEntryBig[] {
    return regBig(this, node);
  }
  /** The effective interrupt parent (nearest `interrupt-parent` up the tree), or undefined. */
  interruptParent(node: FdtNode): FdtNode | undefined {
    return interruptParent(this, node);
  }
  /** `interrupts-extended`, else `interrupts` against the interrupt parent; [] when neither. */
  interrupts(node: FdtNode): FdtInterrupt[] {
    return interrupts(this, node);
  }
  /** `interrupt-map` rows; [] when absent. */
  interruptMap(node: FdtNode): FdtInterruptMapEntry[] {
    return interruptMap(this, node);
  }
  /** RAM regions from the available `device_type = "memory"` nodes. */
  memory(): FdtMemoryRegion[] {
    return memory(this);
  }
  /** `/chosen`: bootargs, stdout-path (and its node), initrd range, rng-seed. */
  chosen(): FdtChosen {
    return chosen(this);
  }
  /** Available `/reserved-memory` children. */
  reservedMemory(): FdtReservedMemory[] {
    return reservedMemory(this);
  }
}
