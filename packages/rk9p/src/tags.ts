// Tag and fid number allocation (Unikraft 9pdev.c's tag bitmap and 9pfid.c). Numbers are reused
// lowest-first once free, as a server expects from a well-behaved client.

/** Allocates integers in [0, limit) lowest-free first; `reserved` is never handed out. */
export class P9Ids {
  private readonly free: number[] = [];
  private next = 0;
  /** used[id] while id is handed out (ids stay below the most ever in use at once, plus one). */
  private readonly used: boolean[] = [];
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly reserved: number,
  ) {}

  /** @returns a free number, or -1 when all are in use. */
  alloc(): number {
    let id: number;
    if (this.free.length > 0) {
      let min = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i] < this.free[min]) min = i;
      id = this.free[min];
      this.free[min] = this.free[this.free.length - 1];
      this.free.pop();
    } else {
      if (this.next === this.reserved) this.next++;
      if (this.next >= this.limit) return -1;
      id = this.next++;
    }
    this.used[id] = true;
    this.count++;
    return id;
  }

  /** Returns `id` to the pool (a number not in use is ignored). */
  release(id: number): void {
    if (!this.has(id)) return;
    this.used[id] = false;
    this.count--;
    this.free.push(id);
  }

  has(id: number): boolean {
    return id < this.next && this.used[id] === true;
  }

  get inUse(): number {
    return this.count;
  }
}
