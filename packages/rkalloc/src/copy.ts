// Byte copies between host arrays and guest RAM. Guest RAM is a SharedArrayBuffer, and V8 copies
// into or out of one with relaxed word moves only when both ends sit at the same offset mod 8; any
// other pair moves byte by byte (a 4 KiB page: ~1.0-1.7 us instead of ~0.15-0.4). SQLite's rollback
// journal puts each page right after its 4-byte page number, 4 bytes off the program's 8-aligned
// page buffer, so every journal page took the byte path. A copy whose ends disagree goes through a
// small ordinary buffer placed at the guest side's alignment: a plain memcpy into it, then a word
// copy out of it.

/** Bytes bounced per step. */
const BOUNCE = 16 * 1024;
/** Shorter copies go straight: the bounce costs more than the byte moves it saves. */
const MIN = 128;
const bounce = new Uint8Array(BOUNCE + 8);

/** Whether `host` and guest byte `at` of `guest` disagree mod 8 on a copy long enough to matter. */
const skewed = (host: Uint8Array, guest: Uint8Array, at: number): boolean =>
  host.length >= MIN && ((host.byteOffset - guest.byteOffset - at) & 7) !== 0;

/** Copies `src` into `guest` (a view of guest RAM) at index `at`: guest.set(src, at), word-aligned. */
export function copyToGuest(guest: Uint8Array, at: number, src: Uint8Array): void {
  if (!skewed(src, guest, at)) {
    guest.set(src, at);
    return;
  }
  const s = (guest.byteOffset + at) & 7;
  if (src.length <= BOUNCE) {
    // one step, one view
    bounce.set(src, s);
    guest.set(bounce.subarray(s, s + src.length), at);
    return;
  }
  for (let done = 0; done < src.length; done += BOUNCE) {
    const k = Math.min(BOUNCE, src.length - done);
    const b = bounce.subarray(s, s + k);
    b.set(src.subarray(done, done + k));
    guest.set(b, at + done);
  }
}

/** Fills `dst` from `guest` (a view of guest RAM) at index `at`: dst.set(guest.subarray(at, …)), word-aligned. */
export function copyFromGuest(dst: Uint8Array, guest: Uint8Array, at: number): void {
  if (!skewed(dst, guest, at)) {
    dst.set(guest.subarray(at, at + dst.length));
    return;
  }
  const s = (guest.byteOffset + at) & 7;
  for (let done = 0; done < dst.length; done += BOUNCE) {
    const k = Math.min(BOUNCE, dst.length - done);
    const b = bounce.subarray(s, s + k);
    b.set(guest.subarray(at + done, at + done + k));
    dst.set(b, done);
  }
}
