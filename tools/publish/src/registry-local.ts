// `pnpm registry:local`: until a release is on npmjs.com, the way to use Runikraft's packages from a
// project of your own. Starts a private npm registry (Verdaccio, the registry test's setup) on
// 127.0.0.1, publishes every public package of the checkout to it (built dist/, `workspace:` ranges
// turned into versions, as `pnpm publish` does; the checkout is not changed), prints how to point
// npm and pnpm at it, and serves until Ctrl-C, which stops it and removes its storage.
// Options: --port N (default 4873, Verdaccio's; 0 picks a free one), --from DIR (a workspace to
// publish instead of the checkout: the registry test publishes its changesets release).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { type Registry, startRegistry, upstreamRegistry } from '../test/support/verdaccio';
import { publicPackages, repoRoot } from '../test/support/workspace';

function fail(msg: string): never {
  process.stderr.write(`registry:local: ${msg}\n`);
  process.exit(1);
}

function options(argv: string[]): { port: number; from: string } {
  let port = 4873;
  let from = repoRoot;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === '--port') {
      const v = value();
      port = /^\d+$/.test(v) && Number(v) < 65536 ? Number(v) : fail(`--port: bad value '${v}'`);
    } else if (flag === '--from') from = resolve(value());
    else if (flag !== '--') fail(`unknown option '${flag}' (options: --port N, --from DIR)`);
  }
  return { port, from };
}

const { port, from } = options(process.argv.slice(2));
const unbuilt = publicPackages().filter(
  (p) => !existsSync(join(from, relative(repoRoot, p.dir), 'dist')),
);
if (unbuilt.length > 0)
  fail(`not built (run pnpm build first): ${unbuilt.map((p) => p.name).join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'rk-registry-local-'));
let registry: Registry | undefined;
async function stop(code: number): Promise<never> {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  registry = await startRegistry(dir, { port });
} catch (e) {
  process.stderr.write(`registry:local: ${(e as Error).message}\n`);
  await stop(1);
}
const published = spawnSync('pnpm', ['-r', 'publish', '--no-git-checks'], {
  cwd: from,
  env: registry!.env,
  encoding: 'utf8',
});
if (published.status !== 0) {
  process.stderr.write(published.stdout + published.stderr);
  process.stderr.write('registry:local: pnpm -r publish failed\n');
  await stop(1);
}
const url = registry!.url;
process.stdout.write(
  [
    `registry:local: ${publicPackages().length} Runikraft packages published on ${url} (other packages come through it from ${upstreamRegistry()}).`,
    'Point npm and pnpm at it:',
    `  npm config set registry ${url}`,
    `or give it to one command: npm create runikraft@latest my-unikernel --registry ${url}`,
    'Back to the default afterwards: npm config delete registry',
    `registry:local: storage ${dir}`,
    'Ctrl-C stops the registry (its storage is removed).',
    '',
  ].join('\n'),
);
