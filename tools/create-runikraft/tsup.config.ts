// tsup build of create-runikraft: the bin (with its shebang) and the library entry.
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
});
