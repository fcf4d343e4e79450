// The kit's checks of an allocator library descriptor: init on the platform's free regions (never on
// reserved or kernel memory), `rkalloc` provided, hardening parameters honoured, no memory = ENOMEM.
import { Errno } from '@runikraft/errno';
import type { RkLibrary, RkRegistry } from '@runikraft/rkboot';
import type { RkMemRegion, RkPlat } from '@runikraft/rkplat';
import { RkAllocViolation } from '../hardening/violation';
import { createTestPhys } from './env';
import { fail } from './model';

const MiB = 1 << 20;

/** A platform stub with only what allocator init uses: memory regions, guest RAM and the clocks. */
export function stubPlat(regions: RkMemRegion[], ramBytes = 4 * MiB): RkPlat {
  const phys = createTestPhys(ramBytes);
  return {
    name: 'stub',
    memory: { regions: () => regions, phys },
    time: {
      monotonicNs: () => 12345,
      wallClockNs: () => 1_700_000_000_000_000_000n,
      resolutionNs: 100,
    },
  } as unknown as RkPlat;
}

/** A registry stub recording what init provides. */
export function stubRegistry(): RkRegistry & { provided: Map<string, unknown> } {
  const provided = new Map<string, unknown>();
  return {
    provided,
    provide(api, impl) {
      if (provided.has(api)) throw new Error(`${api} provided twice`);
      provided.set(api, impl);
    },
    get: ((api: string) => {
      if (!provided.has(api)) throw new Error(`${api} missing`);
      return provided.get(api);
    }) as RkRegistry['get'],
    tryGet: (api) => provided.get(api) as never,
    has: (api) => provided.has(api),
  };
}

const B = 0x8000_0000;
const REGIONS: RkMemRegion[] = [
  { pbase: B, len: 0x4_0000, type: 'kernel', name: 'image' },
  { pbase: B + 0x4_0000, len: 0x10_0000, type: 'free', name: 'memory' },
  { pbase: B + 0x14_0000, len: 0x1_0000, type: 'devicetree', name: 'dtb' },
  { pbase: B + 0x15_0000, len: 0x20_0000, type: 'free', name: 'memory' },
  { pbase: B + 0x35_0000, len: 0xb_0000, type: 'reserved', name: 'reserved-memory' },
];

async function boot(lib: RkLibrary<any>, params: Record<string, unknown>, regions = REGIONS) {
  const registry = stubRegistry();
  const specs = (lib.params ?? {}) as Record<string, { default: unknown }>;
  const defaults = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
  await lib.init?.({
    registry,
    plat: stubPlat(regions),
    params: { ...defaults, ...params } as never,
    library: lib,
  });
  return registry;
}

export function libraryChecks(lib: RkLibrary<any>): { name: string; run(): Promise<void> }[] {
  return [
    {
      name: `${lib.name}: descriptor provides rkalloc, requires rkplat, inits at plat level, declares harden/seed`,
      async run() {
        if (
          !lib.provides?.includes('rkalloc') ||
          !lib.requires?.includes('rkplat') ||
          lib.initLevel !== 'plat'
        )
          fail(
            `descriptor must provide rkalloc, require rkplat, initLevel plat: ${JSON.stringify(lib)}`,
          );
        if (!lib.params?.harden || !lib.params?.seed)
          fail('descriptor must declare the harden and seed parameters');
      },
    },
    {
      name: `${lib.name}: init provides rkalloc over the free regions only`,
      async run() {
        const r = await boot(lib, {});
        const api = r.get('rkalloc');
        const a = api.default;
        if (a.hardened) fail('hardened by default');
        const free = REGIONS.filter((x) => x.type === 'free');
        const total = free.reduce((t, x) => t + x.len, 0);
        if (a.availmem() > total || a.availmem() < total / 2)
          fail(`availmem ${a.availmem()} does not match the free regions (${total} bytes)`);
        for (let i = 0; i < 200; i++) {
          const p = a.malloc(8192);
          if (p === 0) break;
          if (!free.some((x) => p >= x.pbase && p + 8192 <= x.pbase + x.len))
            fail(`block 0x${p.toString(16)} is outside every free region`);
        }
        if (api.forPurpose('dma') !== a || api.find(a.name) !== a)
          fail('purpose/find must fall back to the default');
      },
    },
    {
      name: `${lib.name}: <lib>.harden=1 turns on hardening`,
      async run() {
        const a = (await boot(lib, { harden: true, seed: 99 })).get('rkalloc').default;
        if (!a.hardened) fail('harden=1 ignored');
        const p = a.malloc(24);
        a.free(p);
        try {
          a.free(p);
        } catch (e) {
          if (e instanceof RkAllocViolation && e.violation === 'double-free') return;
          throw e;
        }
        fail('double free undetected with harden=1');
      },
    },
    {
      name: `${lib.name}: no free region is a precise ENOMEM error`,
      async run() {
        try {
          await boot(
            lib,
            {},
            REGIONS.filter((x) => x.type !== 'free'),
          );
        } catch (e) {
          if (
            (e as { errno?: number }).errno === Errno.ENOMEM &&
            /free memory region/.test(String(e))
          )
            return;
          throw e;
        }
        fail('init succeeded without any free region');
      },
    },
  ];
}
