// helloworld on the rkalloc allocator chosen in package.json: allocates and frees through the
// registry's default allocator, prints its figures, exits 0. Argument "double-free" misuses the heap
// on purpose (with <lib>.harden=1 the kernel panics naming the violation).
import '@runikraft/rkalloc';
import type { RkMainArgs } from '@runikraft/rkboot';

export default function main({ argv, registry, plat }: RkMainArgs): number {
  const alloc = registry.get('rkalloc').default;
  plat.console.out('Hello, world!\n');
  const p = alloc.malloc(64);
  const q = alloc.calloc(16, 16);
  const pages = alloc.palloc(2);
  if (p === 0 || q === 0 || pages === 0) return 2;
  alloc.phys.u8.set([72, 105], p - alloc.phys.base);
  alloc.free(p);
  alloc.free(q);
  alloc.pfree(pages, 2);
  const s = alloc.stats();
  plat.console.out(
    `${alloc.name}: ${alloc.availmem()} bytes free, ${s.totNbAllocs} allocs, ${s.curNbAllocs} live, hardened ${alloc.hardened ? 'yes' : 'no'}\n`,
  );
  if (argv.includes('double-free')) {
    const r = alloc.malloc(32);
    alloc.free(r);
    alloc.free(r);
    plat.console.out('double free went unnoticed\n');
  }
  return s.curNbAllocs;
}
