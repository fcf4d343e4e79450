// The image manifest (build/image.manifest.json): what is in the image, from which package, how big,
// and why each provider was chosen. `rk run` reads it for the app's machine defaults.
import { resolve, sep } from 'node:path';
import type { RkComposition } from '@runikraft/rkboot';
import type { Metafile } from 'esbuild';
import type { AppConfig, AppMachineDefaults } from './app';

export type PackageRole = 'platform' | 'library' | 'core' | 'support' | 'app' | 'entry';

/** One package's share of the image. */
export interface ManifestPackage {
  name: string;
  version: string;
  role: PackageRole;
  /** Bytes this package's modules occupy in image.mjs (esbuild's bytesInOutput). */
  bytes: number;
}

/** Image format: 2 = a script evaluated in the guest realm (1 was an ES module imported by Node). */
export const IMAGE_FORMAT = 2;

export interface ImageManifest {
  format: typeof IMAGE_FORMAT;
  app: { name: string; version: string; entry: string };
  platform: { name: string; version: string; entry: string; machine: string };
  /** Chosen libraries in init-dependency order (the platform first). */
  libraries: {
    name: string;
    version: string;
    provides: string[];
    requires: string[];
    bytes: number;
  }[];
  /** Every package with code in the image, largest first. */
  packages: ManifestPackage[];
  imageBytes: number;
  builtAt: string;
  buildMs: number;
  resolution: {
    api: string;
    provider: string;
    reason: string;
    requiredBy: string[];
    text: string;
  }[];
  builtins: string[];
  unused: { name: string; version: string; provides: string[] }[];
  params: Record<string, string | number | boolean>;
  machine: AppMachineDefaults;
  /** Source files bundled, relative to the app directory: a newer one makes the image stale. */
  inputs: string[];
  /** The initrd packed from `runikraft.rootfs/`, next to the image; `rk run` loads it as -initrd. */
  initrd?: string;
}

/** A package directory the attribution can match input files against. */
export interface KnownPackage {
  name: string;
  version: string;
  dir: string;
}

/** Bytes per package from esbuild's metafile, matching each input to the deepest package dir. */
export function bytesPerPackage(
  meta: Metafile,
  outputKey: string,
  cwd: string,
  pkgs: KnownPackage[],
  app: AppConfig,
  entryFile: string,
) {
  const byDir = [...pkgs].sort((a, b) => b.dir.length - a.dir.length);
  const out = new Map<string, { pkg: KnownPackage | 'app' | 'entry'; bytes: number }>();
  const inputs = meta.outputs[outputKey].inputs;
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const abs = resolve(cwd, file);
    let key: string;
    let pkg: KnownPackage | 'app' | 'entry';
    if (abs === entryFile) [key, pkg] = ['(entry)', 'entry'];
    else {
      const found = byDir.find((p) => abs.startsWith(p.dir + sep));
      if (found) [key, pkg] = [found.name, found];
      else if (abs.startsWith(app.dir + sep)) [key, pkg] = [app.name, 'app'];
      else [key, pkg] = [file, { name: file, version: '', dir: '' }];
    }
    const cur = out.get(key) ?? { pkg, bytes: 0 };
    cur.bytes += bytesInOutput;
    out.set(key, cur);
  }
  return out;
}

function roleOf(
  name: string,
  pkg: KnownPackage | 'app' | 'entry',
  platform: string,
  chosen: Set<string>,
): PackageRole {
  if (pkg === 'app' || pkg === 'entry') return pkg;
  if (name === platform) return 'platform';
  if (chosen.has(name)) return 'library';
  return name === '@runikraft/rkboot' ? 'core' : 'support';
}

/** Builds the manifest from the composition and the per-package byte counts. */
export function makeManifest(
  app: AppConfig,
  comp: RkComposition,
  sizes: ReturnType<typeof bytesPerPackage>,
  imageBytes: number,
  buildMs: number,
  inputs: string[],
): ImageManifest {
  const chosen = new Set(comp.libraries.map((l) => l.name));
  const bytes = (name: string) => sizes.get(name)?.bytes ?? 0;
  const packages: ManifestPackage[] = [...sizes.entries()].map(([name, { pkg, bytes }]) => ({
    name,
    version: typeof pkg === 'string' ? (pkg === 'app' ? app.version : '') : pkg.version,
    role: roleOf(name, pkg, comp.platform.name, chosen),
    bytes,
  }));
  packages.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  const p = comp.platform;
  return {
    format: IMAGE_FORMAT,
    app: { name: app.name, version: app.version, entry: app.entry },
    platform: {
      name: p.name,
      version: p.version,
      entry: p.platform?.entry ?? `${p.name}/plat`,
      machine: p.platform?.machine ?? `${p.name}/machine`,
    },
    libraries: comp.libraries.map((l) => ({
      name: l.name,
      version: l.version,
      provides: [...l.provides],
      requires: [...l.requires],
      bytes: bytes(l.name),
    })),
    packages,
    imageBytes,
    builtAt: new Date().toISOString(),
    buildMs,
    resolution: comp.choices.map((c) => ({
      api: c.api,
      provider: c.provider.name,
      reason: c.reason,
      requiredBy: [...c.requiredBy],
      text: c.text,
    })),
    builtins: [...comp.builtins],
    unused: comp.unused.map((u) => ({
      name: u.name,
      version: u.version,
      provides: [...u.provides],
    })),
    params: app.params,
    machine: app.machine,
    inputs,
  };
}
