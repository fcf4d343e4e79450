// Validating walk of the structure block (DT spec §5.4): tokens, names, nesting, property bounds, in one pass.

import { be32 } from './bytes';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_MAX_DEPTH,
  FDT_MAX_NAME,
  FDT_NOP,
  FDT_PROP,
} from './constants';
import { FdtError, hex } from './error';
import type { FdtHeader } from './header';

/** A property as found in the struct block. */
export interface PropRec {
  name: string;
  /** Offset of its FDT_PROP token. */
  offset: number;
  /** Offset of its first value byte. */
  valueOffset: number;
  len: number;
}

/** A node as found in the struct block (index into the node table). */
export interface NodeRec {
  offset: number;
  name: string;
  path: string;
  parent: number;
  depth: number;
  children: number[];
  props: PropRec[];
}

const align4 = (n: number) => (n + 3) & ~3;

/** Walks the struct block once; returns the node table (document order) and the struct block's true size. */
export function walkStruct(b: Uint8Array, h: FdtHeader): { nodes: NodeRec[]; structSize: number } {
  const start = h.offDtStruct;
  const end = h.sizeDtStruct >= 0 ? start + h.sizeDtStruct : h.totalsize;
  const nodes: NodeRec[] = [];
  const stack: number[] = [];
  let rootDone = false;
  let off = start;
  for (;;) {
    if (off + 4 > end)
      throw new FdtError(
        'struct',
        off,
        `token runs past the end of the struct block (${hex(end)})${stack.length ? ` inside ${nodes[stack[stack.length - 1]].path}` : ''}`,
      );
    const tag = be32(b, off);
    if (tag === FDT_BEGIN_NODE) {
      if (rootDone)
        throw new FdtError('struct', off, 'second top-level node after the root node closed');
      const nameStart = off + 4;
      const nul = findNul(b, nameStart, Math.min(end, nameStart + FDT_MAX_NAME + 1));
      if (nul < 0)
        throw new FdtError(
          'struct',
          nameStart,
          `node name not NUL-terminated within ${FDT_MAX_NAME} bytes or the struct block`,
        );
      const next = align4(nul + 1);
      if (next > end)
        throw new FdtError(
          'struct',
          nameStart,
          `node name padding runs past the end of the struct block (${hex(end)})`,
        );
      const name = ascii(b, nameStart, nul);
      const parent = stack.length ? stack[stack.length - 1] : -1;
      if (parent < 0) {
        if (name !== '')
          throw new FdtError('struct', nameStart, `root node name must be empty, found "${name}"`);
      } else {
        checkName(name, 'node', nameStart, nodes[parent].path);
        const p = nodes[parent];
        for (let i = 0; i < p.children.length; i++)
          if (nodes[p.children[i]].name === name)
            throw new FdtError('struct', off, `duplicate node name "${name}" under ${p.path}`);
      }
      if (stack.length >= FDT_MAX_DEPTH)
        throw new FdtError('struct', off, `nesting deeper than ${FDT_MAX_DEPTH} levels`);
      const path =
        parent < 0
          ? '/'
          : nodes[parent].path === '/'
            ? `/${name}`
            : `${nodes[parent].path}/${name}`;
      const idx = nodes.length;
      nodes.push({ offset: off, name, path, parent, depth: stack.length, children: [], props: [] });
      if (parent >= 0) nodes[parent].children.push(idx);
      stack.push(idx);
      off = next;
    } else if (tag === FDT_END_NODE) {
      if (!stack.length)
        throw new FdtError('struct', off, 'FDT_END_NODE without a matching FDT_BEGIN_NODE');
      stack.pop();
      if (!stack.length) rootDone = true;
      off += 4;
    } else if (tag === FDT_PROP) {
      if (!stack.length) throw new FdtError('struct', off, 'FDT_PROP outside any node');
      off = readProp(b, h, off, end, nodes[stack[stack.length - 1]]);
    } else if (tag === FDT_NOP) {
      off += 4;
    } else if (tag === FDT_END) {
      if (stack.length)
        throw new FdtError(
          'struct',
          off,
          `FDT_END while ${nodes[stack[stack.length - 1]].path} is still open (depth ${stack.length})`,
        );
      if (!rootDone) throw new FdtError('struct', off, 'FDT_END before any root node');
      if (h.sizeDtStruct >= 0 && off + 4 !== end)
        throw new FdtError(
          'struct',
          off,
          `FDT_END ends the tree at ${hex(off + 4)} but size_dt_struct ends the block at ${hex(end)}`,
        );
      return { nodes, structSize: off + 4 - start };
    } else {
      throw new FdtError('struct', off, `unknown token ${hex(tag)}`);
    }
  }
}

function readProp(b: Uint8Array, h: FdtHeader, off: number, end: number, node: NodeRec): number {
  if (off + 12 > end)
    throw new FdtError(
      'struct',
      off,
      `property header runs past the end of the struct block (${hex(end)}) in ${node.path}`,
    );
  const len = be32(b, off + 4);
  const nameoff = be32(b, off + 8);
  if (node.children.length)
    throw new FdtError('struct', off, `property after subnode in ${node.path}`);
  if (nameoff >= h.sizeDtStrings)
    throw new FdtError(
      'struct',
      off + 8,
      `property nameoff ${hex(nameoff)} is outside the strings block (${hex(h.sizeDtStrings)} bytes) in ${node.path}`,
    );
  const s0 = h.offDtStrings + nameoff;
  const nul = findNul(b, s0, Math.min(h.offDtStrings + h.sizeDtStrings, s0 + FDT_MAX_NAME + 1));
  if (nul < 0)
    throw new FdtError(
      'strings',
      s0,
      `property name at nameoff ${hex(nameoff)} is not NUL-terminated within the strings block (in ${node.path})`,
    );
  const name = ascii(b, s0, nul);
  checkName(name, 'property', s0, node.path);
  const valueEnd = off + 12 + len;
  if (len > end || valueEnd > end)
    throw new FdtError(
      'struct',
      off + 4,
      `property ${node.path}:${name} length ${hex(len)} runs past the end of the struct block (${hex(end)})`,
    );
  for (let i = 0; i < node.props.length; i++)
    if (node.props[i].name === name)
      throw new FdtError('struct', off, `duplicate property ${node.path}:${name}`);
  node.props.push({ name, offset: off, valueOffset: off + 12, len });
  return align4(valueEnd);
}

// Native scans (indexOf, fromCharCode.apply, a regex) rather than byte loops: every machine runs this
// once at boot in a fresh guest realm, where loops run in the interpreter before V8 has warmed them.
function findNul(b: Uint8Array, from: number, to: number): number {
  const i = b.indexOf(0, from);
  return i >= 0 && i < to ? i : -1;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
}

const BAD_NAME_CHAR = /[^\x21-\x2e\x30-\x7e]/;

/** Names: non-empty printable ASCII without '/' (DT spec §2.2.1, §2.2.4 character sets, loosened). */
function checkName(name: string, what: string, off: number, where: string): void {
  if (!name.length)
    throw new FdtError(
      what === 'node' ? 'struct' : 'strings',
      off,
      `empty ${what} name in ${where}`,
    );
  const i = name.search(BAD_NAME_CHAR);
  if (i >= 0)
    throw new FdtError(
      what === 'node' ? 'struct' : 'strings',
      off + i,
      `${what} name "${printable(name)}" in ${where} has invalid character ${hex(name.charCodeAt(i))}`,
    );
}

function printable(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, '?');
}
