// Device-tree templates: the tree depends on the options and, through /chosen/rng-seed, on 32 random
// bytes. Building it (libfdt-style edits) dominated machine creation, so each distinct configuration is
// built once with a marker seed and later blobs are the template with the seed bytes patched in.

const SEED_LEN = 32;
/** An improbable 32-byte marker; the template is rebuilt normally if it ever appears twice. */
const MARKER = Uint8Array.from({ length: SEED_LEN }, (_, i) => ((i * 151 + 0x5a) & 0xff) ^ 0xc3);
const MAX_TEMPLATES = 32;

interface Template {
  blob: Uint8Array;
  seedAt: number;
}

const templates = new Map<string, Template | null>();

function findMarker(blob: Uint8Array): number {
  let found = -1;
  outer: for (let i = 0; i + SEED_LEN <= blob.length; i++) {
    for (let j = 0; j < SEED_LEN; j++) if (blob[i + j] !== MARKER[j]) continue outer;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

/**
 * Returns `build(seed)` for `key`, from a cached template when possible.
 * `build` must place `seed` verbatim (as /chosen/rng-seed) and depend on nothing else but `key`.
 */
export function cachedDtb(
  key: string,
  seed: Uint8Array,
  build: (seed: Uint8Array) => Uint8Array,
): Uint8Array {
  if (seed.length !== SEED_LEN) return build(seed);
  let t = templates.get(key);
  if (t === undefined) {
    const blob = build(MARKER);
    const seedAt = findMarker(blob);
    t = seedAt < 0 ? null : { blob, seedAt };
    if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value as string);
    templates.set(key, t);
  }
  if (t === null) return build(seed);
  const out = t.blob.slice();
  out.set(seed, t.seedAt);
  return out;
}
