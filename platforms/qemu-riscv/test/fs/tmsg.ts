// Test-side 9P2000.L T-message builder and R-message field masker (deliberately independent of the
// server's codec in src/machine/backends/fs/wire.ts, so each checks the other).
const enc = new TextEncoder();

type Field = ['u8' | 'u16' | 'u32' | 'u64', number | bigint] | ['s', string] | ['raw', Uint8Array];

export function tmsg(type: number, tag: number, fields: Field[]): Uint8Array {
  const parts: number[] = [];
  const push = (v: number | bigint, n: number) => {
    let x = BigInt(v);
    for (let i = 0; i < n; i++) {
      parts.push(Number(x & 0xffn));
      x >>= 8n;
    }
  };
  for (const f of fields) {
    if (f[0] === 's') {
      const b = enc.encode(f[1]);
      push(b.length, 2);
      parts.push(...b);
    } else if (f[0] === 'raw') parts.push(...f[1]);
    else push(f[1], { u8: 1, u16: 2, u32: 4, u64: 8 }[f[0]]);
  }
  const out = new Uint8Array(7 + parts.length);
  new DataView(out.buffer).setUint32(0, out.length, true);
  out[4] = type;
  new DataView(out.buffer).setUint16(5, tag, true);
  out.set(parts, 7);
  return out;
}

const NOFID = 0xffffffff;
const u32 = (v: number): Field => ['u32', v];
const u64 = (v: number | bigint): Field => ['u64', v];
const s = (v: string): Field => ['s', v];

/** The requests a Linux client sends, by name. */
export const T = {
  version: (tag: number, msize: number, v = '9P2000.L') => tmsg(100, tag, [u32(msize), s(v)]),
  auth: (tag: number, afid: number) => tmsg(102, tag, [u32(afid), s(''), s(''), u32(0)]),
  attach: (tag: number, fid: number, uid = 0) =>
    tmsg(104, tag, [u32(fid), u32(NOFID), s(''), s(''), u32(uid)]),
  walk: (tag: number, fid: number, newfid: number, names: string[]) =>
    tmsg(110, tag, [u32(fid), u32(newfid), ['u16', names.length], ...names.map(s)]),
  lopen: (tag: number, fid: number, flags: number) => tmsg(12, tag, [u32(fid), u32(flags)]),
  lcreate: (tag: number, fid: number, name: string, flags: number, mode: number, gid = 0) =>
    tmsg(14, tag, [u32(fid), s(name), u32(flags), u32(mode), u32(gid)]),
  read: (tag: number, fid: number, off: number, count: number) =>
    tmsg(116, tag, [u32(fid), u64(off), u32(count)]),
  write: (tag: number, fid: number, off: number, data: Uint8Array) =>
    tmsg(118, tag, [u32(fid), u64(off), u32(data.length), ['raw', data]]),
  readdir: (tag: number, fid: number, off: number, count: number) =>
    tmsg(40, tag, [u32(fid), u64(off), u32(count)]),
  getattr: (tag: number, fid: number, mask = 0x7ff) => tmsg(24, tag, [u32(fid), u64(mask)]),
  setattr: (tag: number, fid: number, valid: number, a: { mode?: number; size?: number } = {}) =>
    tmsg(26, tag, [
      u32(fid),
      u32(valid),
      u32(a.mode ?? 0),
      u32(0),
      u32(0),
      u64(a.size ?? 0),
      u64(0),
      u64(0),
      u64(0),
      u64(0),
    ]),
  mkdir: (tag: number, dfid: number, name: string, mode: number, gid = 0) =>
    tmsg(72, tag, [u32(dfid), s(name), u32(mode), u32(gid)]),
  symlink: (tag: number, dfid: number, name: string, target: string, gid = 0) =>
    tmsg(16, tag, [u32(dfid), s(name), s(target), u32(gid)]),
  readlink: (tag: number, fid: number) => tmsg(22, tag, [u32(fid)]),
  link: (tag: number, dfid: number, fid: number, name: string) =>
    tmsg(70, tag, [u32(dfid), u32(fid), s(name)]),
  rename: (tag: number, fid: number, dfid: number, name: string) =>
    tmsg(20, tag, [u32(fid), u32(dfid), s(name)]),
  renameat: (tag: number, odfid: number, oname: string, ndfid: number, nname: string) =>
    tmsg(74, tag, [u32(odfid), s(oname), u32(ndfid), s(nname)]),
  unlinkat: (tag: number, dfid: number, name: string, flags = 0) =>
    tmsg(76, tag, [u32(dfid), s(name), u32(flags)]),
  remove: (tag: number, fid: number) => tmsg(122, tag, [u32(fid)]),
  statfs: (tag: number, fid: number) => tmsg(8, tag, [u32(fid)]),
  fsync: (tag: number, fid: number) => tmsg(50, tag, [u32(fid), u32(0)]),
  flush: (tag: number, old: number) => tmsg(108, tag, [['u16', old]]),
  clunk: (tag: number, fid: number) => tmsg(120, tag, [u32(fid)]),
  xattrwalk: (tag: number, fid: number, newfid: number, name: string) =>
    tmsg(30, tag, [u32(fid), u32(newfid), s(name)]),
  lock: (tag: number, fid: number) =>
    tmsg(52, tag, [u32(fid), ['u8', 1], u32(0), u64(0), u64(0), u32(1), s('c')]),
  getlock: (tag: number, fid: number) =>
    tmsg(54, tag, [u32(fid), ['u8', 1], u64(0), u64(10), u32(7), s('c')]),
};

/** A decoded reply: its type, tag, and (for Rlerror) errno. */
export function rinfo(r: Uint8Array): { size: number; type: number; tag: number; errno?: number } {
  const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
  const type = r[4];
  return {
    size: dv.getUint32(0, true),
    type,
    tag: dv.getUint16(5, true),
    errno: type === 7 ? dv.getUint32(7, true) : undefined,
  };
}

/**
 * The reply as hex with host-specific fields replaced by '..' bytes: qid version and path (inode,
 * mtime), Rgetattr times, blocks and nlink-independent host values, Rreaddir cookies, Rstatfs counters.
 */
export function masked(r: Uint8Array): string {
  const b = Array.from(r, (x) => x.toString(16).padStart(2, '0'));
  const mask = (at: number, n: number) => {
    for (let i = at; i < at + n && i < b.length; i++) b[i] = '..';
  };
  const qid = (at: number) => mask(at + 1, 12);
  const type = r[4];
  if (type === 105 || type === 13 || type === 15 || type === 73 || type === 17 || type === 19)
    qid(7);
  if (type === 111) for (let i = 0, n = r[7] | (r[8] << 8); i < n; i++) qid(9 + 13 * i);
  if (type === 25) {
    qid(15);
    mask(7 + 73, 48); // atime, mtime, ctime
  }
  if (type === 41) {
    // Entries sorted: Node lists a directory without `.` and `..`, so this server sends those two
    // first while QEMU keeps the host's getdents order for them too.
    const entries: string[] = [];
    for (let at = 11; at + 24 <= r.length; ) {
      const len = 24 + (r[at + 22] | (r[at + 23] << 8));
      qid(at);
      mask(at + 13, 8);
      entries.push(b.slice(at, at + len).join(''));
      at += len;
    }
    return `${b.slice(0, 11).join('')} ${entries.sort().join(' ')}`;
  }
  if (type === 9) mask(7 + 8, 48); // blocks … ffree and fsid: host counters
  return b.join('');
}
