// A program as rk build embeds it by default: two builds of the same source, transformed by
// asyncify (runs with either suspension mechanism) and without it (JSPI only). The asyncify pass
// makes SQLite's code about 4× slower even where nothing suspends, because every call site checks
// the unwind state, so with JSPI the plain build is the one to run. Each build is a loader: an
// image copies out (from its string of bytes, see rk's wasm-bytes.ts) only the one it runs.
import { resolveSuspend, type WasiSuspend } from './process';

/** Loaders of a program's two builds. */
export interface WasiProgramBuilds {
  /** The build transformed by asyncify. */
  asyncified(): Uint8Array | Promise<Uint8Array>;
  /** The build without asyncify (needs JSPI). */
  plain(): Uint8Array | Promise<Uint8Array>;
}

/** A program: its bytes (one build, run with the mechanism asked for), or both builds. */
export type WasiProgramSource = Uint8Array | WasiProgramBuilds;

/**
 * The bytes to run for `program` when `want` is asked for, with the mechanism to force: the plain
 * build when JSPI is what `want` resolves to, the asyncified one otherwise.
 * @throws RkWasiError when `want` is jspi and the engine lacks it.
 */
export async function chooseBuild(
  program: WasiProgramSource,
  want: WasiSuspend = 'auto',
): Promise<{ bytes: Uint8Array; suspend: WasiSuspend }> {
  // Duck-typed: bytes may come from another realm's Uint8Array.
  if (ArrayBuffer.isView(program)) return { bytes: program, suspend: want };
  const suspend = resolveSuspend(want);
  const bytes = await (suspend === 'jspi' ? program.plain() : program.asyncified());
  return { bytes, suspend };
}
