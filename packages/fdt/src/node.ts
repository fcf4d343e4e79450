// FdtNode and FdtProp: zero-copy handles on a validated blob (values are subarrays of the blob).

import type { Fdt } from './fdt';
import type { NodeRec, PropRec } from './struct';

/** One property: its name, its value (a view into the blob) and where its FDT_PROP token is. */
export interface FdtProp {
  readonly name: string;
  readonly value: Uint8Array;
  readonly offset: number;
}

/** One node of a validated tree. Obtain it from an {@link Fdt}; never construct it. */
export class FdtNode {
  /** @internal */
  constructor(
    readonly fdt: Fdt,
    readonly index: number,
    private readonly rec: NodeRec,
  ) {}

  /** Offset of the node's FDT_BEGIN_NODE token (libfdt's node offset). */
  get offset(): number {
    return this.rec.offset;
  }
  /** Full name, e.g. `serial@10000000` (empty for the root). */
  get name(): string {
    return this.rec.name;
  }
  /** Name without the unit address, e.g. `serial`. */
  get nodeName(): string {
    const at = this.rec.name.indexOf('@');
    return at < 0 ? this.rec.name : this.rec.name.slice(0, at);
  }
  /** Unit address text after '@' (e.g. `10000000`), or undefined. */
  get unitAddress(): string | undefined {
    const at = this.rec.name.indexOf('@');
    return at < 0 ? undefined : this.rec.name.slice(at + 1);
  }
  /** Absolute path, e.g. `/soc/serial@10000000`; the root is `/`. */
  get path(): string {
    return this.rec.path;
  }
  /** Nesting depth: 0 for the root. */
  get depth(): number {
    return this.rec.depth;
  }
  /** Parent node, undefined for the root. */
  get parent(): FdtNode | undefined {
    return this.rec.parent < 0 ? undefined : this.fdt.nodeAt(this.rec.parent);
  }
  /** Child nodes in blob order. */
  get children(): FdtNode[] {
    return this.rec.children.map((i) => this.fdt.nodeAt(i));
  }
  /** Child by full name (`cpu@0`), or undefined. */
  child(name: string): FdtNode | undefined {
    for (const i of this.rec.children)
      if (this.fdt.nodeAt(i).name === name) return this.fdt.nodeAt(i);
    return undefined;
  }
  /** Properties in blob order. */
  get props(): FdtProp[] {
    return this.rec.props.map((p) => this.toProp(p));
  }
  /** Property by name, or undefined. */
  prop(name: string): FdtProp | undefined {
    for (const p of this.rec.props) if (p.name === name) return this.toProp(p);
    return undefined;
  }
  private toProp(p: PropRec): FdtProp {
    return {
      name: p.name,
      value: this.fdt.bytes.subarray(p.valueOffset, p.valueOffset + p.len),
      offset: p.offset,
    };
  }
}
