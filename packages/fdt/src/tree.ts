// FdtTree: libfdt's read-write API (fdt_add_subnode, fdt_setprop, fdt_pack) emulated byte for byte, as QEMU
// builds its device trees: a new property goes before the node's existing ones, a new subnode before its
// subnodes, names join the strings block in creation order, and — as in libfdt — the padding after a
// property value keeps whatever bytes the splice left there, so blobs match QEMU's exactly.

import { be32, putBe32, utf8Encode } from './bytes';
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_NOP, FDT_PROP } from './constants';
import { FdtError } from './error';
import { checkName, checkU32, encodeCells, encodeStrings, encodeU64, toU64 } from './values';
import { FdtWriter } from './writer';

const align4 = (n: number) => (n + 3) & ~3;

/** An editable device tree addressed by absolute paths; {@link toBlob} packs it like fdt_pack. */
export class FdtTree {
  /** struct block followed by strings block, then zeroed free space (libfdt's in-buffer layout). */
  private mem = new Uint8Array(4096);
  private structSize = 0;
  private stringsSize = 0;
  private readonly rsv: [bigint, bigint][] = [];
  private readonly bootCpuid: number;

  /** An empty tree: the root node only (QEMU's create_device_tree). */
  constructor(opts: { bootCpuidPhys?: number } = {}) {
    this.bootCpuid = checkU32(opts.bootCpuidPhys ?? 0, 'boot_cpuid_phys');
    const init = [FDT_BEGIN_NODE, 0, FDT_END_NODE, FDT_END];
    for (let i = 0; i < init.length; i++) putBe32(this.mem, i * 4, init[i]);
    this.structSize = 16;
  }

  private next(off: number): { tag: number; next: number } {
    const tag = be32(this.mem, off);
    if (tag === FDT_BEGIN_NODE) {
      let e = off + 4;
      while (this.mem[e] !== 0) e++;
      return { tag, next: align4(e + 1) };
    }
    if (tag === FDT_PROP) return { tag, next: align4(off + 12 + be32(this.mem, off + 4)) };
    return { tag, next: off + 4 };
  }

  private nodeName(off: number): string {
    let s = '';
    for (let e = off + 4; this.mem[e] !== 0; e++) s += String.fromCharCode(this.mem[e]);
    return s;
  }

  /** Offset just past the node's header (fdt_check_node_offset_), where libfdt inserts a property. */
  private afterHeader(off: number): number {
    return this.next(off).next;
  }

  /** libfdt fdt_subnode_offset: exact name, or `name` matching `name@unit` when it has no '@'. */
  private subnode(parent: number, name: string): number {
    let depth = 0;
    let off = this.afterHeader(parent);
    for (;;) {
      const { tag, next } = this.next(off);
      if (tag === FDT_BEGIN_NODE) {
        if (depth === 0) {
          const n = this.nodeName(off);
          if (n === name || (!name.includes('@') && n.startsWith(`${name}@`))) return off;
        }
        depth++;
      } else if (tag === FDT_END_NODE) {
        if (depth-- === 0) return -1;
      } else if (tag === FDT_END) return -1;
      off = next;
    }
  }

  private find(path: string): number {
    let off = 0;
    for (const part of path.split('/')) if (part && off >= 0) off = this.subnode(off, part);
    return off;
  }

  private need(path: string): number {
    if (!path.startsWith('/')) throw new FdtError(path, -1, 'paths must be absolute');
    const off = this.find(path);
    if (off < 0) throw new FdtError(path, -1, 'no such node (FDT_ERR_NOTFOUND)');
    return off;
  }

  /** libfdt fdt_splice_: moves everything after `p + oldLen` by the difference; the gap keeps stale bytes. */
  private splice(p: number, oldLen: number, newLen: number): void {
    const end = this.structSize + this.stringsSize;
    const need = end - oldLen + newLen;
    if (need > this.mem.length) {
      const m = new Uint8Array(Math.max(this.mem.length * 2, need));
      m.set(this.mem);
      this.mem = m;
    }
    this.mem.copyWithin(p + newLen, p + oldLen, end);
    if (newLen < oldLen) this.mem.fill(0, end - oldLen + newLen, end);
  }

  private spliceStruct(p: number, oldLen: number, newLen: number): void {
    this.splice(p, oldLen, newLen);
    this.structSize += newLen - oldLen;
  }

  /** libfdt fdt_find_add_string_: first NUL-terminated match anywhere in the block, else append. */
  private addString(name: string): number {
    const s = utf8Encode(name);
    const base = this.structSize;
    outer: for (let p = 0; p + s.length + 1 <= this.stringsSize; p++) {
      for (let k = 0; k < s.length; k++) if (this.mem[base + p + k] !== s[k]) continue outer;
      if (this.mem[base + p + s.length] === 0) return p;
    }
    const off = this.stringsSize;
    this.splice(base + off, 0, s.length + 1);
    this.mem.set(s, base + off);
    this.mem[base + off + s.length] = 0;
    this.stringsSize += s.length + 1;
    return off;
  }

  /** Creates the node at `path` (qemu_fdt_add_subnode): parent must exist, name must be free. */
  addSubnode(path: string): this {
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    const parent = this.need(path.slice(0, cut) || '/');
    checkName(name, 'node', path);
    if (this.subnode(parent, name) >= 0)
      throw new FdtError(path, -1, 'node already exists (FDT_ERR_EXISTS)');
    let off = this.afterHeader(parent);
    for (let t = this.next(off); t.tag === FDT_PROP || t.tag === FDT_NOP; t = this.next(off))
      off = t.next;
    const nameBytes = utf8Encode(name);
    const nameLen = align4(nameBytes.length + 1);
    this.spliceStruct(off, 0, 8 + nameLen);
    putBe32(this.mem, off, FDT_BEGIN_NODE);
    this.mem.fill(0, off + 4, off + 4 + nameLen);
    this.mem.set(nameBytes, off + 4);
    putBe32(this.mem, off + 4 + nameLen, FDT_END_NODE);
    return this;
  }

  /** Sets a property (fdt_setprop): resized in place when it exists, otherwise inserted first. */
  setProp(path: string, name: string, value: Uint8Array): this {
    const node = this.need(path);
    checkName(name, 'property', `${path}:${name}`);
    let off = this.afterHeader(node);
    for (let t = this.next(off); t.tag === FDT_PROP || t.tag === FDT_NOP; t = this.next(off)) {
      if (t.tag === FDT_PROP && this.propName(off) === name) {
        const old = be32(this.mem, off + 4);
        this.spliceStruct(off + 12, align4(old), align4(value.length));
        putBe32(this.mem, off + 4, value.length);
        this.mem.set(value, off + 12);
        return this;
      }
      off = t.next;
    }
    const nameoff = this.addString(name);
    off = this.afterHeader(node);
    this.spliceStruct(off, 0, 12 + align4(value.length));
    putBe32(this.mem, off, FDT_PROP);
    putBe32(this.mem, off + 4, value.length);
    putBe32(this.mem, off + 8, nameoff);
    this.mem.set(value, off + 12);
    return this;
  }

  private propName(off: number): string {
    let s = '';
    for (let e = this.structSize + be32(this.mem, off + 8); this.mem[e] !== 0; e++)
      s += String.fromCharCode(this.mem[e]);
    return s;
  }

  setPropEmpty(path: string, name: string): this {
    return this.setProp(path, name, new Uint8Array(0));
  }
  setPropU32(path: string, name: string, v: number): this {
    return this.setProp(path, name, encodeCells([v], `${path}:${name}`));
  }
  setPropCells(path: string, name: string, cells: readonly number[]): this {
    return this.setProp(path, name, encodeCells(cells, `${path}:${name}`));
  }
  setPropU64(path: string, name: string, v: number | bigint): this {
    return this.setProp(path, name, encodeU64(v, `${path}:${name}`));
  }
  setPropString(path: string, name: string, s: string): this {
    return this.setProp(path, name, encodeStrings([s], `${path}:${name}`));
  }
  setPropStringList(path: string, name: string, list: readonly string[]): this {
    return this.setProp(path, name, encodeStrings(list, `${path}:${name}`));
  }

  /** Whether a node exists at `path`. */
  hasNode(path: string): boolean {
    return path.startsWith('/') && this.find(path) >= 0;
  }

  /** A copy of a property's value, or undefined when the node or property is absent. */
  getProp(path: string, name: string): Uint8Array | undefined {
    if (!this.hasNode(path)) return undefined;
    let off = this.afterHeader(this.find(path));
    for (let t = this.next(off); t.tag === FDT_PROP || t.tag === FDT_NOP; t = this.next(off)) {
      if (t.tag === FDT_PROP && this.propName(off) === name)
        return this.mem.slice(off + 12, off + 12 + be32(this.mem, off + 4));
      off = t.next;
    }
    return undefined;
  }

  /** The node's `phandle` cell (fdt_get_phandle), or 0 when it has none. */
  getPhandle(path: string): number {
    const v = this.getProp(path, 'phandle');
    return v && v.length === 4 ? be32(v, 0) : 0;
  }

  /** Adds a /memreserve/ entry (fdt_add_mem_rsv). */
  addReservation(address: number | bigint, size: number | bigint): this {
    this.rsv.push([toU64(address, 'mem_rsvmap.address'), toU64(size, 'mem_rsvmap.size')]);
    return this;
  }

  /** Packs the tree (fdt_pack): header 0x28, reservation map at 0x28, struct block, strings block. */
  toBlob(): Uint8Array {
    const w = new FdtWriter({ bootCpuidPhys: this.bootCpuid });
    for (const [a, s] of this.rsv) w.addReservation(a, s);
    return w.finishRaw(
      this.mem.subarray(0, this.structSize),
      this.mem.subarray(this.structSize, this.structSize + this.stringsSize),
    );
  }
}
