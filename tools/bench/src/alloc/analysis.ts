// The prose under the measured tables: what the figures say and which allocator is the default.
// Written from the figures of the recorded runs; re-read it when the figures move.

export const ANALYSIS = `### Reading the figures

- **Default: \`rkalloc-tlsf\`.** On both traces it is as fast as buddy within this machine's noise (the two
  trade places from run to run: 4–9 M ops/s each across our runs), it is O(1) per operation by construction (two bitmaps, no search, no
  hashing), and it wastes the least memory of the fast ones: heap used ≈ 1.02–1.03× the live bytes at
  the peak, against 1.15–1.42× for buddy, whose power-of-two page blocks and 16 KiB slabs round sizes up.
  Its initialisation is constant (two headers written, whatever the heap size). Buddy is the choice when
  page-granular \`palloc\` dominates (drivers, DMA rings): it serves naturally aligned pages natively.
  Tiny is for small heaps only: its free list is kept sorted and compacted on every free, so it slows down
  with the number of free blocks (tinyalloc's design). Region never reuses memory (12× the live bytes on
  these traces): boot-time or run-once heaps.
- **Against @thi.ng/malloc**, the TypeScript ArrayBuffer allocator on npm, TLSF and buddy are 40–200× faster
  on both traces (MemPool walks a linked free list on malloc and free), at the same or better fragmentation.
- **Against glibc**, native malloc (tcache, size bins, compiled C, no SharedArrayBuffer) stays 2–7× ahead of
  our best. Part of the gap is the front end every kernel call goes through (argument checks, statistics
  with \`usableSize\` per malloc and free), which glibc does not have.
- **Buddy metadata, JS structures vs guest RAM.** \`buddy\` keeps the buddy free lists in one JS Set per
  order (the default); \`buddy-ram\` (\`new BuddyBackend(phys, base, len, {freeLists: 'ram'})\`) keeps them as
  links inside the free blocks in guest RAM, with free-block heads marked in the page-kind table. Across our
  runs neither wins consistently (each was ahead by up to 2× on one trace and behind on the other, within
  this machine's noise); JS Sets stay the default because they never write into free pages (on a fresh
  heap every such write is a page fault of the host). The slab layer for objects ≤ 2 KiB keeps its 32-byte
  slab headers and free lists in guest RAM in both variants.
- **Initialisation is not linear in heap size.** Unikraft's buddy takes 2.4 ms for 1 GiB because it
  touches every page; ours carves the region into at most ~2·log2(n) aligned blocks and allocates its
  page-kind table lazily in 16 MiB chunks, so 1 MiB and 1 GiB cost the same few microseconds (the 1 MiB row
  includes first-call JIT warm-up). TLSF, tiny and region are O(1).
- **Hardening** (16-byte canaries on both sides of every block checked on free, poisoning of freed memory,
  a 32-block quarantine whose poison is re-checked on eviction, double/invalid-free and size-mismatch
  detection, randomised placement) costs 6–12× in ops/s for the fast allocators (under 2× for tiny, whose own
  cost dominates; region's no-op free makes its ratio the largest): every malloc and free does Map operations, writes/checks 32 canary bytes and poisons
  the freed block. It is a debugging and defence-in-depth mode, off by default,
  on with \`<allocator library>.harden=1\`.
- **Boot time.** Choosing an allocator changes helloworld's in-process boot time by less than this machine's
  run-to-run noise (the table's ratios move by ±50% between runs, and in both directions): allocator init is
  O(1)/O(log n) and happens once. The image grows by 20–29 KB (the rkalloc front end, hardening and the
  allocator).
`;
