// The compact allocation-trace format shared by the JS replayer and the C replayer (c/replay.c).
// Header: "RKAT", u32 version 1, u32 op count, u32 slot count; then per op: u8 code and LEB128 varints
// (malloc/calloc: slot, size; realloc: slot, size; free: slot; memalign: slot, align, size).
// Slots are dense ids of live blocks, reused after free, so a replayer needs `slots` pointers.

export const OP_MALLOC = 1;
export const OP_CALLOC = 2;
export const OP_REALLOC = 3;
export const OP_FREE = 4;
export const OP_MEMALIGN = 5;

/** A decoded trace: parallel arrays, one entry per op. */
export interface AllocTrace {
  readonly name: string;
  readonly ops: number;
  readonly slots: number;
  readonly code: Uint8Array;
  readonly slot: Uint32Array;
  readonly size: Uint32Array;
  readonly align: Uint32Array;
}

/** Builds a trace op by op (slots are assigned by the caller). */
export class TraceBuilder {
  private code: number[] = [];
  private slot: number[] = [];
  private size: number[] = [];
  private align: number[] = [];
  private maxSlot = -1;
  push(code: number, slot: number, size = 0, align = 0): void {
    this.code.push(code);
    this.slot.push(slot);
    this.size.push(size);
    this.align.push(align);
    if (slot > this.maxSlot) this.maxSlot = slot;
  }
  build(name: string): AllocTrace {
    return {
      name,
      ops: this.code.length,
      slots: this.maxSlot + 1,
      code: Uint8Array.from(this.code),
      slot: Uint32Array.from(this.slot),
      size: Uint32Array.from(this.size),
      align: Uint32Array.from(this.align),
    };
  }
}

/** Serialises a trace to the compact binary format. */
export function encodeTrace(t: AllocTrace): Uint8Array {
  const out: number[] = [];
  const varint = (v: number) => {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  const hdr = new Uint8Array(16);
  const dv = new DataView(hdr.buffer);
  hdr.set([0x52, 0x4b, 0x41, 0x54]);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, t.ops, true);
  dv.setUint32(12, t.slots, true);
  for (let i = 0; i < t.ops; i++) {
    out.push(t.code[i]);
    varint(t.slot[i]);
    if (t.code[i] === OP_MEMALIGN) varint(t.align[i]);
    if (t.code[i] !== OP_FREE) varint(t.size[i]);
  }
  const body = Uint8Array.from(out);
  const all = new Uint8Array(16 + body.length);
  all.set(hdr);
  all.set(body, 16);
  return all;
}

/** Parses the compact binary format; throws on a bad header or a truncated body. */
export function decodeTrace(name: string, bytes: Uint8Array): AllocTrace {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || dv.getUint32(0, false) !== 0x524b4154 || dv.getUint32(4, true) !== 1)
    throw new Error(`${name}: not an RKAT v1 trace`);
  const ops = dv.getUint32(8, true);
  const b = new TraceBuilder();
  let p = 16;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= bytes.length) throw new Error(`${name}: truncated at byte ${p}`);
      const c = bytes[p++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
  };
  for (let i = 0; i < ops; i++) {
    const code = bytes[p++];
    const slot = varint();
    const align = code === OP_MEMALIGN ? varint() : 0;
    const size = code === OP_FREE ? 0 : varint();
    b.push(code, slot, size, align);
  }
  return b.build(name);
}
