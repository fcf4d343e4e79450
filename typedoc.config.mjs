// One API site for every public package (`pnpm build:docs` → docs-site/; `pnpm docs:check` in CI
// fails on any warning). A single TypeScript program over every package's exported entry points
// (sources, via the @runikraft/source condition): per-package programs ("packages" strategy)
// re-checked the shared sources once per package and took minutes.
import { docEntryPoints } from './tools/publish/typedoc/plugin.mjs';

export default {
  $schema: 'https://typedoc.org/schema.json',
  name: 'Runikraft API',
  entryPointStrategy: 'resolve',
  entryPoints: docEntryPoints(import.meta.dirname).map((e) => e.file),
  tsconfig: 'tsconfig.docs.json',
  plugin: ['./tools/publish/typedoc/plugin.mjs'],
  out: 'docs-site',
  excludePrivate: true,
  excludeInternal: true,
  readme: 'README.md',
  // The rk CLI's reference (verbs, every `rk run` option, the monitor, --inspect) is its README.
  projectDocuments: ['docs/*.md', 'tools/rk/README.md'],
  // libc-shim declares the part of the WebAssembly JS API it uses (kernel packages load no lib.dom).
  externalSymbolLinkMappings: {
    '@runikraft/libc-shim': {
      ...Object.fromEntries(
        ['Module', 'Memory', 'Instance', 'Exports', 'Table', 'Global'].map((n) => [
          `__global.WebAssembly.${n}`,
          `https://developer.mozilla.org/docs/WebAssembly/Reference/JavaScript_interface/${n}`,
        ]),
      ),
      // JSPI's function types come from the type-reflection proposal (no MDN page yet).
      '__global.WebAssembly.FunctionType':
        'https://github.com/WebAssembly/js-types/blob/main/proposals/js-types/Overview.md',
    },
  },
};
