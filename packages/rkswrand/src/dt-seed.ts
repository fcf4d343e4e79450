// Reads `/chosen/rng-seed` from a flattened device tree (Devicetree spec v0.4 §5, §3.6 chosen).
// Bounds-checked walk: a malformed blob yields null, never an exception.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

/** The bytes of `/chosen/<prop>` in `dtb`, a copy; null if absent or the blob is malformed. */
export function findChosenProp(dtb: Uint8Array, prop: string): Uint8Array | null {
  if (dtb.length < 40) return null;
  const dv = new DataView(dtb.buffer, dtb.byteOffset, dtb.byteLength);
  if (dv.getUint32(0) !== FDT_MAGIC) return null;
  const total = Math.min(dv.getUint32(4), dtb.length);
  const structOff = dv.getUint32(8);
  const stringsOff = dv.getUint32(12);
  const cstr = (at: number): string | null => {
    let end = at;
    while (end < total && dtb[end] !== 0) end++;
    if (end >= total) return null;
    return String.fromCharCode(...dtb.subarray(at, end));
  };
  let p = structOff;
  let depth = 0;
  let inChosen = false;
  for (let steps = 0; p + 4 <= total && steps < 1_000_000; steps++) {
    const tok = dv.getUint32(p);
    p += 4;
    if (tok === FDT_BEGIN_NODE) {
      const name = cstr(p);
      if (name === null) return null;
      p += (name.length + 4) & ~3;
      depth++;
      inChosen = depth === 2 && name === 'chosen';
    } else if (tok === FDT_END_NODE) {
      if (inChosen && depth === 2) inChosen = false;
      depth--;
    } else if (tok === FDT_PROP) {
      if (p + 8 > total) return null;
      const len = dv.getUint32(p);
      const nameOff = dv.getUint32(p + 4);
      p += 8;
      if (p + len > total) return null;
      if (inChosen && cstr(stringsOff + nameOff) === prop) return dtb.slice(p, p + len);
      p += (len + 3) & ~3;
    } else if (tok === FDT_NOP) {
      // nothing
    } else if (tok === FDT_END) {
      return null;
    } else {
      return null;
    }
  }
  return null;
}
