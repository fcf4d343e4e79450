// Checks package.json `runikraft.params` against the boot parameters the composed libraries declare,
// at build time (the same rules rkparam applies at boot), so a typo is a build error naming the field.
import { readFileSync } from 'node:fs';
import { createContext, Script } from 'node:vm';
import { paramTable, type RkAppParams, type RkLibrary } from '@runikraft/rkboot';
import { convertValue, type RkParamSpecs } from '@runikraft/rkparam';
import type { FieldProblem } from './app-machine';
import { closest } from './suggest';

/**
 * The library descriptors of a built image: the image script is evaluated in an empty realm (as the
 * machine would, without booting) and its `libraries` export read.
 * @throws Error when the image does not evaluate or exports no descriptors.
 */
export function imageLibraries(imagePath: string): {
  libraries: RkLibrary<any>[];
  app?: RkAppParams;
} {
  const script = new Script(readFileSync(imagePath, 'utf8'), { filename: imagePath });
  const ctx = createContext({});
  script.runInContext(ctx);
  const image = (ctx as { RunikraftImage?: { libraries?: unknown; rkAppParams?: RkAppParams } })
    .RunikraftImage;
  if (!Array.isArray(image?.libraries))
    throw new Error(`${imagePath} exports no library descriptors`);
  return {
    libraries: image.libraries as RkLibrary<any>[],
    ...(image.rkAppParams ? { app: image.rkAppParams } : {}),
  };
}

const field = (key: string) => `runikraft.params["${key}"]`;

/** Every problem of `params` ("lib.param" → value) against the libraries' declared parameters. */
export function paramProblems(
  params: Readonly<Record<string, string | number | boolean>>,
  libs: readonly RkLibrary<any>[],
  app?: RkAppParams,
): FieldProblem[] {
  const table = paramTable(libs, app);
  const all = [...table].flatMap(([lib, specs]) => Object.keys(specs).map((n) => `${lib}.${n}`));
  const out: FieldProblem[] = [];
  for (const [key, value] of Object.entries(params)) {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1) {
      out.push({ field: field(key), message: `must be written "library.param"${hint(key, all)}` });
      continue;
    }
    const lib = key.slice(0, dot);
    const name = key.slice(dot + 1);
    const specs: RkParamSpecs | undefined = table.get(lib);
    if (!specs) {
      const libs = [...table.keys()].sort();
      out.push({
        field: field(key),
        message: `unknown library '${lib}'${hint(key, all)} (libraries with parameters: ${libs.join(', ')})`,
      });
      continue;
    }
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs)
        .sort()
        .map((n) => `${lib}.${n}`);
      out.push({
        field: field(key),
        message: `unknown parameter${hint(key, all)}${known.length ? ` (${lib} has: ${known.join(', ')})` : ` (${lib} has no parameters)`}`,
      });
      continue;
    }
    const r = convertValue(spec, String(value));
    if (!r.ok) out.push({ field: field(key), message: r.message });
  }
  return out;
}

const hint = (key: string, all: string[]) => {
  const c = closest(key, all);
  return c ? `; did you mean ${c}?` : '';
};
