// The page kind table, allocated lazily in 16 MiB chunks so creating a 1 GiB heap costs no
// per-page work (what a page is: nothing, a block head of some order, or part of a slab of some class).

const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;

/** One byte per page, materialised on first write to a chunk; unwritten pages read 0. */
export class PageKinds {
  private readonly chunks: (Uint8Array | undefined)[];
  constructor(pages: number) {
    this.chunks = new Array(Math.ceil(pages / CHUNK));
  }
  get(page: number): number {
    const c = this.chunks[page >>> CHUNK_SHIFT];
    return c === undefined ? 0 : c[page & (CHUNK - 1)];
  }
  set(page: number, kind: number): void {
    const i = page >>> CHUNK_SHIFT;
    const c = this.chunks[i] ?? (this.chunks[i] = new Uint8Array(CHUNK));
    c[page & (CHUNK - 1)] = kind;
  }
}
