// `rk build`: resolve the composition, generate the entry, bundle build/image.mjs and write
// build/image.manifest.json (issue 2 §5).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generateEntry } from './entry';
import { RkUsageError } from './errors';
import {
  bytesPerPackage,
  IMAGE_FORMAT,
  type ImageManifest,
  type KnownPackage,
  makeManifest,
} from './manifest';
import { isProgramEntry, prepareProgramMain } from './program';
import { sizeReport } from './report';
import { INITRD_FILE, packRootfs, ROOTFS_DIR } from './rootfs';

export interface BuildOptions {
  /** Output directory (default `<app>/build`). */
  outDir?: string;
  /** Receives the size report; default: none (the CLI passes console.log). */
  log?: (text: string) => void;
}

export interface BuildResult {
  imagePath: string;
  manifestPath: string;
  manifest: ImageManifest;
}

/**
 * Builds the app in `appDir` into one image file plus its manifest.
 * @returns the paths and the manifest.
 * @throws RkUsageError for composition, package.json or bundling problems (each with its fix).
 */
export async function buildImage(appDir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const { composeApp, locateRkboot } = await import('./compose');
  const { bundleImage } = await import('./bundle');
  const composed = composeApp(appDir);
  const { closure, composition } = composed;
  let { app } = composed;
  const outDir = resolve(opts.outDir ?? join(app.dir, 'build'));
  mkdirSync(outDir, { recursive: true });
  const rootfs = packAppRootfs(app, closure, outDir);
  if (rootfs && !('vfs.rootfs' in app.params))
    app = { ...app, params: { ...app.params, 'vfs.rootfs': 'initrd' } };
  if (isProgramEntry(app.entry)) app = prepareProgramMain(app, outDir);
  const entryFile = join(outDir, 'entry.generated.ts');
  writeFileSync(entryFile, generateEntry(app, composition, outDir));
  const rkboot = locateRkboot(closure);
  const nodePaths = [
    ...new Set([...[...closure.values()].map((p) => p.nodeModules), rkboot.nodeModules]),
  ];
  const imagePath = join(outDir, 'image.mjs');
  const { metafile, outputKey } = await bundleImage(entryFile, imagePath, nodePaths, app.dir);
  const known: KnownPackage[] = [...closure.values()].map((p) => ({
    name: p.name,
    version: p.version,
    dir: p.dir,
  }));
  if (!closure.has('@runikraft/rkboot'))
    known.push({ name: '@runikraft/rkboot', version: rkboot.version, dir: rkboot.dir });
  const sizes = bytesPerPackage(metafile, outputKey, app.dir, known, app, entryFile);
  const inputs = [...Object.keys(metafile.inputs), 'package.json', ...(rootfs?.inputs ?? [])];
  const imageBytes = statSync(imagePath).size;
  const manifest = makeManifest(
    app,
    composition,
    sizes,
    imageBytes,
    Math.round(performance.now() - t0),
    inputs,
  );
  if (rootfs) manifest.initrd = INITRD_FILE;
  const manifestPath = join(outDir, 'image.manifest.json');
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  opts.log?.(sizeReport(manifest, relative(process.cwd(), imagePath) || imagePath));
  return { imagePath, manifestPath, manifest };
}

/** Packs `runikraft.rootfs/` into `<outDir>/initrd.cpio` when the app has one. */
function packAppRootfs(
  app: { dir: string },
  closure: ReadonlyMap<string, unknown>,
  outDir: string,
): { inputs: string[] } | undefined {
  const dir = join(app.dir, ROOTFS_DIR);
  if (!existsSync(dir)) return undefined;
  if (!statSync(dir).isDirectory())
    throw new RkUsageError(
      `rk build: ${ROOTFS_DIR} must be a directory (the app's root file system)`,
    );
  if (!closure.has('@runikraft/vfscore') || !closure.has('@runikraft/ramfs'))
    throw new RkUsageError(
      `rk build: ${ROOTFS_DIR}/ is unpacked at boot by vfscore into ramfs: add @runikraft/vfscore and @runikraft/ramfs to the app's dependencies`,
    );
  const { archive, inputs } = packRootfs(dir, app.dir);
  writeFileSync(join(outDir, INITRD_FILE), archive);
  return { inputs };
}

/** Reads the manifest next to an image, if there is one. */
export function readManifest(imagePath: string): ImageManifest | undefined {
  const file = imagePath.replace(/\.mjs$/, '.manifest.json');
  if (file === imagePath || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ImageManifest;
}

/**
 * Why the image of the app in `appDir` must be (re)built, or undefined when it is up to date:
 * missing image or manifest, an older image format, or a bundled source (or the app's package.json) newer than the image.
 */
export function staleReason(appDir: string): string | undefined {
  const dir = resolve(appDir);
  const image = join(dir, 'build', 'image.mjs');
  if (!existsSync(image)) return 'no image yet';
  const manifest = readManifest(image);
  if (!manifest) return 'no manifest';
  if (manifest.format !== IMAGE_FORMAT) return `image format ${manifest.format} is outdated`;
  const built = statSync(image).mtimeMs;
  for (const input of manifest.inputs) {
    const f = resolve(dir, input);
    if (!existsSync(f)) return `${input} is gone`;
    if (statSync(f).mtimeMs > built) return `${relative(process.cwd(), f)} changed`;
  }
  return undefined;
}
