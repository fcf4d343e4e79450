// `rk build`: resolve the composition, generate the entry, bundle build/image.mjs and write
// build/image.manifest.json (issue 2 §5).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatFieldProblems } from './app';
import type { FieldProblem } from './app-machine';
import { generateEntry } from './entry';
import { ENV_FILE, generateEnv } from './env';
import { RkUsageError } from './errors';
import {
  bytesPerPackage,
  IMAGE_FORMAT,
  type ImageManifest,
  type KnownPackage,
  makeManifest,
} from './manifest';
import { isProgramEntry, prepareProgramMain } from './program';
import { prepareProgramsMain } from './programs';
import { sizeReport } from './report';
import { INITRD_FILE, packRootfs, ROOTFS_DIR } from './rootfs';
import { formatProblems, TSBUILDINFO, type TypeProblem, typecheckApp } from './typecheck';

export interface BuildOptions {
  /** Output directory (default `<app>/build`). */
  outDir?: string;
  /** Receives the size report; default: none (the CLI passes console.log). */
  log?: (text: string) => void;
  /** Type-check the app's sources against the composed packages (default true; `--no-typecheck`). */
  typecheck?: boolean;
  /**
   * Apply binaryen's asyncify pass to a program entry (default: the app's runikraft.program.asyncify,
   * else true; false is `--no-asyncify`).
   */
  asyncify?: boolean;
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
  const { closure, composition, problems } = composed;
  let { app } = composed;
  const outDir = resolve(opts.outDir ?? join(app.dir, 'build'));
  mkdirSync(outDir, { recursive: true });
  const imagePath = join(outDir, 'image.mjs');
  const manifestPath = join(outDir, 'image.manifest.json');
  // A failed build leaves no manifest, so `rk run` rebuilds instead of booting a rejected image.
  rmSync(manifestPath, { force: true });
  const rootfs = packAppRootfs(app, closure, outDir);
  if (rootfs && !('vfs.rootfs' in app.params))
    app = { ...app, params: { ...app.params, 'vfs.rootfs': 'initrd' } };
  if (app.programs) app = prepareProgramsMain(app, outDir, opts.asyncify);
  else if (isProgramEntry(app.entry)) app = prepareProgramMain(app, outDir, opts.asyncify);
  const entryFile = join(outDir, 'entry.generated.ts');
  writeFileSync(entryFile, generateEntry(app, composition, outDir));
  const envFile = join(outDir, ENV_FILE);
  // Rewritten only when it changes: the type check is skipped while none of its inputs changed.
  const env = generateEnv(app.name, composition, outDir, closure);
  if (!existsSync(envFile) || readFileSync(envFile, 'utf8') !== env) {
    writeFileSync(envFile, env);
    // TypeScript's builder keeps the app's old diagnostics when only a `declare global` changes.
    rmSync(join(outDir, TSBUILDINFO), { force: true });
  }
  const rkboot = locateRkboot(closure, composed.pm);
  const nodePaths = [
    ...new Set([...[...closure.values()].map((p) => p.nodeModules), rkboot.nodeModules]),
  ];
  // esbuild bundles in its own process while TypeScript checks here.
  const bundled = bundleImage(entryFile, imagePath, nodePaths, app.dir).then(
    (r) => ({ ok: true as const, ...r }),
    (e: unknown) => ({ ok: false as const, error: e }),
  );
  const typeErrors =
    opts.typecheck === false
      ? []
      : await typecheckApp({
          appDir: app.dir,
          entry: app.entry,
          envFile,
          outDir,
        });
  const b = await bundled;
  if (!b.ok && !(b.error instanceof RkUsageError)) throw b.error;
  if (b.ok) problems.push(...(await checkParams(app.params, imagePath)));
  if (problems.length > 0 || typeErrors.length > 0 || !b.ok) {
    rmSync(imagePath, { force: true });
    throw buildFailure(app.manifestPath, problems, typeErrors, b.ok ? undefined : b.error);
  }
  const { metafile, outputKey } = b;
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
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  opts.log?.(sizeReport(manifest, relative(process.cwd(), imagePath) || imagePath));
  return { imagePath, manifestPath, manifest };
}

/** package.json `runikraft.params` problems against the built image's library descriptors. */
async function checkParams(
  params: Readonly<Record<string, string | number | boolean>>,
  imagePath: string,
): Promise<FieldProblem[]> {
  const { imageLibraries, paramProblems } = await import('./params-check');
  let libs: ReturnType<typeof imageLibraries>;
  try {
    libs = imageLibraries(imagePath);
  } catch (e) {
    if (Object.keys(params).length === 0) return [];
    return [
      {
        field: 'runikraft.params',
        message: `cannot be checked: evaluating the image's library descriptors failed (${(e as Error).message})`,
      },
    ];
  }
  return paramProblems(params, libs.libraries, libs.app);
}

/** One error with every problem of the build: package.json fields, type errors, bundling. */
function buildFailure(
  manifestPath: string,
  problems: readonly FieldProblem[],
  typeErrors: readonly TypeProblem[],
  bundleError: unknown,
): RkUsageError {
  // A bundling failure (a syntax error, a missing module) first: the type errors often follow from it.
  const parts: string[] = bundleError ? [(bundleError as Error).message] : [];
  if (problems.length > 0) parts.push(formatFieldProblems(manifestPath, problems));
  if (typeErrors.length > 0) {
    const n = typeErrors.length;
    parts.push(
      `rk build: ${n === 1 ? '1 type error' : `${n} type errors`} (rk build --no-typecheck skips the check):`,
      formatProblems(typeErrors),
    );
  }
  return new RkUsageError(parts.join('\n'));
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
