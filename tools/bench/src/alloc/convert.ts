// Converts a raw log of c/malloc_logger.c (32-byte records: op, align, size, arg, result) into a trace:
// pointers become dense slots; failed calls and frees of unknown pointers are dropped.
import {
  type AllocTrace,
  OP_CALLOC,
  OP_FREE,
  OP_MALLOC,
  OP_MEMALIGN,
  OP_REALLOC,
  TraceBuilder,
} from './trace';

const RAW = { MALLOC: 1, CALLOC: 2, REALLOC: 3, FREE: 4, MEMALIGN: 5 };

export function convertRawLog(name: string, raw: Uint8Array): AllocTrace {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const b = new TraceBuilder();
  const live = new Map<bigint, number>();
  const spare: number[] = [];
  let next = 0;
  const take = (ptr: bigint) => {
    const s = spare.pop() ?? next++;
    live.set(ptr, s);
    return s;
  };
  for (let off = 0; off + 32 <= raw.length; off += 32) {
    const op = dv.getUint32(off, true);
    const align = dv.getUint32(off + 4, true);
    const size = Number(dv.getBigUint64(off + 8, true));
    const arg = dv.getBigUint64(off + 16, true);
    const res = dv.getBigUint64(off + 24, true);
    if (size > 0xffff_ffff) continue;
    if (op === RAW.FREE) {
      const s = live.get(arg);
      if (s === undefined) continue;
      live.delete(arg);
      spare.push(s);
      b.push(OP_FREE, s);
    } else if (op === RAW.REALLOC) {
      const s = arg === 0n ? undefined : live.get(arg);
      if (arg !== 0n && s === undefined) continue;
      if (s === undefined) {
        if (res !== 0n) b.push(OP_MALLOC, take(res), size);
      } else if (size === 0) {
        live.delete(arg);
        spare.push(s);
        b.push(OP_FREE, s);
      } else if (res !== 0n) {
        live.delete(arg);
        live.set(res, s);
        b.push(OP_REALLOC, s, size);
      }
    } else if (res !== 0n) {
      if (live.has(res)) continue;
      const code = op === RAW.CALLOC ? OP_CALLOC : op === RAW.MEMALIGN ? OP_MEMALIGN : OP_MALLOC;
      b.push(code, take(res), size, align);
    }
  }
  return b.build(name);
}
