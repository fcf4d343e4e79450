// The front end every allocator shares (lib/ukalloc/alloc.c): argument checks, statistics, calloc,
// realloc, posix_memalign, sized release, and the optional hardening layer over the provider's backend.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import { RK_MALLOC_ALIGN, RK_PAGE_SIZE, type RkAlloc, type RkAllocStats } from './api';
import type { RkAllocBackend } from './backend';
import { withCompat } from './compat';
import { fillBytes } from './fill';
import { hardenBackend, type RkHardenedBackend } from './hardening/harden';
import type { RkHardeningOptions } from './hardening/options';
import { RkAllocViolation } from './hardening/violation';
import { emptyStats, statAlloc, statFree } from './stats';

/** Largest single request accepted (guest addresses are 32-bit here). */
export const RK_ALLOC_MAX_SIZE = 0x1_0000_0000;

export interface RkAllocOptions {
  /** Instance name; defaults to the backend's name. */
  name?: string;
  /** Hardening options, or false/undefined for none. */
  harden?: RkHardeningOptions | false;
}

const isPow2 = (n: number) => n > 0 && n <= 0x4000_0000 && (n & (n - 1)) === 0;
const badSize = (n: number) => !(n >= 0 && n <= RK_ALLOC_MAX_SIZE) || n % 1 !== 0;

/** Builds the allocator instance users call from a provider's backend over guest RAM `phys`. */
export function createRkAlloc(
  backend: RkAllocBackend,
  phys: RkPhysMem,
  opts: RkAllocOptions = {},
): RkAlloc {
  const name = opts.name ?? backend.name;
  const compat = withCompat(backend, phys);
  const hb: RkHardenedBackend | null = opts.harden
    ? hardenBackend(compat, phys, opts.harden, name)
    : null;
  const b: RkAllocBackend = hb ?? compat;
  const s = emptyStats();
  const lo = phys.base;
  const hi = phys.base + phys.size;
  const u8 = phys.u8;
  const enomem = (): number => {
    s.nbEnomem++;
    return 0;
  };
  const checkPtr = (ptr: number, op: string) => {
    if (ptr < lo || ptr >= hi || ptr % 8 !== 0)
      throw new RkAllocViolation(
        name,
        'invalid-free',
        ptr,
        `${op} of a pointer outside the heap or misaligned`,
      );
  };

  const self: RkAlloc = {
    name,
    phys,
    hardened: hb !== null,
    malloc(size) {
      if (badSize(size)) return enomem();
      const p = b.malloc(size === 0 ? 1 : size);
      if (p === 0) return enomem();
      statAlloc(s, size, b.usableSize(p));
      return p;
    },
    calloc(nmemb, size) {
      const total = nmemb * size;
      if (badSize(nmemb) || badSize(size) || badSize(total)) return enomem();
      const p = self.malloc(total);
      if (p !== 0) fillBytes(u8, p - lo, total, 0);
      return p;
    },
    realloc(ptr, size) {
      if (ptr === 0) return self.malloc(size);
      checkPtr(ptr, 'realloc');
      if (size === 0) {
        self.free(ptr);
        return 0;
      }
      if (badSize(size)) return enomem();
      const old = b.usableSize(ptr);
      const p = b.realloc!(ptr, size);
      if (p === 0) return enomem();
      statFree(s, old);
      statAlloc(s, size, b.usableSize(p));
      return p;
    },
    memalign(align, size) {
      if (!isPow2(align) || badSize(size)) return enomem();
      if (align <= RK_MALLOC_ALIGN) return self.malloc(size);
      const p = b.memalign!(align, size === 0 ? 1 : size);
      if (p === 0) return enomem();
      statAlloc(s, size, b.usableSize(p));
      return p;
    },
    posixMemalign(align, size) {
      if (!isPow2(align) || align % 8 !== 0) return { err: -Errno.EINVAL, ptr: 0 };
      const ptr = self.memalign(align, size);
      return { err: ptr === 0 ? -Errno.ENOMEM : 0, ptr };
    },
    free(ptr) {
      if (ptr === 0) return;
      checkPtr(ptr, 'free');
      statFree(s, b.free(ptr));
    },
    release(ptr, size) {
      if (ptr === 0) return;
      checkPtr(ptr, 'release');
      hb?.checkSize(ptr, size === 0 ? 1 : size); // malloc(0) allocates 1 byte
      statFree(s, b.free(ptr));
    },
    palloc(npages) {
      if (!(npages >= 1) || npages % 1 !== 0 || npages > RK_ALLOC_MAX_SIZE / RK_PAGE_SIZE)
        return enomem();
      const p = b.palloc!(npages);
      if (p === 0) return enomem();
      statAlloc(s, npages * RK_PAGE_SIZE, npages * RK_PAGE_SIZE);
      return p;
    },
    pfree(ptr, npages) {
      if (ptr === 0) return;
      checkPtr(ptr, 'pfree');
      b.pfree!(ptr, npages);
      statFree(s, npages * RK_PAGE_SIZE);
    },
    addmem(base, len) {
      if (!(len > 0) || base < lo || base + len > hi) return -Errno.EINVAL;
      return b.addmem(base, len);
    },
    availmem: () => b.availmem(),
    maxalloc: () => b.maxalloc(),
    pavailmem: () => Math.floor(b.availmem() / RK_PAGE_SIZE),
    pmaxalloc: () => Math.floor(b.maxalloc() / RK_PAGE_SIZE),
    usableSize(ptr) {
      if (ptr === 0) return 0;
      checkPtr(ptr, 'usableSize');
      return b.usableSize(ptr);
    },
    stats: (): RkAllocStats => ({ ...s }),
    check() {
      hb?.check();
    },
  };
  return self;
}
