// The prose under the measured tables: what the figures say and which allocator is the default.
// Written from the figures of the recorded run (BENCHMARKS.md); re-read it when the figures move.

export const ANALYSIS = `### Reading the figures

- **Default: \`rkalloc-tlsf\`.** Buddy is the fastest of ours on both traces, but only by 6% (synthetic)
  to 25% (cc1) over TLSF, while TLSF uses the least memory of the fast allocators: heap used at the peak is
  1.02–1.03× the live bytes, against 1.15–1.42× for buddy, whose power-of-two page blocks (every request
  above 2 KiB) and 16 KiB slabs round sizes up. TLSF's cost per operation is bounded by construction (two
  bitmap lookups, no search, no hashing), its initialisation is constant, and a unikernel's RAM is usually
  small and fixed: for a default, 13–40% less memory is worth more than 6–25% more allocations per second.
  Choose buddy when page-granular \`palloc\` dominates (drivers, DMA rings: naturally aligned pages served
  natively) or for raw throughput. Tiny is for small heaps only: its free list is kept sorted and compacted
  on every free, so it slows with the number of free blocks (75× slower than TLSF on the synthetic trace).
  Region never reuses memory (12× the live bytes on these traces): boot-time or run-once heaps.
- **Against @thi.ng/malloc**, the TypeScript ArrayBuffer allocator on npm, TLSF and buddy are 220–240×
  faster on the synthetic trace and 50–65× on cc1 (MemPool walks a linked free list on malloc and free),
  with the same or lower fragmentation.
- **Against glibc**, native malloc (tcache, size bins, compiled C, no SharedArrayBuffer) is 2.6× ahead of
  our best on the synthetic trace and 4.6× on cc1, whose many small short-lived blocks are tcache's best
  case. Part of the gap is the front end every kernel call goes through (argument checks, statistics with a
  \`usableSize\` per malloc and free), which glibc does not have.
- **Buddy metadata, guest RAM vs JS structures.** \`buddy\` keeps its free lists as links inside the free
  blocks in guest RAM, with free-block heads marked in the page-kind table (the default);
  \`buddy-js\` (tools/bench/src/alloc/buddy-js.ts, a bench-only variant) keeps one JS Set per order. Guest
  RAM was faster: 1.03× on the synthetic trace, 1.19× on cc1 (an earlier, noisier run had them swapped on
  one trace; this run takes each allocator's best of three rounds). The slab layer for objects ≤ 2 KiB keeps
  its 32-byte headers and free-object lists in guest RAM in both variants.
- **Initialisation is not linear in heap size.** Unikraft's buddy takes 2.4 ms for 1 GiB because it
  touches every page; ours carves the region into at most ~2·log2(n) aligned blocks and allocates its
  page-kind table lazily in 16 MiB chunks, so a 1 GiB heap costs the same ~10–16 µs as a 16 MiB one
  (about 150× less than Unikraft's figure). TLSF, tiny and region are O(1): a few microseconds at any
  size (the 1 MiB row includes first-call JIT warm-up).
- **Hardening** (16-byte canaries on both sides of every block checked on free, poisoning of freed memory,
  a 32-block quarantine whose poison is re-checked on eviction, double/invalid-free and size-mismatch
  detection, randomised placement) costs about 7× in ops/s for buddy and TLSF (1.9× for tiny, whose own
  cost dominates; 4.8× for region): every malloc and free does Map operations, writes and checks 32 canary
  bytes and poisons the whole freed block. A debugging and defence-in-depth mode, off by default, on with
  \`<allocator library>.harden=1\` (e.g. \`-append rkalloc-tlsf.harden=1\`).
- **Boot time.** Composing an allocator adds about 0.2 ms (11–15%) to helloworld's in-process boot on
  this run, the same for all four within noise: allocator init is O(1)/O(log n) and runs once; the rest is
  the extra library's init and main's own allocations and printing. The image grows by 20–30 KB (the
  rkalloc front end with hardening, plus the allocator).
`;
