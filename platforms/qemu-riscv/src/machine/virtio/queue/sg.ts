// Copying between host bytes and a chain's validated segments (QEMU iov_to_buf/iov_from_buf).
// Segments were checked against RAM when the chain was walked, so these cannot leave guest RAM.
import type { GuestRam } from '../../../isa/hart';
import type { VirtqSeg } from './chain';

/** Copies up to `out.length` bytes from `segs`, starting `skip` bytes in. @returns bytes copied. */
export function readSegs(
  ram: GuestRam,
  segs: readonly VirtqSeg[],
  skip: number,
  out: Uint8Array,
): number {
  let done = 0;
  for (const s of segs) {
    if (done >= out.length) break;
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const n = Math.min(s.len - skip, out.length - done);
    const at = s.addr - ram.base + skip;
    out.set(ram.u8.subarray(at, at + n), done);
    done += n;
    skip = 0;
  }
  return done;
}

/** Copies `data` into `segs` starting `skip` bytes in. @returns bytes written (short if segs are). */
export function writeSegs(
  ram: GuestRam,
  segs: readonly VirtqSeg[],
  skip: number,
  data: Uint8Array,
): number {
  let done = 0;
  for (const s of segs) {
    if (done >= data.length) break;
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const n = Math.min(s.len - skip, data.length - done);
    ram.u8.set(data.subarray(done, done + n), s.addr - ram.base + skip);
    done += n;
    skip = 0;
  }
  return done;
}

/** Gathers all of `segs` into one new array. */
export function gatherSegs(ram: GuestRam, segs: readonly VirtqSeg[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  readSegs(ram, segs, 0, out);
  return out;
}
