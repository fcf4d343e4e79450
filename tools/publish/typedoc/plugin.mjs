// TypeDoc plugin for the one API site of every public package (typedoc.config.mjs): modules are
// named by what a user imports (`@runikraft/rkalloc/conformance`, not `packages/rkalloc/src/conformance`),
// and a type some documented API references but no entry point exports is a validation warning
// even when it lives in another workspace package — TypeDoc's own check skips every package but
// the project's, and all of ours are "other packages" in a single program.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import {
  Application,
  Converter,
  DeclarationReflection,
  makeRecursiveVisitor,
  ReflectionKind,
  SignatureReflection,
} from 'typedoc';

/**
 * The public entry points of the workspace under `root`: each non-private package's `exports`
 * resolved to its sources (the `@runikraft/source` condition).
 * @returns `{ file, specifier, pkg }` for every export, `file` absolute, `pkg` the package name.
 */
export function docEntryPoints(root) {
  const out = [];
  for (const group of ['packages', 'platforms', 'tools']) {
    if (!existsSync(join(root, group))) continue;
    for (const name of readdirSync(join(root, group)).sort()) {
      const pj = join(root, group, name, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      if (pkg.private) continue;
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        const src = typeof target === 'string' ? target : target['@runikraft/source'];
        if (!src?.endsWith('.ts')) continue;
        out.push({
          file: join(root, group, name, src),
          specifier: sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`,
          pkg: pkg.name,
        });
      }
    }
  }
  return out;
}

/** Reference types reachable from what the site documents (as TypeDoc's export validation walks). */
function* documentedReferences(project) {
  const queue = [project];
  const found = [];
  let owner = project;
  const visitor = makeRecursiveVisitor({
    reference: (type) => found.push({ type, owner }),
    reflection: (type) => queue.push(type.declaration),
  });
  while (queue.length > 0) {
    owner = queue.pop();
    queue.push(...(owner.children ?? []));
    if (owner instanceof DeclarationReflection) {
      owner.type?.visit(visitor);
      queue.push(...(owner.typeParameters ?? []), ...(owner.signatures ?? []));
      queue.push(...(owner.indexSignatures ?? []));
      for (const s of [owner.getSignature, owner.setSignature]) if (s) queue.push(s);
      for (const t of owner.implementedTypes ?? []) t.visit(visitor);
      owner.overwrites?.visit(visitor);
    }
    if (owner instanceof SignatureReflection) {
      queue.push(...(owner.parameters ?? []), ...(owner.typeParameters ?? []));
      owner.type?.visit(visitor);
    }
    if (owner.kindOf?.(ReflectionKind.TypeParameter | ReflectionKind.Parameter)) {
      owner.type?.visit(visitor);
      owner.default?.visit(visitor);
    }
    yield* found.splice(0);
  }
}

/** @param {Application} app */
export function load(app) {
  const root = process.cwd();
  let names = new Map();
  app.converter.on(Converter.EVENT_BEGIN, () => {
    names = new Map(docEntryPoints(root).map((e) => [normalize(e.file), e.specifier]));
  });
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.kind !== ReflectionKind.Module) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0];
    const specifier = file && names.get(normalize(file.getSourceFile().fileName));
    if (specifier) reflection.name = specifier;
  });
  // A project document is named by its first heading ("Write your own component", "rk — the
  // Runikraft CLI"), not by its file name: two of them are README.md.
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    const text = doc.content.map((part) => part.text).join('');
    const heading = /^#[ \t]+(.+?)[ \t]*$/m.exec(text);
    if (heading && text.slice(0, heading.index).trim() === '')
      doc.name = heading[1].replaceAll('`', '');
  });
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (!app.options.getValue('validation').notExported) return;
    const packages = new Set(docEntryPoints(root).map((e) => e.pkg));
    const warned = new Set();
    for (const { type, owner } of documentedReferences(project)) {
      const id = type.symbolId;
      if (type.reflection || type.externalUrl || type.isIntentionallyBroken() || !id) continue;
      if (!packages.has(type.package) || warned.has(id.getStableKey())) continue;
      warned.add(id.getStableKey());
      app.logger.validationWarning(
        `${type.qualifiedName}, defined in ${id.packageName}/${id.packagePath}, is referenced by ${owner.getFriendlyFullName()} but exported by no entry point`,
      );
    }
  });
}
