// Guest images: a script `rk build` writes (esbuild IIFE defining IMAGE_GLOBAL), compiled once here and
// evaluated in each machine's guest realm, never imported into Node's own realm.
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import type { Hart, ImageEntry } from '../../isa/hart';
import type { GuestRealm } from './realm';
import { type ImageSourceMap, readImageSourceMap, SOURCE_MAP_SOURCE } from './source-map';

/** How an image is loaded. */
export interface LoadImageOptions {
  /**
   * For a debugger (`rk run --inspect`): the source map is inlined as a data: URL with absolute file:
   * sources, so Chrome DevTools and VS Code find the TypeScript sources without reading files.
   */
  inspect?: boolean;
  /** `--inspect-brk`: pause (a `debugger` statement) after the image is evaluated, before its entry runs. */
  breakOnStart?: boolean;
}

const mapperScript = new Script(SOURCE_MAP_SOURCE, { filename: 'runikraft:source-map.js' });
const breakScript = new Script(
  '// rk run --inspect-brk: the image is loaded; set breakpoints in its sources, then resume.\ndebugger;',
  { filename: 'runikraft:inspect-brk.js' },
);

/** The global the image script defines; its `default` is the entry `(hart, a0, a1)`. */
export const IMAGE_GLOBAL = 'RunikraftImage';

const MARKER = `var ${IMAGE_GLOBAL} =`;

/** Reads the image's module object and drops the global's reference (a `var` global cannot be deleted). */
const takeImage = new Script(
  `(() => { const m = globalThis.${IMAGE_GLOBAL}; globalThis.${IMAGE_GLOBAL} = undefined; return m; })()`,
);

/** A compiled guest image, ready to be booted by `Machine.boot` in the machine's realm. */
export class GuestImage {
  private constructor(
    /** Where the image came from (file path or the name given with the source). */
    readonly filename: string,
    private readonly script: Script,
    private readonly sourceMap: ImageSourceMap | undefined,
    private readonly breakOnStart: boolean,
  ) {}

  /**
   * Compiles an image script. @throws Error naming `filename` when the source is not a Runikraft
   * image (no `var RunikraftImage =`, e.g. an ES module from an older rk build) or does not parse.
   */
  static fromSource(
    source: string,
    filename: string,
    sourceMap?: ImageSourceMap,
    opts: LoadImageOptions = {},
  ): GuestImage {
    if (!source.includes(MARKER))
      throw new Error(
        `${filename} is not a Runikraft image (it does not define ${IMAGE_GLOBAL}, the entry (hart, a0, a1)); rebuild it with rk build`,
      );
    let script: Script;
    let text = source;
    if (opts.inspect && sourceMap)
      text = source.replace(
        /\/\/# sourceMappingURL=\S+\s*$/,
        // spelled in two parts: written whole, the bundled dist ends with what looks like its own
        // source-map comment, and vite (vitest in a user's package) fails to read that "map"
        `//# ${'sourceMappingURL'}=${sourceMap.dataUrl()}\n`,
      );
    try {
      script = new Script(text, { filename });
    } catch (e) {
      throw new Error(`${filename}: the image does not parse: ${(e as Error).message}`);
    }
    return new GuestImage(filename, script, sourceMap, opts.breakOnStart === true);
  }

  /**
   * Evaluates the image in `realm` and returns its entry, called with the facade of each hart.
   * @throws Error when evaluation throws or the image defines no entry function.
   */
  instantiate(realm: GuestRealm, facade: (hart: Hart) => Hart): ImageEntry {
    if (this.sourceMap)
      realm.run<(map: string, file: string) => void>(mapperScript)(
        this.sourceMap.mapperText,
        this.filename,
      );
    realm.run(this.script);
    const mod = realm.run<{ default?: unknown } | undefined>(takeImage);
    const entry = mod?.default as ImageEntry | undefined;
    if (typeof entry !== 'function')
      throw new Error(
        `${this.filename} is not a Runikraft image (${IMAGE_GLOBAL}.default is not the entry (hart, a0, a1)); rebuild it with rk build`,
      );
    if (this.breakOnStart) realm.run(breakScript);
    const secondary = entry.secondary;
    const boot = (hart: Hart, a0: number, a1: number) => entry(facade(hart), a0, a1);
    if (typeof secondary !== 'function') return boot;
    return Object.assign(boot, {
      secondary: (hart: Hart, a0: number, a1: number) => secondary(facade(hart), a0, a1),
    });
  }
}

/**
 * Loads a guest image from a file (`build/image.mjs` of `rk build`).
 * @throws Error naming the file when it cannot be read or is not a Runikraft image.
 */
export function loadImage(path: string, opts: LoadImageOptions = {}): GuestImage {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read image ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return GuestImage.fromSource(source, path, readImageSourceMap(path, source), opts);
}

/** Compiles a guest image from source (`filename` names it in errors and stack traces). */
export function loadImageSource(source: string, filename = 'image.js'): GuestImage {
  return GuestImage.fromSource(source, filename);
}
