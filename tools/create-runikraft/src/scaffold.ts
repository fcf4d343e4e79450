// Writes a new project: the template's files (names substituted) and a package.json built here, so
// its dependencies carry the version ranges of this release.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { AppTemplate, ComponentTemplate } from './templates';
import { ownVersion, packageRoot, versionRanges } from './versions';

/** A refused request (bad name, occupied folder): the message is for the user as it is. */
export class CreateError extends Error {}

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** What was written. */
export interface Scaffolded {
  readonly dir: string;
  readonly packageName: string;
  readonly files: string[];
}

/**
 * Creates `dir` from `template`. The package name is the folder's name unless `name` is given.
 * @throws CreateError when the folder exists and is not empty, or the name is not a valid npm name.
 */
export function scaffold(
  template: AppTemplate | ComponentTemplate,
  dir: string,
  name?: string,
): Scaffolded {
  const target = resolve(dir);
  const packageName = name ?? basename(target);
  if (!NPM_NAME.test(packageName) || packageName.length > 214)
    throw new CreateError(
      `create-runikraft: '${packageName}' is not a valid npm package name (lowercase letters, digits, - . _ ~; an optional @scope/); pass --name <package-name>`,
    );
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0))
    throw new CreateError(`create-runikraft: ${dir} already exists and is not an empty folder`);
  // The library name (and, for an app, its boot parameter prefix, as rk derives it).
  const lib = packageName
    .replace(/^@[^/]+\//, '')
    .replace(template.kind === 'app' ? /^app-/ : /^$/, '');
  const folder = template.kind === 'app' ? `app-${template.name}` : `component-${template.iface}`;
  const files: string[] = [];
  copyTree(
    join(packageRoot(), 'templates', folder),
    target,
    '',
    { __NAME__: packageName, __LIB__: lib },
    files,
  );
  writeFileSync(
    join(target, 'package.json'),
    `${JSON.stringify(packageJson(template, packageName, lib), null, 2)}\n`,
  );
  files.push('package.json');
  return { dir: target, packageName, files: files.sort() };
}

function packageJson(
  t: AppTemplate | ComponentTemplate,
  name: string,
  lib: string,
): Record<string, unknown> {
  if (t.kind === 'app')
    return {
      name,
      version: '0.1.0',
      private: true,
      description: `A Runikraft unikernel (from create-runikraft ${ownVersion()}, ${t.name} template)`,
      type: 'module',
      scripts: { build: 'rk build', start: 'rk run' },
      dependencies: versionRanges(t.dependencies),
      devDependencies: versionRanges(['@runikraft/rk']),
      runikraft: JSON.parse(JSON.stringify(t.runikraft).replaceAll('__LIB__', lib)),
    };
  return {
    name,
    version: '0.1.0',
    description: `A Runikraft ${t.iface} provider (from create-runikraft ${ownVersion()})`,
    type: 'module',
    sideEffects: false,
    exports: { '.': './src/index.ts' },
    files: ['src', 'README.md'],
    keywords: ['runikraft', t.iface],
    scripts: { test: 'vitest run' },
    runikraft: {
      provides: [t.provides === 'self' ? lib : t.iface],
      requires: t.requires,
    },
    dependencies: versionRanges(t.dependencies),
    devDependencies: versionRanges(t.devDependencies),
  };
}

/** Copies a template folder; `_gitignore` becomes `.gitignore` (npm never packs a .gitignore). */
function copyTree(
  from: string,
  to: string,
  rel: string,
  subst: Record<string, string>,
  files: string[],
): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const out = entry.name === '_gitignore' ? '.gitignore' : entry.name;
    if (entry.isDirectory()) {
      copyTree(join(from, entry.name), join(to, out), `${rel}${out}/`, subst, files);
      continue;
    }
    let text = readFileSync(join(from, entry.name), 'utf8');
    for (const [k, v] of Object.entries(subst)) text = text.replaceAll(k, v);
    writeFileSync(join(to, out), text);
    files.push(rel + out);
  }
}
