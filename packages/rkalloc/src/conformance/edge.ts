// The kit's edge-case checks: alignment, realloc semantics, pages, out of memory, maxalloc, statistics.
import { Errno } from '@runikraft/errno';
import { RK_PAGE_SIZE } from '../api';
import { makeWithRegions, type RkAllocFactory } from './env';
import { fail, HeapModel } from './model';

/** One named check the kit runs; `run` throws on failure. */
export interface RkAllocCheck {
  readonly name: string;
  run(): void;
}

const expect = (cond: boolean, message: string) => {
  if (!cond) fail(message);
};

export function edgeChecks(make: RkAllocFactory, freeReclaims: boolean): RkAllocCheck[] {
  const fresh = () => {
    const { a, env } = makeWithRegions(make, false);
    return new HeapModel(a, env);
  };
  return [
    {
      name: 'malloc(0) and small sizes give distinct aligned blocks; free(0) is a no-op',
      run() {
        const m = fresh();
        for (const size of [0, 0, 1, 7, 8, 15, 16, 17, 31, 33, 100, 1000]) {
          const p = m.a.malloc(size);
          expect(p !== 0, `malloc(${size}) returned 0 on an empty heap`);
          m.add(p, Math.max(size, 1), 16);
        }
        m.a.free(0);
        m.checkStats();
        m.freeAll();
      },
    },
    {
      name: 'memalign honours every power-of-two alignment; posix_memalign rejects bad alignments',
      run() {
        const m = fresh();
        for (let align = 8; align <= 65536; align *= 2) {
          const p = m.a.memalign(align, 24);
          expect(p !== 0, `memalign(${align}, 24) returned 0`);
          m.add(p, 24, align);
        }
        expect(m.a.memalign(24, 8) === 0, 'memalign(24, 8) (not a power of two) must return 0');
        expect(
          m.a.posixMemalign(12, 8).err === -Errno.EINVAL,
          'posix_memalign(12) must be -EINVAL',
        );
        expect(
          m.a.posixMemalign(4, 8).err === -Errno.EINVAL,
          'posix_memalign(4) (< sizeof(void*)) must be -EINVAL',
        );
        const r = m.a.posixMemalign(256, 100);
        expect(r.err === 0 && r.ptr % 256 === 0, 'posix_memalign(256, 100) must succeed aligned');
        m.add(r.ptr, 100, 256);
        m.checkStats();
        m.freeAll();
      },
    },
    {
      name: 'realloc keeps contents, realloc(0, n) allocates and realloc(p, 0) frees',
      run() {
        const m = fresh();
        const p = m.a.realloc(0, 40);
        expect(p !== 0, 'realloc(0, 40) returned 0');
        const b = m.add(p, 40, 16);
        let cur = b;
        for (const size of [41, 200, 5000, 70000, 3000, 10]) {
          m.remove(m.live.indexOf(cur));
          const q = m.a.realloc(cur.ptr, size);
          expect(q !== 0, `realloc(${size}) returned 0`);
          m.verify({ ...cur, ptr: q }, Math.min(cur.size, size), cur.tag);
          cur = m.add(q, size, 16);
        }
        m.remove(m.live.indexOf(cur));
        expect(m.a.realloc(cur.ptr, 0) === 0, 'realloc(p, 0) must return 0');
        m.checkStats();
      },
    },
    {
      name: 'palloc returns page-aligned pages and pfree gives them back',
      run() {
        const m = fresh();
        const start = m.a.availmem();
        for (const n of [1, 2, 3, 4, 8, 16, 1]) {
          const p = m.a.palloc(n);
          expect(p !== 0, `palloc(${n}) returned 0`);
          m.add(p, n * RK_PAGE_SIZE, RK_PAGE_SIZE, n);
        }
        expect(m.a.palloc(0) === 0, 'palloc(0) must return 0');
        m.checkStats();
        m.freeAll();
        if (freeReclaims)
          expect(
            m.a.availmem() === start,
            `availmem ${m.a.availmem()} != ${start} after pfree of everything`,
          );
      },
    },
    {
      name: 'out of memory returns 0, counts nbEnomem and leaves the allocator usable; addmem memory is used',
      run() {
        const m = fresh();
        const start = m.a.availmem();
        expect(m.a.malloc(64 << 20) === 0, 'malloc(64 MiB) on a 2.5 MiB heap must return 0');
        expect(
          m.a.calloc(0x10000, 0x10000 * 0x10000) === 0,
          'calloc with an overflowing product must return 0',
        );
        let n = 0;
        for (; n < 4096; n++) {
          const p = m.a.malloc(16384);
          if (p === 0) break;
          m.add(p, 16384, 16);
        }
        expect(n < 4096, 'the heap never ran out after 4096 x 16 KiB');
        expect(
          m.live.some((b) => b.ptr >= m.env.extra.base),
          'no block came from the region given by addmem',
        );
        expect(
          m.a.stats().nbEnomem >= 3,
          `stats.nbEnomem is ${m.a.stats().nbEnomem}, expected >= 3`,
        );
        for (const b of m.live) m.verify(b);
        m.freeAll();
        m.checkStats();
        if (!freeReclaims) return;
        expect(
          m.a.availmem() === start,
          `availmem ${m.a.availmem()} != ${start} after recovering from OOM`,
        );
        const p = m.a.malloc(65536);
        expect(p !== 0, 'malloc(64 KiB) failed after freeing everything');
        m.add(p, 65536, 16);
        m.freeAll();
      },
    },
    {
      name: 'maxalloc() bytes can be allocated and availmem() bounds it',
      run() {
        const m = fresh();
        for (let round = 0; round < 3; round++) {
          const max = m.a.maxalloc();
          if (round > 0 && max === 0) break;
          expect(
            max > 0 && max <= m.a.availmem(),
            `maxalloc ${max} must be in (0, availmem ${m.a.availmem()}]`,
          );
          const p = m.a.malloc(max);
          expect(p !== 0, `malloc(maxalloc() = ${max}) returned 0`);
          m.add(p, Math.min(max, 4096), 16);
        }
        m.freeAll();
      },
    },
    {
      name: 'statistics record sizes, counts and peaks',
      run() {
        const m = fresh();
        const p = m.a.malloc(100);
        const q = m.a.malloc(3000);
        m.a.free(p);
        const s = m.a.stats();
        expect(
          s.lastAllocSize === 3000 && s.maxAllocSize === 3000 && s.minAllocSize === 100,
          `sizes wrong: ${JSON.stringify(s)}`,
        );
        expect(
          s.totNbAllocs === 2 && s.totNbFrees === 1 && s.curNbAllocs === 1 && s.maxNbAllocs === 2,
          `counts wrong: ${JSON.stringify(s)}`,
        );
        expect(
          s.curMemUse >= 3000 && s.maxMemUse >= s.curMemUse + 100,
          `bytes wrong: ${JSON.stringify(s)}`,
        );
        expect(m.a.usableSize(q) >= 3000, `usableSize(q) ${m.a.usableSize(q)} < 3000`);
        m.a.free(q);
        expect(m.a.stats().curMemUse === 0, 'curMemUse must be 0 with nothing live');
      },
    },
  ];
}
