// Bounds a module's linear memory before it is compiled: rewrites the maximum of its memory (defined
// or imported) to at most `maxPages`, so memory.grow beyond what the kernel grants fails inside the
// program (malloc returns NULL, errno ENOMEM) instead of taking host memory the guest does not have.
// Only the memory limits are touched; every other byte of the module is kept.

export class WasmFormatError extends Error {
  constructor(what: string, at: number) {
    super(`not a WebAssembly module: ${what} at byte ${at}`);
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (let i = at; i < b.length && i < at + 5; i++) {
    v += (b[i]! & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b[i]! & 0x80)) return [v, i + 1];
  }
  throw new WasmFormatError('truncated LEB128', at);
}

function encLeb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Re-encodes the limits at `at` with max ≤ maxPages. @returns [new bytes, end of the old limits]. */
function limits(b: Uint8Array, at: number, maxPages: number): [number[], number, number] {
  const flag = b[at];
  if (flag === undefined || flag > 3) throw new WasmFormatError(`memory limits flag ${flag}`, at);
  const [min, p] = leb(b, at + 1);
  let end = p;
  let max = maxPages;
  if (flag & 1) {
    const [m, q] = leb(b, p);
    max = Math.min(m, maxPages);
    end = q;
  }
  return [[flag | 1, ...encLeb(min), ...encLeb(Math.max(max, 0))], end, min];
}

/** The module's memory minimum in pages after the patch, and the patched bytes. */
export interface LimitedModule {
  bytes: Uint8Array;
  /** Initial pages the module declares (null: it has no memory). */
  minPages: number | null;
}

/** Caps the module's memory maximum at `maxPages` (64 KiB pages). */
export function limitMemory(mod: Uint8Array, maxPages: number): LimitedModule {
  for (let i = 0; i < 8; i++)
    if (mod[i] !== MAGIC[i]) throw new WasmFormatError('bad magic or version', i);
  // Untouched sections are kept as views: copying a 2.5 MB code section through JS arrays took
  // ~180 ms per program start.
  const out: (Uint8Array | number[])[] = [mod.subarray(0, 8)];
  let minPages: number | null = null;
  let at = 8;
  while (at < mod.length) {
    const id = mod[at]!;
    const [size, body] = leb(mod, at + 1);
    const end = body + size;
    if (end > mod.length) throw new WasmFormatError(`section ${id} runs past the end`, at);
    if (id === 5 || id === 2) {
      const patched =
        id === 5
          ? memorySection(mod, body, end, maxPages)
          : importSection(mod, body, end, maxPages);
      if (patched) {
        minPages = patched.min;
        out.push([id, ...encLeb(patched.body.length)], patched.body);
        at = end;
        continue;
      }
    }
    out.push(mod.subarray(at, end));
    at = end;
  }
  const total = out.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const p of out) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, minPages };
}

function memorySection(b: Uint8Array, at: number, end: number, maxPages: number) {
  const [count, p] = leb(b, at);
  if (count === 0) return null;
  const [lim, q, min] = limits(b, p, maxPages);
  return { body: [...encLeb(count), ...lim, ...b.subarray(q, end)], min };
}

function importSection(b: Uint8Array, at: number, end: number, maxPages: number) {
  const [count, first] = leb(b, at);
  let p = first;
  for (let i = 0; i < count; i++) {
    const [ml, a] = leb(b, p);
    const [fl, c] = leb(b, a + ml);
    const kindAt = c + fl;
    const kind = b[kindAt];
    let q = kindAt + 1;
    if (kind === 0) q = leb(b, q)[1];
    else if (kind === 1) {
      const f = b[q + 1]!;
      q = leb(b, q + 2)[1];
      if (f & 1) q = leb(b, q)[1];
    } else if (kind === 2) {
      const [lim, r, min] = limits(b, q, maxPages);
      return {
        body: [...Array.from(b.subarray(at, q)), ...lim, ...Array.from(b.subarray(r, end))],
        min,
      };
    } else if (kind === 3) q += 2;
    else if (kind === 4) q = leb(b, q + 1)[1];
    else throw new WasmFormatError(`import kind ${kind}`, kindAt);
    p = q;
  }
  return null;
}
