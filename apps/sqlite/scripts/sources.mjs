// Unpacks shell.c from the sqlite3 npm tarball's SQLite autoconf archive into vendor/ (the
// amalgamation itself is compiled straight from better-sqlite3's deps/). vendor/ holds no
// sqlite3.h, so the shell compiles against the amalgamation's header, as it must.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(app, 'vendor', 'shell.c');
if (!existsSync(out)) {
  const require = createRequire(join(app, 'package.json'));
  const deps = join(dirname(require.resolve('sqlite3/package.json')), 'deps');
  const tgz = readdirSync(deps).find((f) => /^sqlite-autoconf-\d+\.tar\.gz$/.test(f));
  if (!tgz) throw new Error(`sqlite-autoconf-*.tar.gz not found in ${deps}`);
  const dir = tgz.replace(/\.tar\.gz$/, '');
  mkdirSync(join(app, 'vendor'), { recursive: true });
  execFileSync('tar', ['-xzf', join(deps, tgz), '-C', join(app, 'vendor'), `${dir}/shell.c`]);
  renameSync(join(app, 'vendor', dir, 'shell.c'), out);
  execFileSync('rmdir', [join(app, 'vendor', dir)]);
}
