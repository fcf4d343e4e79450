// Emulations for operations a backend leaves out (Unikraft's uk_memalign_compat, uk_palloc_compat,
// uk_realloc_compat in lib/ukalloc/alloc.c), so every provider offers the full API.
import type { RkPhysMem } from '@runikraft/rkplat';
import { RK_MALLOC_ALIGN, RK_PAGE_SIZE } from './api';
import type { RkAllocBackend } from './backend';

/** Returns a backend with memalign, palloc/pfree and realloc, emulating those `b` lacks. */
export function withCompat(b: RkAllocBackend, phys: RkPhysMem): RkAllocBackend {
  if (b.memalign && b.palloc && b.pfree && b.realloc) return b;
  const u8 = phys.u8;
  const base = phys.base;
  // aligned pointer -> raw pointer, for memalign emulated by over-allocating with malloc
  const aligned = new Map<number, number>();
  const nativeFree = b.free.bind(b);
  const nativeUsable = b.usableSize.bind(b);

  const free = (ptr: number): number => {
    if (aligned.size > 0) {
      const raw = aligned.get(ptr);
      if (raw !== undefined) {
        aligned.delete(ptr);
        return nativeFree(raw) - (ptr - raw);
      }
    }
    return nativeFree(ptr);
  };
  const usableSize = (ptr: number): number => {
    const raw = aligned.size > 0 ? aligned.get(ptr) : undefined;
    return raw === undefined ? nativeUsable(ptr) : nativeUsable(raw) - (ptr - raw);
  };
  const memalign =
    b.memalign?.bind(b) ??
    ((align: number, size: number): number => {
      const raw = b.malloc(size + align - RK_MALLOC_ALIGN);
      if (raw === 0) return 0;
      const ptr = Math.ceil(raw / align) * align;
      if (ptr !== raw) aligned.set(ptr, raw);
      return ptr;
    });
  const nativeRealloc = b.realloc?.bind(b);
  const realloc = (ptr: number, size: number): number => {
    if (nativeRealloc && !aligned.has(ptr)) return nativeRealloc(ptr, size);
    const old = usableSize(ptr);
    if (size <= old && aligned.size === 0) return ptr;
    const n = b.malloc(size);
    if (n === 0) return 0;
    u8.copyWithin(n - base, ptr - base, ptr - base + Math.min(old, size));
    free(ptr);
    return n;
  };
  return {
    name: b.name,
    freeReclaims: b.freeReclaims,
    malloc: b.malloc.bind(b),
    free,
    usableSize,
    memalign,
    realloc,
    palloc: b.palloc?.bind(b) ?? ((n: number) => memalign(RK_PAGE_SIZE, n * RK_PAGE_SIZE)),
    pfree: b.pfree?.bind(b) ?? ((ptr: number) => void free(ptr)),
    addmem: b.addmem.bind(b),
    availmem: b.availmem.bind(b),
    maxalloc: b.maxalloc.bind(b),
  };
}
