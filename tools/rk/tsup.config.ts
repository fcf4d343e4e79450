// tsup build of rk: the CLI bin (with its shebang) and the library entry. The @runikraft/* packages
// rk uses on the host (rkboot's resolver, the machine model) are bundled from their sources, so the
// bin needs only esbuild at run time and works whatever order a workspace build runs in.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  outDir: 'dist',
  dts: { entry: { index: 'src/index.ts' } },
  tsconfig: 'tsconfig.json',
  noExternal: [/^@runikraft\//],
  external: ['esbuild', 'typescript'],
  esbuildOptions(options) {
    options.conditions = ['@runikraft/source'];
  },
});
