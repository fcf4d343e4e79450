// The synthetic mixed trace: sizes 8 B – 64 KiB (mostly small), short-lived (LIFO) and long-lived
// (random) blocks, some reallocs and memaligns. Deterministic (xorshift32 seeded).
import {
  type AllocTrace,
  OP_FREE,
  OP_MALLOC,
  OP_MEMALIGN,
  OP_REALLOC,
  TraceBuilder,
} from './trace';

export function synthTrace(ops = 200_000, seed = 12345, maxLive = 8000): AllocTrace {
  let s = seed >>> 0;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const logUniform = (lo: number, hi: number) => Math.floor(lo * (hi / lo) ** rnd());
  const size = () => {
    const r = rnd();
    return r < 0.7
      ? logUniform(8, 256)
      : r < 0.95
        ? logUniform(256, 4096)
        : logUniform(4096, 65536);
  };
  const b = new TraceBuilder();
  const live: number[] = [];
  const spare: number[] = [];
  let next = 0;
  for (let i = 0; i < ops; i++) {
    const r = rnd();
    if (live.length > 0 && (r < 0.45 || live.length >= maxLive)) {
      const k = rnd() < 0.6 ? live.length - 1 : Math.floor(rnd() * live.length);
      const slot = live[k];
      live[k] = live[live.length - 1];
      live.pop();
      spare.push(slot);
      b.push(OP_FREE, slot);
    } else if (live.length > 0 && r < 0.5) {
      b.push(OP_REALLOC, live[Math.floor(rnd() * live.length)], size());
    } else {
      const slot = spare.pop() ?? next++;
      live.push(slot);
      if (r > 0.99) b.push(OP_MEMALIGN, slot, size(), 64 << Math.floor(rnd() * 4));
      else b.push(OP_MALLOC, slot, size());
    }
  }
  return b.build('synthetic');
}
