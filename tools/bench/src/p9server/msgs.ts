// T-messages for the server benchmark, built once and patched in place (offsets), so the loop
// measures the server and not message construction.
const enc = new TextEncoder();

export function tmsg(
  type: number,
  body: (dv: DataView, at: number) => number,
  cap = 256,
): Uint8Array {
  const b = new Uint8Array(cap);
  const dv = new DataView(b.buffer);
  const end = body(dv, 7);
  dv.setUint32(0, end, true);
  b[4] = type;
  dv.setUint16(5, 1, true);
  return b.slice(0, end);
}

export function str(dv: DataView, at: number, s: string): number {
  const b = enc.encode(s);
  dv.setUint16(at, b.length, true);
  new Uint8Array(dv.buffer).set(b, at + 2);
  return at + 2 + b.length;
}

export const Tversion = (msize: number) =>
  tmsg(100, (dv, at) => {
    dv.setUint32(at, msize, true);
    return str(dv, at + 4, '9P2000.L');
  });
export const Tattach = (fid: number) =>
  tmsg(104, (dv, at) => {
    dv.setUint32(at, fid, true);
    dv.setUint32(at + 4, 0xffffffff, true);
    let o = str(dv, at + 8, '');
    o = str(dv, o, '');
    dv.setUint32(o, 0, true);
    return o + 4;
  });
export const Twalk = (fid: number, newfid: number, names: string[]) =>
  tmsg(110, (dv, at) => {
    dv.setUint32(at, fid, true);
    dv.setUint32(at + 4, newfid, true);
    dv.setUint16(at + 8, names.length, true);
    let o = at + 10;
    for (const n of names) o = str(dv, o, n);
    return o;
  });
export const Tlopen = (fid: number, flags: number) =>
  tmsg(12, (dv, at) => {
    dv.setUint32(at, fid, true);
    dv.setUint32(at + 4, flags, true);
    return at + 8;
  });
export const Tlcreate = (fid: number, name: string, flags: number, mode: number) =>
  tmsg(14, (dv, at) => {
    dv.setUint32(at, fid, true);
    let o = str(dv, at + 4, name);
    dv.setUint32(o, flags, true);
    dv.setUint32(o + 4, mode, true);
    dv.setUint32(o + 8, 0, true);
    o += 12;
    return o;
  });
export const Tclunk = (fid: number) =>
  tmsg(120, (dv, at) => {
    dv.setUint32(at, fid, true);
    return at + 4;
  });
export const Tgetattr = (fid: number) =>
  tmsg(24, (dv, at) => {
    dv.setUint32(at, fid, true);
    dv.setBigUint64(at + 4, 0x7ffn, true);
    return at + 12;
  });
/** Tread with its offset at byte 11 (patch with setOffset). */
export const Tread = (fid: number, count: number) =>
  tmsg(116, (dv, at) => {
    dv.setUint32(at, fid, true);
    dv.setUint32(at + 12, count, true);
    return at + 16;
  });
/** Twrite of `count` bytes of `fill`, offset at byte 11. */
export function Twrite(fid: number, count: number, fill: number): Uint8Array {
  return tmsg(
    118,
    (dv, at) => {
      dv.setUint32(at, fid, true);
      dv.setUint32(at + 12, count, true);
      new Uint8Array(dv.buffer).fill(fill, at + 16, at + 16 + count);
      return at + 16 + count;
    },
    count + 64,
  );
}
export function setOffset(msg: Uint8Array, off: number): void {
  const dv = new DataView(msg.buffer, msg.byteOffset);
  dv.setUint32(11, off % 0x100000000, true);
  dv.setUint32(15, Math.floor(off / 0x100000000), true);
}
