// FdtWriter: sequential construction of a packed blob (libfdt fdt_sw + fdt_pack) in QEMU's layout:
// header (0x28) | memory reservation map at 0x28 | struct block | strings block; version 17, last_comp 16.

import { putBe32 } from './bytes';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_LAST_COMP_VERSION,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_V17_HEADER_SIZE,
} from './constants';
import { FdtError } from './error';
import { ByteSink } from './sink';
import { StringTable } from './strings';
import { checkName, checkU32, encodeCells, encodeStrings, encodeU64, toU64 } from './values';

export interface FdtWriterOptions {
  /** Header `boot_cpuid_phys` (default 0). */
  bootCpuidPhys?: number;
  /** Names to place first in the strings block, in this order (to reproduce another producer's block). */
  strings?: readonly string[];
}

interface Frame {
  path: string;
  props: Set<string>;
  hasChild: boolean;
  children: Set<string>;
}

/** Builds a device tree blob node by node; every misuse throws FdtError. */
export class FdtWriter {
  private readonly sink = new ByteSink();
  private readonly strings = new StringTable();
  private readonly rsv: [bigint, bigint][] = [];
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private nextPhandle = 1;
  private readonly bootCpuid: number;

  constructor(opts: FdtWriterOptions = {}) {
    this.bootCpuid = checkU32(opts.bootCpuidPhys ?? 0, 'boot_cpuid_phys');
    for (const s of opts.strings ?? []) this.strings.add(s);
  }

  /** Adds a /memreserve/ entry (before or after building nodes). */
  addReservation(address: number | bigint, size: number | bigint): this {
    const a = toU64(address, 'mem_rsvmap.address');
    const s = toU64(size, 'mem_rsvmap.size');
    if (a + s > 0xffffffffffffffffn)
      throw new FdtError('mem_rsvmap', -1, 'address + size overflows 64 bits');
    this.rsv.push([a, s]);
    return this;
  }

  /** Hands out phandles 1, 2, 3, ... (the caller stores it with {@link propU32}('phandle', n)). */
  allocPhandle(): number {
    return this.nextPhandle++;
  }

  /** Opens a node; the first one must be the root, named ''. */
  beginNode(name: string): this {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (this.rootDone)
        throw new FdtError('writer', -1, `node "${name}" after the root node closed`);
      if (name !== '')
        throw new FdtError('writer', -1, `the root node must be named '', not "${name}"`);
    } else {
      checkName(name, 'node', `${top.path}`);
      if (top.children.has(name))
        throw new FdtError('writer', -1, `duplicate node ${join(top.path, name)}`);
      top.children.add(name);
      top.hasChild = true;
    }
    this.sink.u32(FDT_BEGIN_NODE);
    this.sink.bytes(encodeStrings([name], 'node name'));
    this.sink.pad4();
    this.stack.push({
      path: top ? join(top.path, name) : '/',
      props: new Set(),
      hasChild: false,
      children: new Set(),
    });
    return this;
  }

  /** Closes the innermost open node. */
  endNode(): this {
    if (!this.stack.length) throw new FdtError('writer', -1, 'endNode() without an open node');
    this.stack.pop();
    if (!this.stack.length) this.rootDone = true;
    this.sink.u32(FDT_END_NODE);
    return this;
  }

  /** Adds a property with raw bytes to the innermost open node. */
  prop(name: string, value: Uint8Array): this {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new FdtError('writer', -1, `property "${name}" outside any node`);
    const field = `${top.path}:${name}`;
    checkName(name, 'property', field);
    if (top.hasChild) throw new FdtError(field, -1, 'property after a subnode');
    if (top.props.has(name)) throw new FdtError(field, -1, 'duplicate property');
    top.props.add(name);
    this.sink.u32(FDT_PROP);
    this.sink.u32(value.length);
    this.sink.u32(this.strings.add(name));
    this.sink.bytes(value);
    this.sink.pad4();
    return this;
  }
  /** Empty (boolean) property. */
  propEmpty(name: string): this {
    return this.prop(name, new Uint8Array(0));
  }
  /** One cell. */
  propU32(name: string, v: number): this {
    return this.prop(name, encodeCells([v], name));
  }
  /** Several cells. */
  propCells(name: string, cells: readonly number[]): this {
    return this.prop(name, encodeCells(cells, name));
  }
  /** One u64 (two cells). */
  propU64(name: string, v: number | bigint): this {
    return this.prop(name, encodeU64(v, name));
  }
  /** One NUL-terminated string. */
  propString(name: string, s: string): this {
    return this.prop(name, encodeStrings([s], name));
  }
  /** A string list (each NUL-terminated). */
  propStringList(name: string, list: readonly string[]): this {
    return this.prop(name, encodeStrings(list, name));
  }

  /** Closes the struct block and returns the packed blob. */
  finish(): Uint8Array {
    if (this.stack.length)
      throw new FdtError(
        'writer',
        -1,
        `finish() with ${this.stack[this.stack.length - 1].path} still open`,
      );
    if (!this.rootDone) throw new FdtError('writer', -1, 'finish() before any root node');
    const struct = new Uint8Array(this.sink.length + 4);
    struct.set(this.sink.view());
    putBe32(struct, this.sink.length, FDT_END);
    return this.finishRaw(struct, this.strings.toBytes());
  }

  /** @internal Lays out header, this writer's reservations, and the given struct (ending in FDT_END) and strings blocks. */
  finishRaw(struct: Uint8Array, strings: Uint8Array): Uint8Array {
    const rsvOff = FDT_V17_HEADER_SIZE;
    const structOff = rsvOff + (this.rsv.length + 1) * FDT_RESERVE_ENTRY_SIZE;
    const stringsOff = structOff + struct.length;
    const total = stringsOff + strings.length;
    const out = new Uint8Array(total);
    const hdr = [
      FDT_MAGIC,
      total,
      structOff,
      stringsOff,
      rsvOff,
      FDT_LAST_SUPPORTED_VERSION,
      FDT_LAST_COMP_VERSION,
      this.bootCpuid,
      strings.length,
      struct.length,
    ];
    for (let i = 0; i < hdr.length; i++) putBe32(out, i * 4, hdr[i]);
    this.rsv.forEach(([a, s], i) => {
      const o = rsvOff + i * FDT_RESERVE_ENTRY_SIZE;
      putBe32(out, o, Number(a >> 32n));
      putBe32(out, o + 4, Number(a & 0xffffffffn));
      putBe32(out, o + 8, Number(s >> 32n));
      putBe32(out, o + 12, Number(s & 0xffffffffn));
    });
    out.set(struct, structOff);
    out.set(strings, stringsOff);
    return out;
  }
}

function join(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
